"""What the Overview holds, before and after the rollups, side by side in one run: an
organisation of 36 developers (the demo's roster) and one of 2,000, 365 days ending yesterday.

For each size: the sandbox server in its own process (no latency), `python -m sync` of the
datasets the Overview and its month row read (this tree's code: raw partitions and rollups),
then the store copied once per variant. Each variant runs the Overview in AppTest, live mode, in
fresh processes with its own code (`bench.store_probe overview`): "before" from an exported
copy of a commit (`--before`, default the branch's base on main), "after" from this tree. A
first process primes the store (the view syncs what it lacks: the range before, for totals);
a second measures: its first run (a fresh interpreter: imports, and the unsettled tail fetched
again while the keys are proven), a cold run (Streamlit's caches emptied), warm reruns, and
every frame the page's loads returned (rows and bytes: what the page holds).

    python -m bench.overview_size [--before COMMIT] [--developers 2000] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from .overview_rerun import hermetic_env
from .scale_store import _worker, live_settings
from .server_process import PROJECT_DIR, SandboxProcess

DATASETS = (
    "builder.org_metrics",
    "firebender.daily_usage",
    "firebender.model_requests",
    "codefresh.credit_consumption",
    "codefresh.pipeline_credit_consumption",
    "codefresh.active_committers",
)
GROWTH_TARGET = 2.0  # the Overview's data at 2,000 developers against 36, at most


def export(commit: str, where: str) -> str:
    """The tree of `commit`, exported to `where` (no .git: bench.scale_store.revision reads
    BENCH_REVISION)."""
    os.makedirs(where, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", commit], cwd=PROJECT_DIR, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", where], input=archive, check=True)
    return where


PROBES = ("bench/store_probe.py", "bench/overview_probe.py", "bench/stack_sampler.py")


def probe_tree(tree: str, log=print) -> str:
    """`tree` with this tree's probe files (`python -m bench.store_probe overview`), which read
    both module layouts (before and after the layers: `store_probe.OVERVIEW_MODULES`): a
    commit's own probe may name modules its tree no longer has (the layers moved them before
    the probe followed), and both sides are then measured by the same probe."""
    if tree == str(PROJECT_DIR):
        return tree
    for name in PROBES:
        target = os.path.join(tree, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(os.path.join(PROJECT_DIR, name), target)
    init = os.path.join(tree, "bench", "__init__.py")
    if not os.path.isfile(init):
        with open(init, "w"):
            pass
    log(f"    before: {tree} measured with this tree's probe ({', '.join(PROBES)})")
    return tree


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def measure(developers: int | None, trees: dict[str, str], reruns: int, timeout: float, log):
    today = dt.datetime.now(dt.UTC).date()
    until = today - dt.timedelta(days=1)
    since = until - dt.timedelta(days=364)
    home = tempfile.mkdtemp(prefix="bench-overview-size-")
    out = {"developers": developers or 36, "since": str(since), "until": str(until)}
    try:
        with SandboxProcess(0.0, today, developers=developers) as server:
            store = f"{home}/store"
            settings = live_settings(server.url, developers, store)
            scratch = os.path.join(home, "tmp")
            os.makedirs(scratch, exist_ok=True)
            env = {**hermetic_env(home), **settings, "PYTHONUNBUFFERED": "1", "TMPDIR": scratch}
            command = [sys.executable, "-m", "sync", "--since", str(since), "--until", str(until)]
            for name in DATASETS:
                command += ["--only", name]
            began, load_before = time.perf_counter(), load()
            done = subprocess.run(
                command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
                timeout=timeout, check=False,
            )  # fmt: skip
            out["sync"] = {
                "seconds": time.perf_counter() - began,
                "code": done.returncode,
                "load": [load_before, load()],
                "tail": done.stdout.strip().splitlines()[-6:],
            }
            log(f"  {out['developers']:,} developers: sync {out['sync']['seconds']:.0f} s, "
                f"exit {done.returncode}, load {load()}")  # fmt: skip
            if done.returncode not in (0, 1):
                out["error"] = done.stderr[-1500:]
                return out
            # What the rollups cost: all of them rebuilt from the raw rows, and the same sync
            # with the code before them (its own store).
            began = time.perf_counter()
            rebuilt = subprocess.run(
                [sys.executable, "-m", "sync", "--rebuild-rollups", "--store", store],
                cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=timeout,
                check=False,
            )  # fmt: skip
            out["rebuild"] = {"seconds": time.perf_counter() - began, "code": rebuilt.returncode,
                              "said": rebuilt.stdout.strip()[-300:], "load": load()}  # fmt: skip
            began = time.perf_counter()
            env_b = {**env, "HISTORY_DIR": f"{home}/store-sync-before",
                     "PYTHONPATH": trees["before"]}  # fmt: skip
            old = subprocess.run(
                command, cwd=trees["before"], env=env_b, capture_output=True, text=True,
                timeout=timeout, check=False,
            )  # fmt: skip
            out["sync_before"] = {"seconds": time.perf_counter() - began,
                                  "code": old.returncode, "load": load()}  # fmt: skip
            shutil.rmtree(f"{home}/store-sync-before", ignore_errors=True)
            log(f"    rebuild of every rollup {out['rebuild']['seconds']:.1f} s; the same sync "
                f"before the rollups {out['sync_before']['seconds']:.0f} s")  # fmt: skip
            for variant, tree in trees.items():
                copy = f"{home}/store-{variant}"
                shutil.copytree(store, copy)
                env_v = {**env, "HISTORY_DIR": copy, "PYTHONPATH": tree}
                view = {"server_url": server.url, "store": copy, "start": str(since),
                        "end": str(until), "reruns": reruns, "profile": False}  # fmt: skip
                _worker("overview", {**view, "prime": True}, env_v, tree, timeout)
                at = load()
                result = _worker("overview", view, env_v, tree, timeout)
                result["load"] = [at, load()]
                result.pop("raw", None)
                out[variant] = result
                if result.get("status") == "ok":
                    rows, mb = held(result)
                    log(f"    {variant}: holds {rows:,} rows, {mb:.1f} MB; fresh process "
                        f"{result['first_seconds']:.2f} s, cold {result['cold_seconds']:.2f} s, "
                        f"load {at}")  # fmt: skip
                else:
                    log(f"    {variant}: {result.get('detail')}")
        return out
    finally:
        shutil.rmtree(home, ignore_errors=True)


def held(result: dict) -> tuple[int, float]:
    """Rows and MB of every frame the Overview's loads returned (the cold run's)."""
    items = result.get("aggregates") or []
    return sum(i[3] for i in items), sum(i[4] for i in items) / 1e6


def render(sizes: list[dict], before: str) -> str:
    lines = [
        f"Before: {before}; after: this tree. Overview range {sizes[0]['since']} - "
        f"{sizes[0]['until']} (AppTest, live mode, sandbox server without latency).",
        "",
        "| measure | 36 before | 36 after | 2,000 before | 2,000 after |",
        "|---|---:|---:|---:|---:|",
    ]

    def cell(size, variant, what):
        r = size.get(variant) or {}
        if r.get("status") != "ok":
            return "FAILED"
        if what == "rows":
            return f"{held(r)[0]:,}"
        if what == "mb":
            return f"{held(r)[1]:.2f} MB"
        if what == "first":
            return f"{r['first_seconds']:.2f} s"
        if what == "cold":
            return f"{r['cold_seconds']:.2f} s"
        if what == "warm":
            runs = sorted(r["rerun_seconds"])
            return f"{runs[len(runs) // 2] * 1000:.0f} ms"
        if what == "load":
            return r["load"][0]
        return ""

    names = {"rows": "rows the page holds (cold run)", "mb": "MB the page holds",
             "first": "first run, fresh interpreter (tail fetched again)",
             "cold": "cold run (Streamlit caches emptied)", "warm": "warm rerun (median)",
             "load": "load average (1, 5, 15 min) at the start"}  # fmt: skip
    for what, name in names.items():
        row = [cell(s, v, what) for s in sizes for v in ("before", "after")]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    if len(sizes) == 2:
        for variant in ("before", "after"):
            small, large = (held(s.get(variant) or {}) for s in sizes)
            if small[0] and small[1]:
                lines.append(
                    f"\n{variant}: growth 36 -> 2,000 developers {large[0] / small[0]:.2f}x rows, "
                    f"{large[1] / small[1]:.2f}x MB (target <= {GROWTH_TARGET:g}x)"
                )
    lines.append("\nWhat the page holds, by load (cold run, rows / MB):\n")
    for s in sizes:
        for variant in ("before", "after"):
            for item in (s.get(variant) or {}).get("aggregates") or []:
                lines.append(f"- {s['developers']:,} {variant}: {item[0]} {item[1]} - {item[2]}: "
                             f"{item[3]:,} rows, {item[4] / 1e6:.2f} MB")  # fmt: skip
    for s in sizes:
        lines.append(f"\nsync of {s['developers']:,} developers: {s['sync']['seconds']:.0f} s, "
                     f"load {s['sync']['load']}")  # fmt: skip
        if "rebuild" in s:
            lines.append(
                f"- every rollup rebuilt from the raw rows (`python -m sync --rebuild-rollups`): "
                f"{s['rebuild']['seconds']:.1f} s ({s['rebuild']['said']}); the same sync with "
                f"the code before the rollups: {s['sync_before']['seconds']:.0f} s (exit "
                f"{s['sync_before']['code']}), load then {s['sync_before']['load']}"
            )
    return "\n".join(lines)


def base_commit() -> str:
    """Where this branch left main (the "before" of a branch's run)."""
    return subprocess.run(
        ["git", "merge-base", "HEAD", "main"], cwd=PROJECT_DIR, capture_output=True,
        text=True, check=True,
    ).stdout.strip()[:7]  # fmt: skip


def run(base: str, developers=(0, 2000), reruns: int = 5, timeout: float = 3600, log=print,
        keep: str | None = None) -> dict:  # fmt: skip
    home = tempfile.mkdtemp(prefix="bench-before-")
    measured = {"before": base, "sizes": []}
    try:
        trees = {"before": probe_tree(export(base, f"{home}/tree"), log),
                 "after": str(PROJECT_DIR)}  # fmt: skip
        for n in developers:
            measured["sizes"].append(measure(n or None, trees, reruns, timeout, log))
            if keep:
                with open(keep, "w") as handle:
                    json.dump(measured, handle, default=str)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return measured


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.overview_size")
    p.add_argument("--before", help="the commit measured as 'before' (default: the merge base)")
    p.add_argument("--developers", type=int, nargs="*", default=[0, 2000], help="0: the demo")
    p.add_argument("--reruns", type=int, default=5)
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--json", help="also write the raw figures here")
    p.add_argument("--render", help="print the figures of a --json file instead of measuring")
    args = p.parse_args(argv)
    if args.render:
        with open(args.render) as handle:
            measured = json.load(handle)
    else:
        measured = run(args.before or base_commit(), args.developers, args.reruns,
                       args.timeout, print, args.json)  # fmt: skip
    print(render(measured["sizes"], measured["before"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
