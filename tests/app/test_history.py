"""The app reads the history store: what `python -m sync` stored is shown without fetching it
again, every data page says how fresh its history is, an unwritable HISTORY_DIR falls back to
a temporary store and says so, and every Builder.io space of BUILDER_SPACES is charted."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from connectors.sandbox import keys
from sync.__main__ import main as sync_main

from .conftest import assert_ok, charts, open_page, texts, today


def recent_enough(request: dict, days: int = 10) -> bool:
    """Whether a request asks only for the last days (Codefresh committers: 3 whole months)."""
    back = 130 if request["path"].endswith("activeCommitters") else days
    first = (today() - dt.timedelta(days=back)).isoformat()
    query, body = request["query"] or {}, request["json"] or {}
    if "dateRange" in query:
        return query["dateRange"][0] >= first
    if "startDate" in query:
        return query["startDate"][0] >= first
    if "startDate" in body:
        day = dt.datetime.fromtimestamp(body["startDate"] / 1000, dt.UTC).date()
        return day.isoformat() >= first
    return False


def test_the_app_in_live_mode_reads_what_python_m_sync_stored(live, capsys):
    since = today() - dt.timedelta(days=120)
    assert sync_main(["--since", since.isoformat(), "--wait", "5"]) == 0
    assert "Done in" in capsys.readouterr().out
    stored = len(live.request_log())
    assert stored > 20
    live.clear_requests()
    at = open_page(
        "pages/codefresh.py",
        query={"start": (since + dt.timedelta(days=7)).isoformat(), "end": today().isoformat()},
    )
    assert_ok(at)
    sent = live.request_log()
    # The key is proven once (the recent days, fetched again) and the rest comes from the store.
    dated = [r for r in sent if not r["path"].endswith("/metadata")]
    assert 0 < len(dated) <= 4
    assert all(recent_enough(r) for r in dated), [(r["path"], r["query"]) for r in dated]
    assert "History (Codefresh): synced just now" in texts(at)


def test_every_data_page_says_how_fresh_its_history_is():
    for page in ("pages/overview.py", "pages/builder.py", "pages/firebender.py"):
        at = open_page(page)
        assert_ok(at)
        text = texts(at)
        assert "Demo history" in text and "synced just now; holds " in text, page


def test_an_unwritable_history_dir_falls_back_to_a_temporary_store_and_says_so(
    live, monkeypatch, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store should be")
    monkeypatch.setenv("HISTORY_DIR", str(blocked))
    at = open_page("pages/firebender.py")
    assert_ok(at)
    text = texts(at)
    assert "HISTORY_DIR cannot be used" in text and "Point HISTORY_DIR at a folder" in text
    assert "temporary store" in text and str(tmp_path) not in text  # no server path shown
    assert charts(at)
    assert blocked.read_text() == "a file where the store should be"  # nothing lost


def test_every_builder_space_of_builder_spaces_is_synced_and_charted(live, monkeypatch):
    spaces = list(keys.BUILDER_SPACES.items())[:3]
    monkeypatch.delenv("BUILDER_SPACE_PUBLIC_KEY")
    monkeypatch.setenv(
        "BUILDER_SPACES", ",".join(f"{public}:{private}" for public, (_, private) in spaces)
    )
    at = open_page("pages/builder.py")
    assert_ok(at)
    assert at.selectbox(key="builder__space").options == [public for public, _ in spaces]
    asked = {r["path"] for r in live.request_log() if "/spaces/" in r["path"]}
    assert asked == {f"/api/v1/spaces/{public}/fusion/metrics" for public, _ in spaces}
    assert any("Tokens, every space" in c.proto.spec for c in charts(at))
    weekly = os.environ["HISTORY_DIR"] + "/builder.space_metrics/granularity=week"
    assert os.listdir(weekly) == ["scope=spaces"]  # a space is a column, not a folder
    stored = pd.read_parquet(weekly + "/scope=spaces", columns=["_space"])["_space"]
    assert sorted(set(stored)) == sorted(public for public, _ in spaces)


def test_the_firebender_page_sums_model_requests_in_the_store_to_the_connectors_totals(
    demo_sandbox,
):
    from sync import clients

    start, end = dt.date(2026, 3, 2), dt.date(2026, 3, 29)
    at = open_page(
        "pages/firebender.py",
        query={"start": start.isoformat(), "end": end.isoformat(), "granularity": "week"},
    )
    assert_ok(at)
    raw = clients.build(clients_source("firebender")).model_requests(start, end)
    assert f"{len(raw):,} requests in the range." in texts(at)
    breakdown = next(d.value for d in at.dataframe if "cost_share" in d.value.columns)
    assert breakdown["requests"].sum() == len(raw)
    assert abs(breakdown["cost_usd"].sum() - raw["cost_usd"].sum()) < 0.01


def clients_source(vendor: str):
    from config.settings import Source

    return Source(vendor, demo=True)


def test_the_history_line_names_the_first_day_with_data_after_a_long_range():
    # The demo's data start on 2025-01-01; a range from 2024-06-01 leaves empty months behind.
    at = open_page(
        "pages/codefresh.py",
        query={"start": "2024-06-01", "end": today().isoformat(), "granularity": "month"},
    )
    assert_ok(at)
    text = texts(at)
    assert "history (Codefresh): synced just now; holds 2025-01-01 - " in text, [
        c.value for c in at.caption if "istory" in c.value
    ]
    assert "holds 2024-" not in text
