"""How many files a year's store holds, and what the sync costs: the first full sync and the next
day's (`bench.store_probe`'s sync phase, exactly as `python -m bench --only scale_store` runs it,
against the sandbox server at 100 ms per request, live mode), then the store's files counted per
dataset (rollups per table). No Overview, browser or export: a few minutes at 2,000 developers.

    python -m bench.store_files [--developers N|demo ...] [--keep DIR] [--json FILE]

The server's data caches are warmed first, untimed, as scale_store does (a year of Firebender
model requests at 2,000 developers does not fit the one-call load's 120 s budget: what was warmed
before it is kept, and the failure is noted).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time

from connectors.http import MAX_WORKERS

from . import cold_load
from .overview_rerun import hermetic_env
from .scale_store import LATENCY_MS, _worker, live_settings
from .server_process import SandboxProcess


def count_files(store_dir: str) -> dict[str, int]:
    """Files per dataset folder (rollups per table), hidden files aside."""
    counts: collections.Counter = collections.Counter()
    for folder, _, names in os.walk(store_dir):
        for name in names:
            if name.startswith("."):
                continue
            rel = os.path.relpath(os.path.join(folder, name), store_dir).split(os.sep)
            counts[rel[0] if rel[0] != "rollups" else f"rollups/{rel[1]}"] += 1
    return dict(sorted(counts.items()))


def measure(developers: int | None, home: str, days: int = 365, timeout: float = 3600) -> dict:
    store_dir = f"{home}/store"
    today = dt.datetime.now(dt.UTC).date()
    until = today - dt.timedelta(days=1)
    since = until - dt.timedelta(days=days - 1)
    out: dict = {"developers": developers, "load_at_start": os.getloadavg()}
    with SandboxProcess(LATENCY_MS, today, developers=developers) as server:
        settings = live_settings(server.url, developers, store_dir)
        scratch = os.path.join(home, "tmp")
        os.makedirs(scratch, exist_ok=True)
        env = {**hermetic_env(home), **settings, "PYTHONUNBUFFERED": "1", "TMPDIR": scratch}
        began = time.perf_counter()
        try:
            cold_load.load_all(server.url, today, since, today)
        except Exception as err:  # noqa: BLE001 (what was warmed before it stays warm)
            out["warm_error"] = str(err)[:200]
        out["warm_seconds"] = time.perf_counter() - began
        options = {
            "values": settings,
            "since": since.isoformat(),
            "until": until.isoformat(),
            "now": dt.datetime.now(dt.UTC).isoformat(),
            "store": store_dir,
            "pool": MAX_WORKERS,
            "server_url": server.url,
            "server_pid": server.process.pid,
        }
        result = _worker("sync", options, env, home, timeout)
    if result.get("status") == "error":
        out["error"] = result["detail"]
    else:
        for which in ("first", "next"):
            out[which] = {k: result[which][k] for k in ("wall", "requests", "failed")}
    out["load_at_end"] = os.getloadavg()
    out["files"] = count_files(store_dir)
    out["total_files"] = sum(out["files"].values())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_files", description=__doc__)
    parser.add_argument("--developers", nargs="*", default=["demo", "2000"])
    parser.add_argument("--keep", help="keep each store under this folder")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    results = []
    for size in args.developers:
        developers = None if size == "demo" else int(size)
        home = (
            os.path.join(args.keep, f"store-{size}")
            if args.keep
            else tempfile.mkdtemp(prefix="bench-store-files-")
        )
        os.makedirs(home, exist_ok=True)
        try:
            results.append(measure(developers, home))
        finally:
            if not args.keep:
                shutil.rmtree(home, ignore_errors=True)
        print(json.dumps(results[-1], indent=1), file=sys.stderr, flush=True)
    text = json.dumps(results, indent=1)
    if args.json:
        with open(args.json, "w") as handle:
            handle.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
