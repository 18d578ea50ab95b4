"""ui/memory.py: after a full collection, memory the program freed goes back to the system
(glibc's malloc_trim), and what was alive at install time is frozen out of later collections.
Each case runs in a fresh process: 300,000 one-kilobyte objects, every 50th kept (so the freed
ones are scattered through the heap, as a page run's frames and rows leave it), the rest freed.
Without the module the C allocator keeps nearly all of that memory; with it, it is returned."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, json, sys
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
installed = None
if sys.argv[1] == "on":
    from ui import memory
    installed = [memory.install(), memory.install()]
frozen = gc.get_freeze_count()
blocks = [bytes(1000) + bytes([i % 256]) for i in range(300_000)]
kept = blocks[::50]
before = rss()
del blocks
gc.collect()
print(json.dumps({"freed_mb": before - rss(), "installed": installed, "frozen": frozen}))
"""

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists() or ctypes.util.find_library("c") != "libc.so.6",
    reason="needs Linux with glibc",
)


def _run(mode: str, script: str = SCRIPT) -> dict:
    """The script's last printed line (JSON), run in a fresh process (`mode`: "on" or "off")."""
    done = subprocess.run(
        [sys.executable, "-c", script, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_full_collection_gives_freed_memory_back_to_the_system():
    without, with_it = _run("off"), _run("on")
    assert without["freed_mb"] < 100  # the allocator kept what was freed (about 290 MB)
    assert with_it["freed_mb"] > 200  # handed back
    assert with_it["installed"] == [True, False]  # once per process
    assert with_it["frozen"] > 1_000 and without["frozen"] == 0


ALLOCATORS = """
import ctypes, json, sys
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc.mallinfo2.restype = Info
def mapped():
    return libc.mallinfo2().hblkhd
libc.free(libc.malloc(16 << 20))  # glibc's sliding threshold: now 16 MB, an 8 MB block is not mapped
if sys.argv[1] == "on":
    from ui import memory
    memory.install()
import pyarrow as pa
before = mapped()
block = libc.malloc(8 << 20)
grew = mapped() - before
libc.free(block)
print(json.dumps({"mapped_mb": grew / 2**20, "arrow_pool": pa.default_memory_pool().backend_name}))
"""


def test_big_blocks_are_mapped_alone_whatever_was_freed_before():
    # A block of 8 MB after a 16 MB one was freed: glibc's sliding threshold puts it in the heap;
    # with the fixed threshold (4 MiB) it gets a mapping of its own, handed back when freed.
    without, with_it = _run("off", ALLOCATORS), _run("on", ALLOCATORS)
    assert without["mapped_mb"] == 0
    assert with_it["mapped_mb"] >= 8


def test_arrow_allocates_through_the_c_allocator():
    without, with_it = _run("off", ALLOCATORS), _run("on", ALLOCATORS)
    assert without["arrow_pool"] != "system"  # its own pool (mimalloc or jemalloc) by default
    assert with_it["arrow_pool"] == "system"
