"""Builder spaces' windows committed together (`Writer.replace_spaces`, the sync's group commit):
each month's pack written once for every space waiting, instead of a file per space and month
folded later. The store then reads exactly as when each window was written on its own and folded
(rows and coverage, while the writer is still open and after), no space's own file is written, a
space that has a file of its own that month keeps it (it wins over the pack until folded), and a
sync of many spaces side by side writes a pack per month rather than a file per space."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
import time
from pathlib import Path

import pandas as pd

import sync
from connectors import endpoints
from connectors.sandbox import keys
from store import Store
from store.writer import Writer
from sync.runner import PACK_AT_LEAST

from .conftest import NOW, demo_client_factory
from .test_packs import FOLDER, MAIN_LAYOUT, assert_same, space_folders

DATASET = endpoints.get("builder.space_metrics")
SPACES = tuple(keys.BUILDER_SPACES)  # the demo's five
SINCE, UNTIL = dt.date(2026, 5, 25), dt.date(2026, 6, 30)
GRANULARITIES = ("day", "week")


def fetched(space: str, granularity: str, first: dt.date, last: dt.date) -> pd.DataFrame:
    client = demo_client_factory(NOW.date())("builder", space)
    return client.space_metrics(first, last, granularity)


def windows(first=SINCE, last=UNTIL, spaces=SPACES) -> dict[str, list]:
    """Per granularity, each space's window (space, first label, last label, frame)."""
    out = {}
    for g in GRANULARITIES:
        start = first - dt.timedelta(days=first.weekday()) if g == "week" else first
        out[g] = [(s, start, last, fetched(s, g, start, last)) for s in spaces]
    return out


def state(store: Store) -> dict:
    out = {}
    for g in GRANULARITIES:
        for s in SPACES:
            rows = store.rows(FOLDER, g, scopes=[s])
            out[(g, s)] = (rows, store.held(FOLDER, g, s))
        rows = store.rows(FOLDER, g, scopes=None)
        columns = sorted(rows.columns)
        out[(g, "every space")] = (rows[columns].sort_values(columns, ignore_index=True), None)
    return out


def one_at_a_time(root: Path, batches: list[dict], at: dt.datetime = NOW) -> None:
    """Each window written on its own (a file per space and month), folded when done."""
    store = Store(str(root))
    with Writer(store) as writer:
        for by_granularity in batches:
            for g, items in by_granularity.items():
                for space, first, last, frame in items:
                    writer.replace(DATASET, g, space, first, last, frame, at)


def loose_files(root: Path) -> list[Path]:
    return [p for p in (root / FOLDER).rglob("*.parquet") if "scope=spaces" not in p.parts]


def test_windows_written_together_read_as_windows_written_one_at_a_time(tmp_path):
    whole = windows()
    reference = tmp_path / "reference"
    one_at_a_time(reference, [whole])
    want = state(Store(str(reference)))

    root = tmp_path / "together"
    store = Store(str(root))
    with Writer(store) as writer:
        for g, items in whole.items():
            written = writer.replace_spaces(DATASET, g, items, NOW)
            assert [w.added for w in written] == [len(frame) for *_, frame in items]
        # committed straight into the packs: no space's own file, and readers see it all now
        assert loose_files(root) == []
        assert_same(state(Store(str(root))), want)
    assert space_folders(root) == {"scope=spaces"}
    assert_same(state(Store(str(root))), want)


def test_a_later_batch_replaces_only_its_days_of_each_space(tmp_path):
    """The next day's windows (the new days and the unsettled tail, part of a month) replace
    those days' rows of each space in the pack and keep the rest, as a file per window would."""
    later = NOW + dt.timedelta(days=3)
    tail = windows(UNTIL - dt.timedelta(days=9), UNTIL, spaces=SPACES[:3])
    reference = tmp_path / "reference"
    one_at_a_time(reference, [windows()])
    one_at_a_time(reference, [tail], later)

    root = tmp_path / "together"
    one_at_a_time(root, [windows()])
    with Writer(Store(str(root))) as writer:
        for g, items in tail.items():
            written = writer.replace_spaces(DATASET, g, items, later)
            assert all(w.replaced and not w.added for w in written)
    assert loose_files(root) == []
    assert_same(state(Store(str(root))), state(Store(str(reference))))


def test_a_space_with_a_file_of_its_own_that_month_is_written_there(tmp_path):
    """A store written before packs (a folder per space): the batch writes those spaces' files
    (each wins over the pack until folded) and the others' rows into the packs; folded when the
    writer is done, it reads as the same windows written one at a time."""
    root, reference = tmp_path / "main", tmp_path / "reference"
    shutil.copytree(MAIN_LAYOUT, root)
    shutil.copytree(MAIN_LAYOUT, reference)
    whole = windows()
    one_at_a_time(reference, [whole])
    with Writer(Store(str(root))) as writer:
        before = {p: p.stat().st_mtime_ns for p in loose_files(root)}
        assert before  # the fixture's spaces have folders of their own
        for g, items in whole.items():
            writer.replace_spaces(DATASET, g, items, NOW)
        assert {p.stat().st_mtime_ns != before[p] for p in before} == {True}  # rewritten
        assert_same(state(Store(str(root))), state(Store(str(reference))))
    assert space_folders(root) == {"scope=spaces"}
    assert_same(state(Store(str(root))), state(Store(str(reference))))


def test_a_sync_of_spaces_side_by_side_writes_a_pack_a_month_not_a_file_a_space(tmp_path):
    """`sync.run`, 10 windows at once, every window's answer held until all have one, and the
    first write slowed down (so the others wait for it together): the spaces' months are written
    as packs, not a file per space and month (at most: the first batch, fewer than
    PACK_AT_LEAST, as files of their own; then the rest together; then the fold), and the store
    reads as one synced a window at a time."""
    targets = [sync.Target(DATASET, "day", s) for s in SPACES]
    tasks = sync.plan(Store(str(tmp_path / "x")), targets, SINCE, UNTIL, now=NOW)
    windows_ = sum(len(t.parts) for t in tasks)
    assert windows_ == len(SPACES)
    together = threading.Barrier(windows_, timeout=30)
    make = demo_client_factory(NOW.date())

    def make_client(vendor, space, progress=None):
        client = make(vendor, space, progress)
        fetch = client.space_metrics

        def held_back(*args, **kwargs):
            frame = fetch(*args, **kwargs)
            together.wait()
            return frame

        client.space_metrics = held_back
        return client

    root = tmp_path / "history"
    store = Store(str(root))
    written: list[str] = []
    write = store.root.write

    def counted(path, data):
        written.append(path)
        if len(written) == 1:
            time.sleep(1.0)  # the windows released with this one queue up meanwhile
        return write(path, data)

    store.root.write = counted
    summary = sync.run(store, tasks, make_client, clock=lambda: NOW, tasks_at_once=10)
    assert not summary.failed, summary.lines()
    months = 2  # 2026-05, 2026-06
    files = [p for p in written if p.startswith(FOLDER)]
    assert len(files) <= (PACK_AT_LEAST + 1) * months < windows_ * months
    assert space_folders(root) == {"scope=spaces"}

    reference = tmp_path / "reference"
    sync.run(Store(str(reference)), tasks, make, clock=lambda: NOW, tasks_at_once=1)
    got, want = Store(str(root)), Store(str(reference))
    for s in SPACES:
        pd.testing.assert_frame_equal(
            got.rows(FOLDER, "day", scopes=[s]), want.rows(FOLDER, "day", scopes=[s])
        )
        assert got.held(FOLDER, "day", s) == want.held(FOLDER, "day", s)
