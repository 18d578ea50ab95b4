"""`python -m bench.sandbox_launcher ARGS` = `python -m connectors.sandbox ARGS`, with the
simulator's per-day data caches widened so that one untimed pass really warms a 365-day range.

Why: the real APIs have no data-generation cost, so the cold-load benchmark warms the sandbox
first and times only the connectors. The sandbox caches model-request days in an
`lru_cache(maxsize=160)` (connectors/sandbox/data.py); a 365-day load touches ~330 such days, so
a sequential warm pass evicts every day before it is asked for again and each timed load would
regenerate them all (~1.5 s of server CPU). This launcher changes nothing else: same module,
same arguments, same server. `python -m bench --stock-server` uses `connectors.sandbox` as is.
"""

from __future__ import annotations

import functools
import sys

CACHE_DAYS = 4096  # more days than the sandbox has data for (2025-01-01 .. today)
CACHED_FUNCTIONS = ("model_requests", "firebender_usage", "builder_activity", "codefresh_day")


def widen_caches(days: int = CACHE_DAYS) -> list[str]:
    """Re-wrap the sandbox's per-day generators with a cache of `days` entries; returns the
    names re-wrapped (those whose cache was smaller). The vendor modules call them through the
    module (`data.model_requests(day)`), so the new cache is the one they use."""
    from connectors.sandbox import data

    widened = []
    for name in CACHED_FUNCTIONS:
        function = getattr(data, name, None)
        info = getattr(function, "cache_info", None)
        if info is None or info().maxsize is None or info().maxsize >= days:
            continue
        setattr(data, name, functools.lru_cache(maxsize=days)(function.__wrapped__))
        widened.append(name)
    return widened


def main(argv: list[str] | None = None) -> int:
    widened = widen_caches()
    from connectors.sandbox.__main__ import main as sandbox_main

    if widened:
        print(
            f"(bench: sandbox caches widened to {CACHE_DAYS} days: {', '.join(widened)})",
            file=sys.stderr,
            flush=True,
        )
    return sandbox_main(argv)


if __name__ == "__main__":
    sys.exit(main())
