"""`python -m bench.memory_probe PATH PAGES_FILE`: the peak memory one frame path adds, in a
fresh process, printed as one JSON line.

The pages are read one at a time (no second copy of the file), then the resident set is taken
as the baseline. The kernel's peak (VmHWM) is reset to it through /proc/self/clear_refs, the
path runs with its result kept, and the new VmHWM minus the baseline is what the path added at
its peak. Where /proc cannot be reset, `ru_maxrss` minus the baseline is used (the method is
reported). Nothing is timed here.
"""

from __future__ import annotations

import gc
import json
import resource
import sys
from pathlib import Path


def status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # 5: reset the peak resident set size to the current one
        return True
    except OSError:
        return False


def measure(path: str, pages_file: Path) -> dict:
    from .frame_paths import PATHS
    from .model_pages import iter_pages

    pages = list(iter_pages(pages_file))
    json_bytes = sum(len(page) for page in pages)
    PATHS[path](pages[-1:])  # imports and first-call set-up (the last page ends the walk)
    gc.collect()
    baseline = status_kib("VmRSS")
    method = "VmHWM after clear_refs" if baseline is not None and reset_peak() else "ru_maxrss"
    if method == "ru_maxrss":
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = PATHS[path](pages)
    peak = (
        status_kib("VmHWM")
        if method.startswith("VmHWM")
        else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    )
    result_bytes = (
        int(result.memory_usage(deep=True).sum()) if hasattr(result, "memory_usage") else 0
    )
    return {
        "path": path,
        "json_bytes": json_bytes,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "added_bytes": (peak - baseline) * 1024,
        "result_bytes": result_bytes,
        "method": method,
    }


def main(argv: list[str] | None = None) -> int:
    path, pages_file = (argv or sys.argv[1:])[:2]
    print(json.dumps(measure(path, Path(pages_file))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
