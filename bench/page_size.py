"""What a data page holds, before and after, at 36 and 2,000 developers, side by side in one run
(issue 19: "pages get only what they draw": a page's data must not grow with the headcount).

For each size: the sandbox server in its own process (no latency); for each variant ("before":
an exported commit, default the branch's base on main; "after": this tree) and page, a fresh
process runs the page in AppTest, live mode (`bench.store_probe page`, this tree's probe in both
trees), on its own store: a first run syncs what the page's range lacks, a cold run (Streamlit's
caches emptied) counts every frame the page's loads return (rows, bytes).

    python -m bench.page_size [--before COMMIT] [--pages firebender builder teams]
        [--developers 0 2000] [--days 28] [--json FILE]

A page named `firebender@Web` is the Firebender page with the team Web picked (`?team=Web`).

The Teams page reads the bench's own mapping (`bench_mapping`): the demo's (teams.example.csv)
at 36 developers; at N, the same five teams over the N people (one of them moving mid-year,
Internal tools kept at 3 people, under the privacy minimum), every pipeline and space matched
by glob. The teams stay five at any size, so the page's rows may grow with periods, not people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile

from config.names import TEAMS_FILE

from .overview_rerun import hermetic_env
from .overview_size import GROWTH_TARGET, base_commit, export, held, load, probe_tree
from .scale_store import _worker, live_settings
from .server_process import PROJECT_DIR, SandboxProcess

TEAM_GLOBS = {  # the sized sandbox's pipeline families and space names, per demo team
    "Web": ("pipeline", "*web*", "*site*", "space", "*web app", "*marketing site"),
    "Mobile": ("pipeline", "*android*", "*ios*", "space", "*mobile"),
    "Platform": ("pipeline", "*api*", "*data*", "*infra*"),
    "Design system": ("pipeline", "*ui*", "*docs*", "*design*", "space", "*design system"),
    "Internal tools": ("pipeline", "*tools*", "space", "*internal tools"),
}


def bench_mapping(developers: int | None, today: dt.date) -> str:
    """The Teams page's mapping for a world of `developers` (None: the demo's own)."""
    from connectors.sandbox import data
    from connectors.sandbox.teams import demo_teams_csv

    if developers is None:
        return demo_teams_csv()
    people = [dev.email for dev in data.World.get("demo", 0, developers=developers).developers]
    big = ("Web", "Mobile", "Platform", "Design system")
    move = today - dt.timedelta(days=120)
    lines = ["kind,match,team,valid_from,valid_to"]
    for i, email in enumerate(people):
        if i < 3:
            lines.append(f"person,{email},Internal tools,,")
        elif i == 3:  # moves from Web to Mobile
            lines.append(f"person,{email},Web,,{move - dt.timedelta(days=1)}")
            lines.append(f"person,{email},Mobile,{move},")
        else:
            lines.append(f"person,{email},{big[i % len(big)]},,")
    for team, globs in TEAM_GLOBS.items():
        kind = None
        for item in globs:
            if item in ("pipeline", "space"):
                kind = item
            else:
                lines.append(f"{kind},{item},{team},,")
    return "\n".join(lines) + "\n"


def measure(developers, trees, pages, days, timeout, log) -> dict:
    today = dt.datetime.now(dt.UTC).date()
    until = today - dt.timedelta(days=1)
    since = until - dt.timedelta(days=days - 1)
    home = tempfile.mkdtemp(prefix="bench-page-size-")
    out = {"developers": developers or 36, "since": str(since), "until": str(until)}
    teams_file = os.path.join(home, "teams.csv")
    with open(teams_file, "w") as handle:
        handle.write(bench_mapping(developers, today))
    try:
        with SandboxProcess(0.0, today, developers=developers) as server:
            for variant, tree in trees.items():
                store = f"{home}/store-{variant}"
                settings = live_settings(server.url, developers, store)
                scratch = os.path.join(home, "tmp")
                os.makedirs(scratch, exist_ok=True)
                env = {**hermetic_env(home), **settings, "PYTHONUNBUFFERED": "1",
                       "TMPDIR": scratch, "PYTHONPATH": tree, TEAMS_FILE: teams_file}  # fmt: skip
                for page in pages:
                    at = load()
                    name, _, team = page.partition("@")  # firebender@Web: that team picked
                    options = {"page": name, "start": str(since), "end": str(until),
                               "timeout": timeout, "team": team or None}  # fmt: skip
                    result = _worker("page", options, env, tree, timeout)
                    result["load"] = at
                    out[f"{variant}:{page}"] = result
                    if result.get("status") == "ok":
                        rows, mb = held(result)
                        log(f"  {out['developers']:,} {variant} {page}: {rows:,} rows, "
                            f"{mb:.2f} MB; cold {result['cold_seconds']:.2f} s; load {at}")  # fmt: skip
                    else:
                        log(f"  {out['developers']:,} {variant} {page}: {result.get('detail')}")
        return out
    finally:
        shutil.rmtree(home, ignore_errors=True)


def render(sizes: list[dict], before: str, pages) -> str:
    lines = [
        f"Before: {before}; after: this tree. Range {sizes[0]['since']} - {sizes[0]['until']} "
        "(AppTest, live mode, sandbox server without latency; cold run: Streamlit's caches "
        "emptied).",
        "",
        "| page | variant | "
        + " | ".join(f"{s['developers']:,} developers" for s in sizes)
        + " | growth |",
        "|---|---|" + "---:|" * (len(sizes) + 1),
    ]
    for page in pages:
        for variant in ("before", "after"):
            cells, amounts = [], []
            for s in sizes:
                r = s.get(f"{variant}:{page}") or {}
                if r.get("status") != "ok":
                    cells.append("FAILED")
                    amounts.append(None)
                    continue
                rows, mb = held(r)
                cells.append(f"{rows:,} rows, {mb:.2f} MB (cold {r['cold_seconds']:.1f} s)")
                amounts.append((rows, mb))
            growth = ""
            if len(amounts) == 2 and all(amounts) and amounts[0][0] and amounts[0][1]:
                growth = (f"{amounts[1][0] / amounts[0][0]:.2f}x rows, "
                          f"{amounts[1][1] / amounts[0][1]:.2f}x MB (target <= "
                          f"{GROWTH_TARGET:g}x)")  # fmt: skip
            lines.append(f"| {page} | {variant} | " + " | ".join(cells) + f" | {growth} |")
    lines.append("\nWhat each page holds, by load (cold run, rows / MB):\n")
    for s in sizes:
        for key, r in s.items():
            if ":" in key and isinstance(r, dict):
                for item in r.get("aggregates") or []:
                    lines.append(f"- {s['developers']:,} {key}: {item[0]} {item[1]} - {item[2]}: "
                                 f"{item[3]:,} rows, {item[4] / 1e6:.3f} MB")  # fmt: skip
    return "\n".join(lines)


PAGES = ("firebender", "firebender@Web", "builder", "teams")


def run(base, developers=(0, 2000), pages=PAGES, days=28, timeout=3600,
        log=print, keep=None) -> dict:  # fmt: skip
    home = tempfile.mkdtemp(prefix="bench-page-before-")
    measured = {"before": base, "pages": list(pages), "sizes": []}
    try:
        trees = {"before": probe_tree(export(base, f"{home}/tree"), log),
                 "after": str(PROJECT_DIR)}  # fmt: skip
        for n in developers:
            measured["sizes"].append(measure(n or None, trees, pages, days, timeout, log))
            if keep:
                with open(keep, "w") as handle:
                    json.dump(measured, handle, default=str)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return measured


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.page_size")
    p.add_argument("--before", help="the commit measured as 'before' (default: the merge base)")
    p.add_argument("--pages", nargs="*", default=list(PAGES))
    p.add_argument("--developers", type=int, nargs="*", default=[0, 2000], help="0: the demo")
    p.add_argument("--days", type=int, default=28, help="the range: this many days to yesterday")
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--json", help="also write the raw figures here")
    p.add_argument("--render", help="print the figures of a --json file instead of measuring")
    args = p.parse_args(argv)
    if args.render:
        with open(args.render) as handle:
            measured = json.load(handle)
    else:
        measured = run(args.before or base_commit(), args.developers, args.pages, args.days,
                       args.timeout, print, args.json)  # fmt: skip
    print(render(measured["sizes"], measured["before"], measured["pages"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
