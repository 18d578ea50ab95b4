"""python -m bench [--quick] [--only cold_load|frames|overview|verdict|teams|anomalies|scale|
scale_store|first_chart|overview_size|page_size]
[--repeat N] [--seeds N] [--stock-server] [--developers N ...] [--sessions N] [--output PATH]

Prints the results as Markdown. A full run (no --quick, no --only) runs the first three parts
and writes bench/results.md; the long parts run when named: `--only scale_store` (the history
store at 36 and 2,000 developers, many minutes) writes bench/results-store.md, `--only scale`
(the sandbox at scale) bench/results-scale.md, `--only verdict` (the overview's answer on every
sandbox scenario, about a second a seed and scenario) bench/results-verdict.md, `--only teams`
(the within-team answer, about 3 s a seed and scenario) bench/results-teams.md,
`--only anomalies` (the anomaly detector against cursor-usage-tracker's rules on planted
anomalies, a few minutes) bench/results-anomalies.md, `--only first_chart` (a newcomer's first
chart on demo data against a bare page, fresh server each round, Chromium) bench/results-first-chart.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import (
    anomaly_rates,
    cold_load,
    frame_build,
    machine,
    overview_rerun,
    report,
    team_verdict_rates,
    verdict_rates,
)

PARTS = (
    "cold_load",
    "frames",
    "overview",
    "verdict",
    "teams",
    "anomalies",
    "scale",
    "scale_store",
    "first_chart",
    "overview_size",
    "page_size",
)
DEFAULT_PARTS = ("cold_load", "frames", "overview")  # the long ones run when named
HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
# A part run alone (not --quick) writes its own file.
OWN_RESULTS = {
    "verdict": HERE / "results-verdict.md",
    "teams": HERE / "results-teams.md",
    "anomalies": HERE / "results-anomalies.md",
    "scale": HERE / "results-scale.md",
    "scale_store": HERE / "results-store.md",
    "first_chart": HERE / "results-first-chart.md",
    "overview_size": HERE / "results-overview-size.md",
    "page_size": HERE / "results-page-size.md",
}


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes, one repetition: a smoke run, not a measurement",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        metavar="NAME",
        help=f"run only this part (repeatable): {', '.join(PARTS)}",
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="repetitions per figure (default 3; --quick: 1)"
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="sandbox seeds per scenario for the answers' rates (verdict: default 200, teams: "
        "default 100; --quick: 10) and for the anomaly alerts (default 40; --quick: 3)",
    )
    parser.add_argument(
        "--stock-server",
        action="store_true",
        help="run `python -m connectors.sandbox` without --cache-days (its default caches "
        "may hold fewer days than a 365-day warm-up touches)",
    )
    parser.add_argument(
        "--developers",
        nargs="*",
        default=None,
        metavar="N",
        help='organisation sizes for scale and scale_store ("demo": the demo\'s 36; default: '
        "demo 2000; --quick: demo)",
    )
    parser.add_argument(
        "--sessions",
        type=int,
        default=None,
        help="browser sessions opening the Overview at once in scale_store (default 10)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="first_chart: rounds of (bare page, demo app), each on a fresh server (default 6; "
        "--quick: 2)",
    )
    parser.add_argument(
        "--post-script-gc",
        choices=("on", "off"),
        default=None,
        help="first_chart: run both servers with Streamlit's runner.postScriptGC on or off "
        "(default: as .streamlit/config.toml says)",
    )
    parser.add_argument(
        "--raw",
        type=Path,
        default=None,
        help="scale_store: also keep the raw figures (JSON) here",
    )
    parser.add_argument(
        "--from-raw",
        type=Path,
        default=None,
        help="scale_store: render the figures of a --raw file instead of measuring",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="also write the Markdown here (default for a full run: bench/results.md)",
    )
    return parser.parse_args(argv)


def sizes(args, default: tuple) -> tuple:
    """--developers as sizes (None: the demo's roster); --quick: the demo alone."""
    if args.developers:
        return tuple(None if n == "demo" else int(n) for n in args.developers)
    return (None,) if args.quick else default


def main(argv=None) -> int:
    args = parse(argv)
    parts = args.only or list(DEFAULT_PARTS)
    repeat = args.repeat or (1 if args.quick else 3)

    def log(text: str) -> None:  # progress on stderr; results on stdout
        print(text, file=sys.stderr, flush=True)

    about = machine.describe()
    started = time.perf_counter()
    sections, targets = [], []
    rendered = 0.0  # seconds the figures took when they come from --from-raw
    if "cold_load" in parts:
        log("1. cold load")
        result = cold_load.run(
            days=60 if args.quick else 365, repeat=repeat, stock_server=args.stock_server, log=log
        )
        text, found = report.cold_load_section(result)
        sections.append(text)
        targets += found
    if "frames" in parts:
        log("2. model requests -> frame")
        result = frame_build.run(
            records=50_000 if args.quick else 1_000_000, repeat=repeat, log=log
        )
        text, found = report.frames_section(result)
        sections.append(text)
        targets += found
    if "overview" in parts:
        log("3. overview reruns")
        result = overview_rerun.run(reruns=3 if args.quick else 10, log=log)
        text, found = report.overview_section(result)
        sections.append(text)
        targets += found
    if "verdict" in parts:
        log("4. verdict on sandbox scenarios")
        result = verdict_rates.run(seeds=args.seeds or (10 if args.quick else 200), log=log)
        text, found = report.verdict_section(result)
        sections.append(text)
        targets += found
    if "teams" in parts:
        log("4b. the within-team verdict on sandbox team scenarios")
        result = team_verdict_rates.run(seeds=args.seeds or (10 if args.quick else 100), log=log)
        text, found = report.teams_section(result)
        sections.append(text)
        targets += found
    if "anomalies" in parts:
        log("4c. anomaly alerts on planted, labelled anomalies")
        result = anomaly_rates.run(seeds=args.seeds or (3 if args.quick else 40), log=log)
        text, found = anomaly_rates.section(result)
        sections.append(text)
        targets += found
    if "scale" in parts:
        from . import scale_sandbox

        log("5. the sandbox at scale")
        result = scale_sandbox.run(
            sizes(args, scale_sandbox.SIZES), days=30 if args.quick else 365, log=log
        )
        text, found = report.scale_section(result)
        sections.append(text)
        targets += found
    if "scale_store" in parts:
        from . import scale_store

        log("6. the history store at scale")
        if args.from_raw:
            result = scale_store.from_json(args.from_raw.read_text())
            about = result.machine or about
            rendered = sum(size.seconds for size in result.sizes)
        else:
            result = scale_store.run(
                sizes(args, scale_store.SIZES),
                days=14 if args.quick else 365,
                latency_ms=10 if args.quick else scale_store.LATENCY_MS,
                reruns=3 if args.quick else 10,
                sessions=args.sessions if args.sessions is not None else (2 if args.quick else 10),
                export_rows=5_000 if args.quick else scale_store.EXPORT_ROWS,
                log=log,
            )
        if args.raw:
            args.raw.write_text(scale_store.to_json(result))
        text, found = report.scale_store_section(result)
        sections.append(text)
        targets += found
    if "first_chart" in parts:
        from . import first_chart

        log("7. a newcomer's first chart: demo against a bare page")
        result = first_chart.run(
            rounds=args.rounds or (2 if args.quick else 6),
            reruns=2 if args.quick else 6,
            extra_env={
                "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true"
                if args.post_script_gc == "on"
                else "false"
            }
            if args.post_script_gc
            else None,
            log=log,
        )
        text, found = first_chart.section(result)
        sections.append(text)
        targets += found
    if "overview_size" in parts:
        from . import overview_size

        log("7. what the Overview holds, before and after the rollups")
        measured = overview_size.run(
            base=overview_size.base_commit(), developers=(0, 2000), reruns=5, log=log
        )
        sections.append(
            "## What the Overview holds, before and after the rollups\n\n"
            + overview_size.render(measured["sizes"], measured["before"])
        )
    if "page_size" in parts:
        from . import overview_size, page_size

        log("8. what the Firebender (with a team too), Builder.io and Teams pages hold")
        measured = page_size.run(base=overview_size.base_commit(), log=log)
        sections.append(
            "## What the vendor pages hold, before and after\n\n"
            + page_size.render(measured["sizes"], measured["before"], measured["pages"])
        )
    took = time.perf_counter() - started + rendered
    kind = (
        "quick run (small sizes: not a measurement)"
        if args.quick
        else ("partial run" if args.only else "full run")
    )
    if args.from_raw:
        kind += f" (figures of a measured run, rendered from {args.from_raw.name})"
    given = " ".join(argv if argv is not None else sys.argv[1:])
    header = f"`python -m bench{' ' + given if given else ''}` · {kind} · took {took / 60:.1f} min"
    markdown = report.document(about, sections, targets, header)
    print(markdown)
    output = args.output
    if output is None and not args.quick:
        if not args.only:
            output = RESULTS
        elif len(set(args.only)) == 1 and args.only[0] in OWN_RESULTS:
            output = OWN_RESULTS[args.only[0]]
    if output:
        output.write_text(markdown)
        log(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
