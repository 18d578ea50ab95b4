"""The store names the first day it has rows for, not the first day a long range asked for: a
sync from years before the data start leaves empty partitions behind, and the pages said
"holds 2021-02-01" of data that start in Dec 2024."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from connectors import endpoints
from connectors.sandbox import DATA_START
from store import Store

from .conftest import sync_into

DAILY = [
    endpoints.get("firebender.daily_usage"),
    endpoints.get("codefresh.credit_consumption"),
]


def test_a_range_asked_before_the_data_start_holds_from_the_first_day_with_rows(tmp_path):
    import sync

    store = Store(str(tmp_path / "history"))
    since = DATA_START - dt.timedelta(days=200)
    until = DATA_START + dt.timedelta(days=40)
    now = pd.Timestamp(until + dt.timedelta(days=30), tz="UTC").to_pydatetime()
    sync_into(store, [sync.Target(d, "day") for d in DAILY], since, until, now)
    keys = [d.key for d in DAILY]

    _, asked_from, _ = store.freshness(keys)
    assert asked_from <= since  # the ledger: the first day asked for (and found empty)
    first = store.first_with_rows(keys)
    assert first is not None and DATA_START <= first <= DATA_START + dt.timedelta(days=3)
    # Read again: the same answer, from what the store remembered of each file.
    assert store.first_with_rows(keys) == first


def test_a_store_with_only_empty_partitions_holds_no_day(tmp_path):
    import sync

    store = Store(str(tmp_path / "history"))
    since = DATA_START - dt.timedelta(days=90)
    until = DATA_START - dt.timedelta(days=10)
    now = pd.Timestamp(DATA_START + dt.timedelta(days=30), tz="UTC").to_pydatetime()
    sync_into(store, [sync.Target(d, "day") for d in DAILY], since, until, now)
    assert store.freshness([d.key for d in DAILY])[1] is not None
    assert store.first_with_rows([d.key for d in DAILY]) is None
