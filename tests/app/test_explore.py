"""Explore & export: pick a dataset, filter it, and the downloads hold exactly the table shown."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from analytics import export
from connectors.base import period_floor

from .conftest import assert_no_keys, assert_ok, open_page


def exported(downloads: dict, fmt: str) -> tuple[str, bytes]:
    [(name, make)] = [(n, f) for n, f in downloads.items() if n.endswith("." + fmt)]
    data = make()
    return name, data if isinstance(data, bytes) else data.encode()


def check_downloads(
    at, downloads, vendor: str, dataset: str, granularity: str | None = None
) -> pd.DataFrame:
    """Every format's bytes, read back, equal the table on the page; the file is named after
    the days it holds (whole periods: a week from its Monday)."""
    shown = at.dataframe[0].value.reset_index(drop=True)
    start, end = at.date_input[0].value if at.date_input else (None, None)
    if start is not None and granularity:
        start = period_floor(start, granularity)
    for fmt in export.FORMATS:
        name, data = exported(downloads, fmt)
        assert name == export.file_name(vendor, dataset, start, end, export.FORMATS[fmt].ext)
        back = export.read_back(data, fmt)
        assert len(back) == len(shown) and list(back.columns)[:1] == list(shown.columns)[:1]
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
    shown = check_downloads(at, downloads, "firebender", "model_requests")
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
