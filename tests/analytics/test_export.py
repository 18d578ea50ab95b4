"""Export bytes read back equal the frame, in every format."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analytics import export


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03"]).astype(
                "datetime64[ns]"
            ),
            "timestamp": pd.to_datetime(
                ["2026-03-01T10:00:00.123Z", "2026-03-02T23:59:59Z", "2026-03-03T00:00:00Z"],
                format="ISO8601",
            ).astype("datetime64[ns, UTC]"),
            "email": pd.array(["a@x.com", None, "c@x.com"], dtype="str"),
            "model": pd.Categorical(["m1", "m2", "m1"]),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "cost": [0.5, 1.25, np.nan],
            "flag": pd.array([True, False, None], dtype="boolean"),
            "name with ünïcode": ["é", "ß", "✓"],
        }
    )


def test_parquet_keeps_every_dtype(frame):
    back = export.read_back(export.to_bytes(frame, "parquet"), "parquet")
    assert_frame_equal(back, frame)


def test_csv_round_trip(frame):
    back = export.read_back(export.to_bytes(frame, "csv"), "csv")
    assert list(back.columns) == list(frame.columns)
    assert pd.to_datetime(back["period"]).tolist() == frame["period"].tolist()
    assert pd.to_datetime(back["timestamp"], utc=True).tolist() == frame["timestamp"].tolist()
    assert back["email"].tolist()[0::2] == ["a@x.com", "c@x.com"] and pd.isna(back["email"][1])
    assert back["model"].tolist() == ["m1", "m2", "m1"]
    assert back["count"].tolist()[0::2] == [1, 3] and pd.isna(back["count"][1])
    assert back["cost"].tolist()[:2] == [0.5, 1.25] and pd.isna(back["cost"][2])
    assert back["name with ünïcode"].tolist() == ["é", "ß", "✓"]


def test_json_is_an_array_of_records(frame):
    data = export.to_bytes(frame, "json")
    rows = json.loads(data)
    assert len(rows) == 3 and rows[1]["email"] is None and rows[2]["cost"] is None
    assert rows[0]["timestamp"].startswith("2026-03-01T10:00:00.123")
    back = export.read_back(data, "json")
    assert pd.to_datetime(back["timestamp"], utc=True).tolist() == frame["timestamp"].tolist()
    assert back["count"].tolist()[0::2] == [1, 3]


def test_xlsx_has_no_time_zones_and_says_utc(frame):
    back = export.read_back(export.to_bytes(frame, "xlsx"), "xlsx")
    assert "timestamp (UTC)" in back.columns and "timestamp" not in back.columns
    expected = frame["timestamp"].dt.tz_localize(None)
    assert back["timestamp (UTC)"].tolist() == expected.tolist()
    assert back["period"].tolist() == frame["period"].tolist()
    assert back["model"].tolist() == ["m1", "m2", "m1"]
    assert back["cost"].tolist()[:2] == [0.5, 1.25]


def test_empty_frames_export_with_their_columns(frame):
    empty = frame.iloc[0:0]
    for fmt in export.FORMATS:
        data = export.to_bytes(empty, fmt)
        assert isinstance(data, bytes)
    assert list(export.read_back(export.to_bytes(empty, "parquet"), "parquet").columns) == list(
        frame.columns
    )


def test_file_names():
    assert (
        export.file_name(
            "firebender", "daily_usage", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "csv"
        )
        == "firebender_daily-usage_2026-01-01_2026-03-31.csv"
    )
    assert (
        export.file_name("codefresh", "metadata", None, None, "json") == "codefresh_metadata.json"
    )


def test_unknown_format_and_too_many_rows(monkeypatch, frame):
    with pytest.raises(ValueError):
        export.to_bytes(frame, "pdf")
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 2)
    with pytest.raises(ValueError, match="do not fit"):
        export.to_xlsx(frame)
