"""python -m connectors.sandbox --port N [--host H] [--latency-ms MS] [--today YYYY-MM-DD]
[--scenario NAME] [--seed N] [--developers N] [--cache-days N] [--fault KIND[:vendor[:times]]]...
Serves the sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date

from . import keys, scenarios
from .core import Sandbox
from .faults import FaultRule
from .server import running_server


def parse_fault(text: str) -> FaultRule:
    """KIND[:vendor[:times]]; an empty, "*" or "all" vendor means every vendor."""
    kind, vendor, times = (text.split(":") + ["", ""])[:3]
    try:
        return FaultRule(
            kind,
            vendor=None if vendor in ("", "*", "all") else vendor,
            times=int(times) if times else None,
        )
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive(text: str) -> int:
    """A whole number of at least 1 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m connectors.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay added to every request"
    )
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the last day with data (default: today, UTC)",
    )
    parser.add_argument(
        "--scenario",
        choices=scenarios.NAMES,
        default="demo",
        help="the story the data tells (default: demo): "
        + "; ".join(f"{s.name}: {s.description}" for s in scenarios.SCENARIOS.values()),
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="which organisation telling that story (default: 0; demo with 0 is the demo data)",
    )
    parser.add_argument(
        "--developers",
        type=positive,
        default=None,
        metavar="N",
        help="an organisation of N developers, with Builder spaces and Codefresh pipelines in "
        "the demo's proportions (default: the demo's roster of 36)",
    )
    parser.add_argument(
        "--cache-days",
        type=positive,
        default=None,
        metavar="N",
        help="days each per-day data cache holds (default: sized to the organisation; more "
        "than the days with data lets one warm-up pass hold them all)",
    )
    parser.add_argument(
        "--fault", type=parse_fault, action="append", default=[], metavar="KIND[:vendor[:times]]"
    )
    args = parser.parse_args(argv)

    sandbox = Sandbox(  # a server may run for days: keep only the newest requests
        today=args.today,
        log_limit=100_000,
        scenario=args.scenario,
        seed=args.seed,
        developers=args.developers,
        cache_days=args.cache_days,
    )
    for rule in args.fault:
        sandbox.add_fault(rule)
    with running_server(
        sandbox, latency=args.latency_ms / 1000, host=args.host, port=args.port
    ) as url:
        print(f"Sandbox serving Builder.io, Firebender and Codefresh at {url}")
        world = sandbox.world
        print(
            f"  scenario: {args.scenario}, seed {args.seed}, {len(world.developers)} developers"
            f", {len(world.spaces)} Builder spaces, {len(world.pipelines)} Codefresh pipelines"
        )
        for label, key in keys.describe(args.developers):
            print(f"  {label}: {key}")
        if args.fault:
            print(
                "  faults: "
                + ", ".join(
                    f"{r.kind}:{r.vendor or 'all'}:{r.times or 'always'}" for r in args.fault
                )
            )
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break shutdown
    return 0


if __name__ == "__main__":
    sys.exit(main())
