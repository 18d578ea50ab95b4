"""Files in HISTORY_DIR that are not what the store wrote: a damaged partition is left out of
reads and named, and a sync moves it to quarantine/ (nothing deleted) and fetches its days
again; a file outside the layout is ignored by reads and listed."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from store import Store
from store.partitions import META_KEY
from sync.__main__ import main

from .conftest import SINCE, TARGETS, UNTIL, files_of, sync_into

JUNE = "firebender.daily_usage/granularity=day/scope=org/month=2026-06/data.parquet"


def parquet_bytes(frame: pd.DataFrame, metadata: dict | None = None) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata is not None:
        table = table.replace_schema_metadata(metadata)
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


def damage(root, how: str) -> None:
    path = root / JUNE
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "no coverage record":  # a Parquet file someone else wrote
        path.write_bytes(parquet_bytes(pq.read_table(path).to_pandas(), metadata={}))
    elif how == "unreadable coverage record":
        table = pq.read_table(path)
        meta = {**table.schema.metadata, META_KEY: b'{"runs": [["2026-06-01"]]}'}
        path.write_bytes(parquet_bytes(table.to_pandas(), metadata=meta))


DAMAGES = ["truncated", "empty", "no coverage record", "unreadable coverage record"]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_partition_is_skipped_named_and_the_rest_still_read(store_copy, how):
    """Reads leave the file out and name it (before: a StoreError that broke whole pages)."""
    clean = Store(str(store_copy)).rows("firebender.daily_usage", "day")
    damage(store_copy, how)
    before = files_of(store_copy)
    store = Store(str(store_copy))
    held = store.held("firebender.daily_usage", "day")
    assert held == [(SINCE, dt.date(2026, 5, 31))]  # June is not claimed
    assert JUNE in store.damaged() and "HISTORY_DIR" not in JUNE
    may = store.rows("firebender.daily_usage", "day")
    pd.testing.assert_frame_equal(may, clean[clean["date"] < "2026-06-01"].reset_index(drop=True))
    assert len(store.rows("codefresh.credit_consumption", "day")) > 0  # other datasets too
    assert files_of(store_copy) == before  # reading changes nothing


@pytest.mark.parametrize("how", DAMAGES)
def test_a_sync_quarantines_a_damaged_partition_and_fetches_its_days_again(store_copy, how):
    clean = Store(str(store_copy)).rows("firebender.daily_usage", "day")
    damage(store_copy, how)
    damaged_bytes = (store_copy / JUNE).read_bytes()
    store = Store(str(store_copy))
    summary = sync_into(store)
    (said,) = summary.quarantined
    assert said.startswith(JUNE) and "moved to quarantine/" in said
    assert "DAMAGED FILE" in summary.vendors["firebender"].line()
    (moved,) = [p for p in files_of(store_copy) if p.startswith("quarantine/")]
    assert moved.endswith(JUNE) and (store_copy / moved).read_bytes() == damaged_bytes
    assert store.held("firebender.daily_usage", "day") == [(SINCE, UNTIL)]
    pd.testing.assert_frame_equal(
        Store(str(store_copy)).rows("firebender.daily_usage", "day"), clean
    )
    assert Store(str(store_copy)).foreign() == []  # quarantine is not a stranger's file


def test_the_command_line_exits_3_naming_a_damaged_partition_after_syncing_the_rest(
    store_copy, monkeypatch
):
    damage(store_copy, "truncated")
    monkeypatch.setenv("APP_DOTENV", "")
    out, err = io.StringIO(), io.StringIO()
    argv = ["--demo", "--store", str(store_copy), "--since", "2026-06-01", "--until", "2026-07-01"]
    status = main([*argv, "--only", "firebender.daily_usage", "--only", "codefresh"], out, err)
    assert status == 3, (out.getvalue(), err.getvalue())
    assert f"store: {JUNE} is not a readable Parquet file: moved to quarantine/" in err.getvalue()
    store = Store(str(store_copy))
    assert store.held("codefresh.credit_consumption", "day")[-1][1] == dt.date(2026, 7, 1)
    assert store.held("firebender.daily_usage", "day")[-1][1] == dt.date(2026, 7, 1)


FOREIGN = {
    "README.txt": b"exported by hand",
    "firebender.daily_usage/notes.csv": b"date,email\n",
    "firebender.daily_usage/granularity=day/scope=org/month=2026-06/part-0.parquet": None,
    "firebender.daily_usage/granularity=day/scope=org/month=2026-06/data.parquet.bak": b"old",
    "firebender.daily_usage/granularity=day/scope=org/month=June/data.parquet": None,
    "firebender.daily_usage/granularity=day/scope=org/month=2026-6x/data.parquet": None,
    "firebender.daily_usage/granularity=hourly/scope=org/month=2026-06/data.parquet": None,
}


def test_foreign_files_are_listed_ignored_by_reads_and_left_alone_by_a_sync(store_copy):
    store = Store(str(store_copy))
    rows_before = store.rows("firebender.daily_usage", "day")
    ledger_before = store.ledger("firebender.daily_usage", "day")
    stranger = parquet_bytes(rows_before.head(3))  # valid Parquet, rows repeating ours
    for path, data in FOREIGN.items():
        (store_copy / path).parent.mkdir(parents=True, exist_ok=True)
        (store_copy / path).write_bytes(stranger if data is None else data)

    assert sorted(store.foreign()) == sorted(FOREIGN)
    assert store.ledger("firebender.daily_usage", "day") == ledger_before
    pd.testing.assert_frame_equal(store.rows("firebender.daily_usage", "day"), rows_before)
    june = store.rows("firebender.daily_usage", "day", start=dt.date(2026, 6, 1))
    pd.testing.assert_frame_equal(
        june, rows_before[rows_before["date"] >= "2026-06-01"].reset_index(drop=True)
    )
    assert {e.path for _, e in store.entries()}.isdisjoint(FOREIGN)

    sync_into(store, targets=TARGETS[3:4], until=dt.date(2026, 7, 1))
    for path, data in FOREIGN.items():
        assert (store_copy / path).read_bytes() == (stranger if data is None else data)
    assert sorted(store.foreign()) == sorted(FOREIGN)
    assert store.held("firebender.daily_usage", "day")[-1][1] == dt.date(2026, 7, 1)
