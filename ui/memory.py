"""What a run freed goes back to the system: the server's resident set follows what it holds.

Two things kept a Streamlit server's resident set far above what it held (measured on the Teams
page at 2,000 developers, bench/results-store.md): cyclic garbage left until Python's own
full collection (none ran between runs with `runner.postScriptGC` off), and memory the C
allocator kept after pandas, pyarrow and DuckDB had freed it. So, once per server process:

- `gc.freeze()` after the first collection: what is alive then (the modules imported so far,
  their classes and functions) is never scanned again, so the full collection Streamlit runs
  after each script run (`runner.postScriptGC`, .streamlit/config.toml) costs milliseconds;
- after each full collection, glibc's `malloc_trim(0)` hands the freed heap back to the system
  (off glibc, nothing is done);
- blocks of 4 MiB and more get a mapping of their own, unmapped when freed (glibc's
  `mallopt(M_MMAP_THRESHOLD)`): that also stops glibc's sliding threshold (raised to the size of
  every mapped block freed, up to 32 MB), which had put a page run's big arrays (DuckDB's
  results, pandas' columns) in the heap, where the gaps they left between the small objects that
  outlived them stayed resident;
- Arrow allocates through the C allocator (`pyarrow.system_memory_pool()`) instead of its own
  mimalloc pool, which kept its peak (61 MB after the first Overview at 2,000 developers): the
  segments of a script run's thread are abandoned when the thread ends, so no call returns them.

Measured at 2,000 developers over a year, live, Teams with 60 teams (bench/results-store.md,
"branch issue-19-mem"): the two last took the server from 432-467 MB at its highest during the
tour of every page to 368-372 MB, and from 460-498 MB to 381-384 MB after 10 browser sessions;
the CPU of a cold Overview and of a warm rerun did not change.

No Streamlit here: app.py calls `install()` on every run; only the first does anything.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading

_LOCK = threading.Lock()
_installed = False


def _libc(function: str, *argtypes):
    """A function of glibc's (returning int), or None where there is none (macOS, musl,
    Windows)."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        found = getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None
    found.argtypes = list(argtypes)
    found.restype = ctypes.c_int
    return found


def _malloc_trim():
    """glibc's malloc_trim, or None where there is none."""
    return _libc("malloc_trim", ctypes.c_size_t)


# glibc's mallopt parameter number (malloc.h) and the size from which a block is mapped alone.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 4 * 1024 * 1024


def _fixed_mmap_threshold() -> bool:
    """glibc's mallopt(M_MMAP_THRESHOLD, 4 MiB); False where there is no glibc. The same memory
    was held at 256 KiB and 1 MiB, but 256 KiB cost a cold Overview 6% more CPU (mappings)."""
    mallopt = _libc("mallopt", ctypes.c_int, ctypes.c_int)
    return mallopt is not None and mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1


def _arrow_on_the_system_allocator() -> None:
    """Arrow's buffers from malloc, so what they free is trimmed with the rest."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def _after_full_collections(trim):
    def callback(phase: str, info: dict) -> None:
        if phase == "stop" and info.get("generation") == 2:
            trim(0)

    return callback


def install() -> bool:
    """Freeze what is alive now, trim the heap after every full collection, map big blocks
    alone and put Arrow on the C allocator; once per process (later calls do nothing). True
    when this call installed it."""
    global _installed
    with _LOCK:
        if _installed:
            return False
        _installed = True
    _fixed_mmap_threshold()
    _arrow_on_the_system_allocator()
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        gc.callbacks.append(_after_full_collections(trim))
    return True
