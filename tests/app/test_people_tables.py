"""The vendor pages' people tables are a page, not everyone: at 300 developers the Builder.io and
Firebender pages show the 50 people with the most accepted lines, say of how many ("Top 50 of N
people; export for all."), give totals over every person (never the sum of the rows shown), and
a CSV built when asked for holds every person. A total with an unknown part is unknown."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from connectors import BuilderClient, FirebenderClient
from connectors.sandbox import FaultRule, Sandbox, keys
from connectors.sandbox.server import running_server

from .conftest import FROZEN_NOW, assert_ok, open_page

START, END = "2026-11-09", "2026-11-15"
RANGE = (dt.date.fromisoformat(START), dt.date.fromisoformat(END))


@pytest.fixture
def big(monkeypatch):
    with running_server(Sandbox(developers=300)) as url:
        for vendor in ("BUILDER", "FIREBENDER", "CODEFRESH"):
            monkeypatch.setenv(f"{vendor}_BASE_URL", url)
        monkeypatch.setenv("BUILDER_PRIVATE_KEY", keys.BUILDER_ORG_KEY)
        monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_KEY)
        monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
        yield url


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def exported(downloads, name: str) -> pd.DataFrame:
    (make,) = [f for n, f in downloads.items() if n == name]
    return pd.read_csv(io.BytesIO(make()))


def test_the_builder_users_table_is_the_top_50_with_totals_over_everyone(big, downloads):
    at = open_page("pages/builder.py", query={"start": START, "end": END, "granularity": "day"})
    assert_ok(at)
    (table,) = [t.value for t in at.dataframe if "user_email" in t.value]
    users = BuilderClient(keys.BUILDER_ORG_KEY, base_url=big, today=FROZEN_NOW.date()).org_users(
        *RANGE
    )
    assert len(users) > 50 and len(table) == 50
    assert f"Top 50 of {len(users):,} people; export for all." in captions(at)
    top = users.sort_values("lines_accepted", ascending=False)["lines_accepted"].head(50)
    assert sorted(table["lines_accepted"], reverse=True) == list(top)
    # The totals are over every person the vendor sent, not the 50 shown.
    whole = int(users["lines_accepted"].sum())
    assert whole > int(table["lines_accepted"].sum())
    (said,) = [c for c in captions(at) if c.startswith(f"Over all {len(users):,} people:")]
    assert f"accepted lines: {whole:,}" in said, said
    # The CSV, made when clicked, holds every person with their numbers.
    everyone = exported(downloads, f"builder_users_{START}_{END}.csv")
    assert sorted(everyone["user_email"]) == sorted(users["user_email"])
    mine = everyone.set_index("user_email")["lines_accepted"].sort_index()
    theirs = users.set_index("user_email")["lines_accepted"].sort_index()
    pd.testing.assert_series_equal(mine.astype("int64"), theirs.astype("int64"))


def _raw_people(url: str) -> pd.Series:
    """Accepted AI lines per person over the range, from the vendor's raw rows."""
    daily = FirebenderClient(keys.FIREBENDER_KEY, base_url=url, today=FROZEN_NOW.date())
    rows = daily.daily_usage(*RANGE)
    lines = rows["agent_accepted_lines_added"].fillna(0) + rows[
        "inline_accepted_lines_added"
    ].fillna(0)
    return lines.groupby(rows["email"]).sum()


def test_the_firebender_people_table_is_the_top_50_with_totals_over_everyone(big, downloads):
    at = open_page("pages/firebender.py", query={"start": START, "end": END, "granularity": "day"})
    assert_ok(at)
    (table,) = [t.value for t in at.dataframe if "email" in t.value and "active_days" in t.value]
    raw = _raw_people(big)
    assert len(raw) > 50 and len(table) == 50
    assert f"Top 50 of {len(raw):,} people; export for all." in captions(at)
    assert sorted(table["accepted_lines"], reverse=True) == sorted(raw, reverse=True)[:50]
    whole = int(raw.sum())
    assert whole > int(table["accepted_lines"].sum())
    (said,) = [c for c in captions(at) if c.startswith(f"Over all {len(raw):,} people:")]
    assert f"accepted lines: {whole:,}" in said, said
    everyone = exported(downloads, f"firebender_people_{START}_{END}.csv")
    assert len(everyone) == len(raw)
    mine = everyone.set_index("email")["accepted_lines"].sort_index()
    pd.testing.assert_series_equal(
        mine.astype("float64"), raw.sort_index().astype("float64"), check_names=False
    )
    assert everyone["cost_usd"].notna().any()  # their model requests beside them


def test_nulls_make_the_people_totals_unknown(live):
    # drift_nulls: every third number of every row sent as null. The totals over everyone are
    # unknown, never the known part's sum (a missing value in one person's row still counts 0
    # in that person's own row, as the table always has).
    live.add_fault(FaultRule("drift_nulls", vendor="firebender"))
    live.add_fault(FaultRule("drift_nulls", vendor="builder"))
    fire = open_page("pages/firebender.py", query={"granularity": "day"})
    assert not fire.exception, [e.value for e in fire.exception]
    (said,) = [c for c in captions(fire) if c.startswith("Over all ")]
    assert "accepted lines: unknown" in said, said
    builder = open_page("pages/builder.py", query={"granularity": "day"})
    assert not builder.exception, [e.value for e in builder.exception]
    (said,) = [c for c in captions(builder) if c.startswith("Over all ")]
    assert "accepted lines: unknown" in said, said


def test_without_nulls_the_people_totals_are_known(live):
    fire = open_page("pages/firebender.py", query={"granularity": "day"})
    (said,) = [c for c in captions(fire) if c.startswith("Over all ")]
    assert "unknown" not in said, said
