"""python -m bench [--quick] [--only cold_load|frames|overview|verdict] [--repeat N] [--seeds N]
[--stock-server]
[--output PATH]

Prints the results as Markdown; a full run (no --quick, no --only) also writes bench/results.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import cold_load, frame_build, machine, overview_rerun, report, verdict_rates

PARTS = ("cold_load", "frames", "overview", "verdict")
RESULTS = Path(__file__).resolve().parent / "results.md"


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
        help="sandbox seeds per scenario for the verdict's rates (default 200; --quick: 10)",
    )
    parser.add_argument(
        "--stock-server",
        action="store_true",
        help="run `python -m connectors.sandbox` as is (its data caches are too "
        "small for a warm-up to hold 365 days; see bench/sandbox_launcher.py)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="also write the Markdown here (default for a full run: bench/results.md)",
    )
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    parts = args.only or list(PARTS)
    repeat = args.repeat or (1 if args.quick else 3)

    def log(text: str) -> None:  # progress on stderr; results on stdout
        print(text, file=sys.stderr, flush=True)

    about = machine.describe()
    started = time.perf_counter()
    sections, targets = [], []
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
    took = time.perf_counter() - started
    kind = (
        "quick run (small sizes: not a measurement)"
        if args.quick
        else ("partial run" if args.only else "full run")
    )
    given = " ".join(argv if argv is not None else sys.argv[1:])
    header = f"`python -m bench{' ' + given if given else ''}` · {kind} · took {took / 60:.1f} min"
    markdown = report.document(about, sections, targets, header)
    print(markdown)
    output = args.output or (RESULTS if not args.quick and not args.only else None)
    if output:
        output.write_text(markdown)
        log(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
