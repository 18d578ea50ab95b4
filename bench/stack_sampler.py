"""A tiny sampling profiler: which line of a script a running thread is in, sample by sample.

Used (untimed) to show where a warm rerun of a page spends its time: every few milliseconds it
looks at every other thread's stack and, when the script's file is on it, counts the script line
being executed (the outermost frame of that file, i.e. the page's own statement), the innermost
function of the project (not of a library) under it, and the library package that function was
in when sampled.
"""

from __future__ import annotations

import linecache
import sys
import threading
import time
from collections import Counter


def _package(frame) -> str | None:
    """The top-level package a frame's code belongs to ("pandas", "altair"), or None."""
    if frame is None:
        return None
    name = frame.f_code.co_filename
    if "site-packages/" in name:
        return name.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    return "python (stdlib)" if "/lib/python" in name else None


class StackSampler:
    def __init__(self, script: str, project: str | None = None, interval: float = 0.002):
        self.script = script
        self.project = project  # also count the innermost function under this folder
        self.interval = interval
        self.lines: Counter = Counter()
        self.functions: Counter = Counter()
        self.libraries: Counter = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stack-sampler", daemon=True)

    def __enter__(self) -> StackSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.is_set():
            for ident, frame in sys._current_frames().items():
                if ident == me:
                    continue
                outermost, innermost, library, deeper = None, None, None, None
                while frame is not None:
                    name = frame.f_code.co_filename
                    if name == self.script:
                        outermost = frame.f_lineno
                        if innermost is None:
                            innermost = "(the page's own statement)"
                            library = library or _package(deeper)
                    elif innermost is None and self._own(name):
                        innermost = (
                            f"{name[len(self.project) :].lstrip('/')}:{frame.f_code.co_name}"
                        )
                        library = _package(deeper)
                    deeper = frame
                    frame = frame.f_back
                if outermost is not None:
                    self.lines[outermost] += 1
                    self.functions[innermost] += 1
                    self.libraries[library or "(own code)"] += 1
                    self.samples += 1
            time.sleep(self.interval)

    def _own(self, filename: str) -> bool:
        return (
            bool(self.project)
            and filename.startswith(self.project)
            and "/.venv/" not in filename
            and "site-packages" not in filename
        )

    def top_libraries(self, count: int = 6) -> list[tuple[float, str]]:
        """(share of samples, package) called by that innermost project function."""
        total = max(1, self.samples)
        return [(hits / total, name) for name, hits in self.libraries.most_common(count)]

    def top_functions(self, count: int = 8) -> list[tuple[float, str]]:
        """(share of samples, "file:function") of the innermost project functions."""
        total = max(1, self.samples)
        return [(hits / total, name) for name, hits in self.functions.most_common(count)]

    def top(self, count: int = 8) -> list[tuple[float, int, str]]:
        """(share of samples, line number, source text) of the busiest script lines."""
        total = max(1, self.samples)
        return [
            (hits / total, line, linecache.getline(self.script, line).strip())
            for line, hits in self.lines.most_common(count)
        ]
