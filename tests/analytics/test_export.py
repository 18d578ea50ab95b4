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


# ---------------------------------------------------------------- readable numbers


@pytest.fixture
def sums() -> pd.DataFrame:
    """Measures as sums leave them: float noise, missing values, whole counts as floats."""
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-16"]).astype(
                "datetime64[ns]"
            ),
            "ci_credits": [36193.399999999994, np.nan, 12.005],
            "model_spend_usd": [1234.5678, 0.1 + 0.2, np.nan],
            "ai_share_of_spend": [0.123456789, np.nan, 1.0],
            "firebender_active_users": [3.0, np.nan, 5.0],
            "cost_usd": [0.004999, 10.0, 2.675],
            "agent_accept_rate": [2 / 3, 0.5, np.nan],
            "value": [1.0, 2.0, 3.0],  # Codefresh active committers: whole
            "total_tokens": [1500.0, 2.0e6, np.nan],
            "unknown": [0.1 + 0.2, 7.0, np.nan],
        }
    )


def test_each_column_is_rounded_by_what_it_means():
    assert export.decimals("model_spend_usd") == 2 and export.decimals("cost_usd") == 2
    assert export.decimals("ci_credits") == 2 and export.decimals("value") == 2
    assert export.decimals("credits_used") == 2
    assert export.decimals("ai_share_of_spend") == 4 and export.decimals("cost_share") == 4
    assert export.decimals("agent_accept_rate") == 4 and export.decimals("acceptance") == 4
    assert export.decimals("credits_per_accepted_line") == 4  # a ratio, not credits
    assert export.decimals("firebender_active_users") == 0 and export.decimals("requests") == 0
    assert export.decimals("total_tokens") == 0 and export.decimals("active_days") == 0
    assert export.decimals("space_name") is None


def test_csv_rounds_money_to_cents_and_counts_to_integers(sums):
    text = export.to_bytes(sums, "csv").decode()
    assert "99999" not in text and "0.30000000000000004" not in text
    lines = text.splitlines()
    assert lines[0].split(",") == list(sums.columns)
    assert lines[1] == "2026-03-02,36193.4,1234.57,0.1235,3,0.0,0.6667,1,1500,0.3"
    assert lines[2] == "2026-03-09,,0.3,,,10.0,0.5,2,2000000,7.0"
    assert lines[3] == "2026-03-16,12.0,,1.0,5,2.68,,3,,"  # missing stays empty, never 0


def test_json_rounds_the_same_and_keeps_null(sums):
    rows = json.loads(export.to_bytes(sums, "json"))
    assert rows[0]["ci_credits"] == 36193.4 and rows[0]["model_spend_usd"] == 1234.57
    assert rows[0]["ai_share_of_spend"] == 0.1235 and rows[0]["agent_accept_rate"] == 0.6667
    assert rows[0]["firebender_active_users"] == 3 and rows[1]["total_tokens"] == 2_000_000
    assert isinstance(rows[0]["firebender_active_users"], int) and rows[2]["value"] == 3
    assert rows[1]["ci_credits"] is None and rows[2]["model_spend_usd"] is None
    assert rows[1]["firebender_active_users"] is None and rows[2]["unknown"] is None
    assert rows[0]["unknown"] == 0.3
    assert b"36193.399" not in export.to_bytes(sums, "json")


def test_xlsx_cells_hold_rounded_numbers_with_readable_formats(sums):
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(export.to_bytes(sums, "xlsx"))).active
    header = [cell.value for cell in sheet[1]]
    first = {name: cell for name, cell in zip(header, sheet[2])}
    second = {name: cell for name, cell in zip(header, sheet[3])}
    assert first["ci_credits"].value == 36193.4 and first["ci_credits"].number_format == "#,##0.00"
    assert first["model_spend_usd"].value == 1234.57
    assert first["ai_share_of_spend"].value == 0.1235
    assert first["ai_share_of_spend"].number_format == "0.0000"
    assert first["firebender_active_users"].value == 3
    assert first["firebender_active_users"].number_format == "#,##0"
    assert second["total_tokens"].value == 2_000_000
    assert second["total_tokens"].number_format == "#,##0"
    assert first["period"].number_format == "yyyy-mm-dd"
    assert second["ci_credits"].value is None and second["firebender_active_users"].value is None


def test_parquet_keeps_full_precision(sums):
    back = export.read_back(export.to_bytes(sums, "parquet"), "parquet")
    assert_frame_equal(back, sums)
    assert back["ci_credits"][0] == 36193.399999999994


def test_rounding_leaves_the_frame_given_unchanged(sums):
    before = sums.copy()
    for fmt in export.FORMATS:
        export.to_bytes(sums, fmt)
    assert_frame_equal(sums, before)
