"""What a run freed goes back to the system: the server's resident set follows what it holds.

Two things kept a Streamlit server's resident set far above what it held (measured on the Teams
page at 2,000 developers, bench/results-store.md): cyclic garbage left until Python's own
full collection (none ran between runs with `runner.postScriptGC` off), and memory the C
allocator kept after pandas, pyarrow and DuckDB had freed it. So, once per server process:

- `gc.freeze()` after the first collection: what is alive then (the modules imported so far,
  their classes and functions) is never scanned again, so the full collection Streamlit runs
  after each script run (`runner.postScriptGC`, .streamlit/config.toml) costs milliseconds;
- after each full collection, glibc's `malloc_trim(0)` hands the freed heap back to the system
  (off glibc, nothing is done).

No Streamlit here: app.py calls `install()` on every run; only the first does anything.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

_LOCK = threading.Lock()
_installed = False


def _malloc_trim():
    """glibc's malloc_trim, or None where there is none (macOS, musl, Windows)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def _after_full_collections(trim):
    def callback(phase: str, info: dict) -> None:
        if phase == "stop" and info.get("generation") == 2:
            trim(0)

    return callback


def install() -> bool:
    """Freeze what is alive now and trim the heap after every full collection; once per
    process (later calls do nothing). True when this call installed it."""
    global _installed
    with _LOCK:
        if _installed:
            return False
        _installed = True
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        gc.callbacks.append(_after_full_collections(trim))
    return True
