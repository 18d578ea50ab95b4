"""`python -m sync`: fill the store with what the ledger lacks plus the unsettled tail.

    python -m sync                         # the last year, through yesterday (UTC)
    python -m sync --since 2025-01-01      # backfill
    python -m sync --only firebender.model_requests --only codefresh
    python -m sync --dry-run               # the plan: windows and requests, nothing sent
    python -m sync --demo                  # the sandbox's demo organisation, in process
    python -m sync --alert                 # then judge settled days, send what is new
    python -m sync --alert --digest        # and the weekly digest (run it weekly)
    python -m sync --rebuild-rollups       # the derived tables rewritten from the raw rows

Keys and base URLs: the app's settings (environment, then `.env`). The store: HISTORY_DIR
(default `.history/`; `s3://bucket/prefix` works too). Exit status: 0 done, 1 a vendor failed
(the others' data is kept; the next run resumes), 2 nothing to do it with (no key, bad
arguments, another sync running, alert delivery misconfigured), 3 the store could not be read
or written (a damaged partition is moved to quarantine/, named, and the rest synced). With --alert, 1 also when a delivery failed (it is kept and retried next run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import sys
import time

from config.names import HISTORY_DIR, KEY_SETTINGS
from config.settings import DEFAULT_STORE
from connectors import endpoints
from connectors.errors import VENDOR_NAMES, ConnectorError
from connectors.http import MAX_WORKERS
from store import Store, StoreError, rollups
from store.writer import LOCK_WAIT_SECONDS, StoreBusy, Writer

from . import DEFAULT_HISTORY_DAYS, alerting, plan, run, targets
from .sources import client_factory, demo_credentials, live_credentials, read_settings

# Windows of one vendor fetched side by side, each committed as it arrives: as many as the
# connector's own pool sends for one call [guess: vendors allow it].
TASKS_AT_ONCE = MAX_WORKERS
# Progress lines per dataset at most this often (and when it finishes).
PROGRESS_EVERY_SECONDS = 10.0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m sync", description=__doc__.split("\n\n")[0].split(": ", 1)[1]
    )
    p.add_argument("--since", type=_day, help="first day to hold (default: a year ago)")
    p.add_argument("--until", type=_day, help="last day to hold (default: yesterday, UTC)")
    p.add_argument(
        "--only",
        action="append",
        metavar="DATASET",
        help="a dataset key (e.g. firebender.model_requests) or a vendor; repeatable",
    )
    p.add_argument("--dry-run", action="store_true", help="print the plan and send nothing")
    p.add_argument("--demo", action="store_true", help="sync the sandbox's demo organisation")
    p.add_argument("--store", help=f"the store (default: {HISTORY_DIR}, else {DEFAULT_STORE}/)")
    p.add_argument(
        "--alert",
        action="store_true",
        help="after syncing, judge the settled days and send new alerts (ALERT_* settings)",
    )
    p.add_argument(
        "--digest", action="store_true", help="with --alert: send the weekly digest as well"
    )
    p.add_argument(
        "--lookback",
        type=int,
        default=alerting.LOOKBACK_DAYS,
        help="with --alert: settled days judged on each run (default: %(default)s)",
    )
    p.add_argument(
        "--rebuild-rollups",
        action="store_true",
        help="rewrite every rollup (store/rollups.py) from the raw rows, fetching nothing",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=LOCK_WAIT_SECONDS,
        help="seconds to wait for another sync to finish (default: %(default)s)",
    )
    return p


def main(argv=None, out=None, err=None) -> int:
    # Vendor text (API messages, names in alerts) reaches the terminal: no escape sequence in it
    # may clear the screen, retitle the window or ring the bell.
    out, err = Printable(out or sys.stdout), Printable(err or sys.stderr)
    try:
        return _main(argv, out, err)
    except OSError as problem:  # vendors' network errors are ConnectorErrors: this is the store
        print(f"store: {store_problem(problem)}", file=err)
        return 3


# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides that
# reorder what a terminal shows: each written as a visible escape (\x1b).
_UNPRINTABLE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in [
        *(c for c in range(0x20) if chr(c) not in "\n\t"),
        *range(0x7F, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ]
}


class Printable:
    """A text stream that escapes control characters before they reach the terminal."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(text.translate(_UNPRINTABLE))

    def flush(self) -> None:
        self.stream.flush()

    def getvalue(self) -> str:  # a StringIO given by a caller (tests)
        return self.stream.getvalue()


def store_problem(problem: OSError) -> str:
    """What went wrong with HISTORY_DIR, in words that say what to do."""
    where = f" ({problem.filename})" if problem.filename else ""
    if problem.errno in (errno.EEXIST, errno.ENOTDIR):
        what = "a file is where the store's folder should be: point HISTORY_DIR at a folder"
    elif problem.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what = (
            "the store is read-only here: give this user write access, or run the sync where "
            "the store is writable"
        )
    elif problem.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        what = (
            "the disk is full (or a file size limit was reached): free space and run again; "
            "whole partitions only were written"
        )
    else:
        what = f"{problem.strerror or type(problem).__name__}: check HISTORY_DIR"
    return f"HISTORY_DIR cannot be written{where}: {what}."


def _main(argv, out, err) -> int:
    args = parser().parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    until = args.until or today - dt.timedelta(days=1)
    since = args.since or until - dt.timedelta(days=DEFAULT_HISTORY_DAYS - 1)
    if until > today:
        print(f"--until {until} is after today ({today}, UTC).", file=err)
        return 2
    if since > until:
        print(f"--since {since} is after --until {until}.", file=err)
        return 2
    known = {*endpoints.CATALOGUE, *VENDOR_NAMES}
    unknown = [o for o in args.only or () if o not in known and not o.startswith("codefresh.")]
    if unknown:
        print(f"unknown --only {', '.join(unknown)}; known: {', '.join(sorted(known))}", file=err)
        return 2

    values = read_settings()
    store = Store(args.store or values.get(HISTORY_DIR) or DEFAULT_STORE)
    if args.rebuild_rollups:
        return _rollups(store, args, out, err, rebuild=True)
    if args.demo:
        from connectors.sandbox import Sandbox

        credentials = demo_credentials(Sandbox(log_limit=100))
    else:
        credentials = live_credentials(values)
    if not credentials:
        names = ", ".join(KEY_SETTINGS.values())
        print(f"no vendor key is set ({names}); set one, or use --demo.", file=err)
        return 2
    make_client = client_factory(credentials)
    builder = credentials.get("builder")
    org_keys = {v for v, c in credentials.items() if c.key}
    extra = []
    if "codefresh" in credentials and not args.dry_run:
        extra = _offered_reports(make_client, err)
    chosen = targets(credentials, builder.space_keys if builder else (), args.only, extra, org_keys)
    try:
        tasks = plan(store, chosen, since, until)
    except StoreError as problem:
        print(f"store: {problem}", file=err)
        return 3
    print(f"Store {store.url}: {since} - {until}, {len(tasks)} task(s).", file=out)
    if args.dry_run:
        for task in tasks:
            print("  " + task.describe(), file=out)
        total = sum(t.requests for t in tasks)
        print(f"Dry run: {total} request(s) planned (pages may add more); nothing sent.", file=out)
        if "codefresh" in credentials:
            print("Codefresh reports beyond the catalogue's are found at run time.", file=out)
        return 0
    if args.digest and not args.alert:
        print("--digest goes with --alert.", file=err)
        return 2
    if args.lookback < 1:
        print(f"--lookback {args.lookback} is not a number of days (use 1 or more).", file=err)
        return 2
    code = _sync(store, tasks, make_client, args, out, err)
    if code in (0, 1):
        # Rollup months missing or out of date (a store from before rollups, a killed run).
        code = max(code, _rollups(store, args, out, err, rebuild=False))
    if not args.alert or code in (2, 3, 130):
        return code
    alerted = alerting.run(
        store,
        values,
        until + dt.timedelta(days=1),
        out,
        err,
        lookback=args.lookback,
        digest=args.digest,
        wait=args.wait,
    )
    return max(code, alerted)


def _sync(store, tasks, make_client, args, out, err) -> int:
    if not tasks:
        print("Nothing to fetch: the store holds every settled day of the range.", file=out)
        return 0
    started = time.monotonic()
    try:
        summary = run(
            store,
            tasks,
            make_client,
            progress=_printer(err),
            wait=args.wait,
            tasks_at_once=TASKS_AT_ONCE,
            on_dataset=_dataset_printer(err),
        )
    except StoreBusy as busy:
        print(str(busy), file=err)
        return 2
    except StoreError as problem:
        print(f"store: {problem}", file=err)
        return 3
    except KeyboardInterrupt:
        print(
            "\ninterrupted: every window committed is kept (whole partitions only); run again "
            "to fetch the rest.",
            file=err,
        )
        return 130
    print(f"Done in {time.monotonic() - started:.1f} s:", file=out)
    for line in summary.lines():
        print("  " + line, file=out)
    for damaged in summary.quarantined:
        print(f"store: {damaged}", file=err)
    return 3 if summary.quarantined else 1 if summary.failed else 0


def _rollups(store, args, out, err, rebuild: bool) -> int:
    """Write the rollups: every month anew from the raw rows (`rebuild`), or only those
    missing or out of date."""
    started = time.monotonic()
    try:
        with Writer(store, wait=args.wait):
            made = rollups.rebuild(store) if rebuild else rollups.refresh_stale(store)
    except StoreBusy as busy:
        print(str(busy), file=err)
        return 2
    except (StoreError, OSError) as problem:
        print(f"store: {problem}", file=err)
        return 3
    if rebuild or made:
        what = "rebuilt from the raw rows" if rebuild else "missing or out of date, written"
        print(f"Rollups: {made} month(s) {what} in {time.monotonic() - started:.1f} s.", file=out)
    return 0


def _offered_reports(make_client, err) -> list:
    """Codefresh reports the account's metadata lists beyond the catalogue's."""
    try:
        return endpoints.codefresh_reports(make_client("codefresh", None, None).metadata())
    except ConnectorError as problem:
        print(f"Codefresh metadata not read ({problem}); its extra reports wait.", file=err)
        return []


def _printer(err):
    """A line when a task starts (its first window)."""
    started = set()

    def progress(task, done, total, number, tasks):
        key = (task.dataset.key, task.granularity, task.scope, task.start)
        if key not in started:
            started.add(key)
            print(f"[{task.vendor} {number}/{tasks}] {task.describe()}", file=err)

    return progress


def _dataset_printer(err, every: float = PROGRESS_EVERY_SECONDS, clock=time.monotonic):
    """Days done of days to do per dataset, its rate and the time left: every `every`
    seconds per dataset, and when it finishes."""
    last: dict[str, float] = {}

    def progress(figures):
        now = clock()
        if figures.finished or now - last.get(figures.dataset, -every) >= every:
            last[figures.dataset] = now
            print("    " + figures.line(), file=err)

    return progress


if __name__ == "__main__":
    sys.exit(main())
