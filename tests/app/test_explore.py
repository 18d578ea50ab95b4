"""Explore & export: pick a dataset, filter it, and the downloads hold exactly the table shown."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analytics import export
from connectors.base import period_floor
from ui import explore_raw

from .conftest import assert_no_keys, assert_ok, open_page


def exported(downloads: dict, fmt: str) -> tuple[str, bytes]:
    [(name, make)] = [(n, f) for n, f in downloads.items() if n.endswith("." + fmt)]
    data = make()
    return name, data if isinstance(data, bytes) else data.encode()


def headers(at) -> dict[str, str]:
    """column -> the header the table shows."""
    config = json.loads(at.dataframe[0].proto.columns)
    return {c: v.get("label", c) for c, v in config.items() if c != "_index"}


def raw_mode(at):
    """Turn on "Raw column names" (the table as the files hold it)."""
    toggle = at.toggle(key="explore__raw")
    if not toggle.value:
        toggle.set_value(True).run()
        assert_ok(at)
    return at


def check_downloads(
    at, downloads, vendor: str, dataset: str, granularity: str | None = None, formats=None
) -> pd.DataFrame:
    """With "Raw column names" on, every format's bytes, read back, equal the table on the
    page, headers included; the file is named after the days it holds (whole periods: a
    week from its Monday)."""
    formats = formats or list(export.FORMATS)
    assert sorted(n.rsplit(".", 1)[1] for n in downloads) == sorted(
        export.FORMATS[f].ext for f in formats
    )
    raw_mode(at)
    shown = at.dataframe[0].value.reset_index(drop=True)
    assert headers(at) == {c: c for c in shown.columns}
    start, end = at.date_input[0].value if at.date_input else (None, None)
    if start is not None and granularity:
        start = period_floor(start, granularity)
    for fmt in formats:
        name, data = exported(downloads, fmt)
        assert name == export.file_name(vendor, dataset, start, end, export.FORMATS[fmt].ext)
        back = export.read_back(data, fmt)
        assert len(back) == len(shown)
        if fmt != "xlsx":  # Excel names a UTC time column "timestamp (UTC)"
            assert list(back.columns) == list(shown.columns)
        expected = export.read_back(export.to_bytes(shown, fmt), fmt)
        assert_frame_equal(back, expected, check_dtype=False)
    parquet = export.read_back(exported(downloads, "parquet")[1], "parquet")
    assert_frame_equal(parquet, shown, check_dtype=False, check_categorical=False)
    return shown


def test_overview_table_is_the_default_dataset(downloads):
    at = open_page("pages/explore.py")
    assert_ok(at)
    shown = check_downloads(at, downloads, "overview", "joined-week", "week")
    assert {"ai_active_developers", "ci_credits", "credits_per_ai_developer"} <= set(shown.columns)


def test_filter_by_person_and_export(downloads):
    at = open_page("pages/explore.py", query={"dataset": "firebender.daily_usage"})
    assert_ok(at)
    everyone = at.dataframe[0].value
    person = sorted(everyone["email"].unique())[0]
    at.multiselect(key="explore__f_email").set_value([person]).run()
    assert_ok(at)
    assert at.query_params["f_email"] == person
    shown = check_downloads(at, downloads, "firebender", "daily_usage")
    assert 0 < len(shown) < len(everyone) and set(shown["email"]) == {person}
    assert f"{len(shown):,} of {len(everyone):,} rows" in at.caption[-1].value or any(
        f"{len(shown):,} of {len(everyone):,} rows" in c.value for c in at.caption
    )


def test_model_requests_filtered_by_model_and_mode(downloads):
    at = open_page(
        "pages/explore.py",
        query={
            "dataset": "firebender.model_requests",
            "start": "2026-01-01",
            "end": "2026-01-14",
            "f_model": "gpt-5",
            "f_mode": ["write", "plan"],
        },
    )
    assert_ok(at)
    # Model requests are paged by DuckDB from the store; under a page of rows, the page is
    # all of them, and the files (CSV and Parquet, written by DuckDB) hold exactly those.
    assert "rows in 2026-01-01 - 2026-01-14" in " ".join(c.value for c in at.caption)
    shown = check_downloads(
        at, downloads, "firebender", "model_requests", formats=explore_raw.RAW_FORMATS
    )
    assert 0 < len(shown) < explore_raw.PAGE_ROWS
    assert set(shown["model"]) == {"gpt-5"} and set(shown["mode"]) <= {"write", "plan"}
    times = pd.to_datetime(shown["timestamp"], utc=True)
    assert times.min() >= pd.Timestamp("2026-01-01", tz="UTC")
    assert times.max() < pd.Timestamp("2026-01-15", tz="UTC")


@pytest.mark.parametrize(
    "dataset, vendor, name",
    [
        ("codefresh.pipeline_credit_consumption", "codefresh", "pipeline_credit_consumption-day"),
        ("builder.org_space_metrics", "builder", "org_space_metrics-day"),
        ("builder.org_users", "builder", "org_users"),
        ("codefresh.active_committers", "codefresh", "active_committers"),
    ],
)
def test_other_datasets_export(downloads, dataset, vendor, name):
    at = open_page("pages/explore.py", query={"dataset": dataset, "granularity": "day"})
    assert_ok(at)
    assert len(at.dataframe[0].value)
    check_downloads(at, downloads, vendor, name, "month" if "committers" in name else None)


def test_metadata_is_not_date_bound(downloads):
    at = open_page("pages/explore.py", query={"dataset": "codefresh.metadata"})
    assert_ok(at)
    assert not at.date_input
    assert sorted(downloads) == sorted(f"codefresh_metadata.{f}" for f in export.FORMATS)
    check_downloads(at, downloads, "codefresh", "metadata")


def test_unknown_dataset_in_the_link_falls_back(downloads):
    at = open_page("pages/explore.py", query={"dataset": "nope.nothing"})
    assert_ok(at)
    assert at.selectbox(key="explore__dataset").value == "overview.joined"


def test_live_export_never_contains_a_key(live, downloads):
    at = open_page("pages/explore.py", query={"dataset": "builder.org_users"})
    assert_ok(at)
    assert_no_keys(at)
    for fmt in export.FORMATS:
        _, data = exported(downloads, fmt)
        for key in ("demo-builder-org-key", "demo-firebender-key", "demo-codefresh-key"):
            assert key.encode() not in data


# ---------------------------------------------------------------- readable by default


def test_friendly_headers_and_values_by_default_raw_ones_on_the_toggle(downloads):
    at = open_page(
        "pages/explore.py",
        query={"dataset": "firebender.model_requests", "start": "2026-01-01", "end": "2026-01-14"},
    )
    assert_ok(at)
    assert at.toggle(key="explore__raw").value is False
    shown = headers(at)
    assert shown["spend_type"] == "Spend type" and shown["email"] == "Person"
    assert shown["cost_usd"] == "Cost (USD)" and shown["timestamp"] == "Time (UTC)"
    friendly = at.dataframe[0].value
    assert set(friendly["spend_type"]) <= {"Included", "On-demand", "Own key (BYOK)"}
    assert "Write" in set(friendly["mode"]) and "release-notes-writer" in set(friendly["mode"])
    assert at.multiselect(key="explore__f_spend_type").label == "Spend type"
    assert "On-demand" in at.multiselect(key="explore__f_spend_type").options
    assert any("Downloads always use the raw column names" in c.value for c in at.caption)
    # the file keeps the raw names and values whatever the table shows
    csv = export.read_back(exported(downloads, "csv")[1], "csv")
    assert "spend_type" in csv.columns and set(csv["spend_type"]) <= {
        "included",
        "on-demand",
        "byok",
    }

    raw_mode(at)
    assert at.query_params["raw"] == "1"
    assert headers(at)["spend_type"] == "spend_type"
    assert set(at.dataframe[0].value["spend_type"]) <= {"included", "on-demand", "byok"}
    assert at.multiselect(key="explore__f_spend_type").label == "spend_type"
    assert "on-demand" in at.multiselect(key="explore__f_spend_type").options


def test_a_friendly_filter_keeps_raw_values_in_the_link(downloads):
    at = open_page(
        "pages/explore.py",
        query={
            "dataset": "firebender.model_requests",
            "start": "2026-01-01",
            "end": "2026-01-14",
            "f_spend_type": "on-demand",
        },
    )
    assert_ok(at)
    assert at.multiselect(key="explore__f_spend_type").value == ["on-demand"]
    assert set(at.dataframe[0].value["spend_type"]) == {"On-demand"}
    shown = check_downloads(
        at, downloads, "firebender", "model_requests", formats=explore_raw.RAW_FORMATS
    )
    assert set(shown["spend_type"]) == {"on-demand"}


@pytest.mark.parametrize(
    "dataset, what",
    [
        ("codefresh.credit_consumption", "Resource class"),
        ("codefresh.pipeline_credit_consumption", "Pipeline"),
    ],
)
def test_codefresh_rows_say_what_their_key_is(dataset, what):
    at = open_page("pages/explore.py", query={"dataset": dataset, "granularity": "month"})
    assert_ok(at)
    assert headers(at)["key"] == what and headers(at)["value"] == "Credits"
    assert at.multiselect(key="explore__f_key").label == what
    raw_mode(at)
    assert headers(at)["key"] == "key" and headers(at)["value"] == "value"
    assert at.multiselect(key="explore__f_key").label == "key"


def test_tables_show_thousands_separators_cents_and_one_decimal_percentages():
    at = open_page("pages/explore.py")
    assert_ok(at)
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["ci_credits"]["type_config"]["format"] == "%,.1f"
    assert config["model_spend_usd"]["type_config"]["format"] == "$%,.2f"
    assert config["firebender_active_users"]["type_config"]["format"] == "%,d"
    share = config["ai_share_of_spend"]["type_config"]
    assert share["format"] == "percent" and share["step"] == 0.001  # 12.3%
    assert config["ci_credits"]["label"] == "CI credits" and config["ci_credits"]["help"]
    shares = at.dataframe[0].value["ai_share_of_spend"].dropna()
    assert (shares == shares.round(3)).all()  # rounded, not cut, before Streamlit's step
    raw_mode(at)
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["ci_credits"]["type_config"]["format"] == "%,.2f"  # as the CSV holds it
    assert config["ai_share_of_spend"]["type_config"]["format"] == "%,.4f"


def test_exported_numbers_have_no_float_noise(downloads):
    at = raw_mode(open_page("pages/explore.py", query={"granularity": "day"}))
    table = at.dataframe[0].value
    text = exported(downloads, "csv")[1].decode()
    rows = list(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False).itertuples())
    header = text.splitlines()[0].split(",")
    places = {c: export.decimals(c) for c in header}

    def decimals_in(cell: str) -> int:
        match = re.fullmatch(r"-?\d+(?:\.(\d+))?", cell)
        assert match, cell
        return len(match.group(1) or "")

    for row in rows:
        for column, cell in zip(header, row[1:]):
            if places[column] is not None and cell != "":
                assert decimals_in(cell) <= places[column], (column, cell)
    back = export.read_back(exported(downloads, "csv")[1], "csv")
    assert back["ci_credits"].round(2).tolist() == back["ci_credits"].tolist()
    assert (back["ci_credits"] - table["ci_credits"]).abs().max() <= 0.005
    # missing stays missing: no spend before Firebender keeps model requests
    assert back["model_spend_usd"].isna().sum() == table["model_spend_usd"].isna().sum()
    parquet = export.read_back(exported(downloads, "parquet")[1], "parquet")
    assert_frame_equal(parquet, table, check_dtype=False)  # full precision
