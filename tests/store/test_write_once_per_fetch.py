"""The writer converts a fetch to Arrow once and slices it per partition (store/writer.py,
`_partitioned`): every partition file must hold the same bytes as when the partition's rows are
written on their own (a fetch of that partition's days alone, converted whole, the way every
file was written before), for every kind of dataset a sync writes: Builder space metrics by day
and by week (a window spanning many months), org metrics, Firebender daily usage and model
requests (a partition per day, categories), Codefresh reports (extra columns of any type)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import sync
from connectors import endpoints
from store import Store
from store.coverage import labels
from store.partitions import labels_of, part_of
from store.writer import Writer
from sync.runner import fetch

from .conftest import NOW, TODAY, demo_client_factory

SINCE, UNTIL = dt.date(2026, 3, 30), dt.date(2026, 6, 30)
TARGETS = [
    sync.Target(endpoints.get("builder.space_metrics"), "day", "demo-space-web"),
    sync.Target(endpoints.get("builder.space_metrics"), "week", "demo-space-web"),
    sync.Target(endpoints.get("builder.org_metrics"), "month"),
    sync.Target(endpoints.get("firebender.daily_usage"), "day"),
    sync.Target(endpoints.get("firebender.model_requests"), None),
    sync.Target(endpoints.get("codefresh.credit_consumption"), "day"),
    sync.Target(endpoints.get("codefresh.active_committers"), "month"),
]


def partition_files(root: Path) -> dict[str, bytes]:
    """Every raw partition file (rollups left out: they record their sources' file stamps)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("data.parquet"))
        if not str(p.relative_to(root)).startswith("rollups/")
    }


def fetched(store: Store, target) -> list[tuple]:
    """Each window of the target's first sync and the frame the connector gave for it."""
    make = demo_client_factory(TODAY)
    out = []
    for task in sync.plan(store, [target], SINCE, UNTIL, now=NOW):
        for window in task.parts:
            space = window.scope if window.dataset.scope == "space" else None
            out.append((window, fetch(make(window.vendor, space), window)))
    return out


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.dataset.key}-{t.granularity}")
def test_a_fetch_written_at_once_gives_each_partition_the_bytes_written_alone(tmp_path, target):
    whole_root, alone_root = tmp_path / "whole", tmp_path / "alone"
    whole, alone = Store(str(whole_root)), Store(str(alone_root))
    windows = fetched(whole, target)
    assert windows and any(len(frame) for _, frame in windows)
    spanning = 0
    with Writer(whole) as at_once, Writer(alone) as one_by_one:
        for window, frame in windows:
            dataset, by = window.dataset, window.dataset.partition_by
            at_once.replace(
                dataset, window.granularity, window.scope, window.first, window.last, frame, NOW
            )
            # The same rows, a partition's days at a time (as if fetched one partition each).
            held = [x for x in labels(window.first, window.last, window.granularity)
                    if window.first <= x <= window.last]  # fmt: skip
            row_parts = (
                labels_of(frame, dataset).dt.date.map(lambda day, by=by: part_of(day, by))
                if len(frame)
                else pd.Series([], dtype=object)
            )
            parts = sorted({part_of(x, by) for x in held})
            spanning += len(parts) > 1 and len(set(row_parts)) > 1
            for part in parts:
                own = [x for x in held if part_of(x, by) == part]
                rows = frame.loc[(row_parts == part).to_numpy()] if len(frame) else frame
                one_by_one.replace(
                    dataset, window.granularity, window.scope, own[0], own[-1], rows, NOW
                )
    files = partition_files(whole_root)
    assert files and files == partition_files(alone_root)
    if target.dataset.partition_by == "month" and target.granularity in ("day", "week"):
        assert spanning, "no window spanned partitions: the slices were not exercised"
