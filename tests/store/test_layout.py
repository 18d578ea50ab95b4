"""The store's files are plain Hive-partitioned Parquet: other tools read them unchanged."""

from __future__ import annotations

import duckdb
import pyarrow.dataset as ds

from store import Store

from .conftest import TARGETS


def test_pyarrow_reads_each_dataset_folder_as_a_hive_partitioned_dataset(synced_root):
    store = Store(str(synced_root))
    for key in sorted({t.dataset.key for t in TARGETS}):
        table = ds.dataset(synced_root / key, partitioning="hive").to_table()
        targets = [t for t in TARGETS if t.dataset.key == key]
        expected = sum(len(store.rows(key, t.granularity, scopes=[t.scope])) for t in targets)
        assert table.num_rows == expected > 0, key
        by = "day" if key == "firebender.model_requests" else "month"
        assert {"granularity", "scope", by} <= set(table.column_names), key
        frame = table.select(["granularity", "scope", by, "_label"]).to_pandas()
        wanted = {(t.granularity or "none", t.scope) for t in targets}
        if key == "builder.space_metrics":
            # A Builder space is a column: every space's rows in one file per month.
            assert set(frame["scope"]) == {"spaces"}
            frame["scope"] = table.column("_space").to_pandas()
        else:
            assert "_space" not in table.column_names, key
        assert set(zip(frame["granularity"], frame["scope"], strict=True)) == wanted, key
        part = frame[by].astype(str)
        label = frame["_label"].dt.strftime("%Y-%m-%d" if by == "day" else "%Y-%m")
        assert (part == label).all(), key  # each row sits in the partition of its label


def test_duckdb_reads_the_layout_with_hive_partitioning_too(synced_root):
    glob = str(synced_root / "builder.org_metrics" / "**" / "*.parquet")
    counts = duckdb.sql(
        f"SELECT granularity, count(*) AS n FROM read_parquet('{glob}', hive_partitioning = true) "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    store = Store(str(synced_root))
    assert counts == [
        ("day", len(store.rows("builder.org_metrics", "day"))),
        ("week", len(store.rows("builder.org_metrics", "week"))),
    ]
