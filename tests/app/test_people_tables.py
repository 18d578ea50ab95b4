"""The vendor pages' people tables are a page, not everyone: at 300 developers the Builder.io
page shows the 100 people with the most accepted lines and says of how many."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors import BuilderClient
from connectors.sandbox import Sandbox, keys
from connectors.sandbox.server import running_server

from .conftest import FROZEN_NOW, assert_ok, open_page

START, END = "2026-11-09", "2026-11-15"


@pytest.fixture
def big(monkeypatch):
    with running_server(Sandbox(developers=300)) as url:
        for vendor in ("BUILDER", "FIREBENDER", "CODEFRESH"):
            monkeypatch.setenv(f"{vendor}_BASE_URL", url)
        monkeypatch.setenv("BUILDER_PRIVATE_KEY", keys.BUILDER_ORG_KEY)
        monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_KEY)
        monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
        yield url


def test_the_builder_users_table_is_the_top_100_and_says_of_how_many(big):
    at = open_page("pages/builder.py", query={"start": START, "end": END, "granularity": "day"})
    assert_ok(at)
    (table,) = [t.value for t in at.dataframe if "user_email" in t.value]
    users = BuilderClient(keys.BUILDER_ORG_KEY, base_url=big, today=FROZEN_NOW.date()).org_users(
        dt.date.fromisoformat(START), dt.date.fromisoformat(END)
    )
    assert len(users) > 100 and len(table) == 100
    assert f"The 100 people with the most accepted lines, of {len(users):,}" in " ".join(
        c.value for c in at.caption
    )
    top = users.sort_values("lines_accepted", ascending=False)["lines_accepted"].head(100)
    assert sorted(table["lines_accepted"], reverse=True) == list(top)
