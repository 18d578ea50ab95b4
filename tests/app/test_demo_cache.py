"""Demo data are made once a day and kept across restarts (sync/demo_cache.py): a restarted
server asks the sandbox nothing and shows the same page; a new day or a change to the code that
makes them starts afresh; a damaged file is made again, never a traceback."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import streamlit as st
import time_machine

from sync import demo_cache, kept_frames
from sync import on_demand as history
from tests.app.conftest import FROZEN_NOW, assert_ok, charts, open_page


def _restart() -> None:
    """What a new server process starts with: nothing in memory, the disk as it was."""
    history.forget()
    st.cache_data.clear()


def _shown(at) -> tuple:
    return (
        [m.value for m in at.markdown],
        [(m.label, m.value) for m in at.metric],
        [str(c.proto.spec) + str(c.proto.datasets) for c in charts(at)],
    )


def _kept(tmp_path, day: dt.date):
    cache = tmp_path / "demo-cache"
    return sorted(p.name for p in cache.iterdir() if p.name.startswith(f"demo-{day}"))


def test_a_restarted_server_reads_the_demo_data_it_made_and_shows_the_same_page(
    demo_sandbox, tmp_path
):
    first = open_page()
    assert_ok(first)
    assert demo_sandbox.request_log(), "the first start makes the demo data"
    day = FROZEN_NOW.date()
    # the day's store and, beside it, what the page computed from it
    store, frames = _kept(tmp_path, day)
    assert store == f"demo-{day}-{demo_cache.version()}"
    assert frames == f"{store}.frames-{kept_frames.code_version()}"
    _restart()
    demo_sandbox.clear_requests()
    again = open_page()
    assert_ok(again)
    assert demo_sandbox.request_log() == []  # nothing made again
    assert _shown(again) == _shown(first)
    assert charts(again)


def test_a_new_day_makes_the_demo_data_again_and_drops_the_days_before_yesterday(
    demo_sandbox, tmp_path
):
    assert_ok(open_page())
    day = FROZEN_NOW.date()
    for days in (1, 2):
        _restart()
        demo_sandbox.clear_requests()
        with time_machine.travel(FROZEN_NOW + dt.timedelta(days=days), tick=True):
            assert_ok(open_page())
        assert demo_sandbox.request_log(), f"day +{days}: made again"
        assert _kept(tmp_path, day + dt.timedelta(days=days))
    assert not _kept(tmp_path, day)  # two days old: deleted
    assert _kept(tmp_path, day + dt.timedelta(days=1))  # yesterday's may still be in use


def test_a_change_to_the_code_that_makes_the_demo_data_gives_another_folder(tmp_path):
    project = tmp_path / "project"
    sandbox = project / "connectors" / "sandbox"
    sandbox.mkdir(parents=True)
    (sandbox / "data.py").write_text("ADOPTION = 0.5\n")
    before = demo_cache.version(project)
    assert demo_cache.version(project) == before  # the same code, the same folder
    (sandbox / "data.py").write_text("ADOPTION = 0.6\n")
    assert demo_cache.version(project) != before
    day = dt.date(2026, 11, 23)
    assert demo_cache.folder(day, tmp_path / "c", code="aa") != demo_cache.folder(
        day, tmp_path / "c", code="bb"
    )


def test_damaged_demo_files_are_made_again_not_a_traceback(demo_sandbox, tmp_path, monkeypatch):
    first = open_page()
    assert_ok(first)
    cache = tmp_path / "demo-cache"
    frames = next(p for p in cache.iterdir() if ".frames-" in p.name)
    pickles = sorted(frames.glob("*.pickle"))
    assert pickles
    for path in pickles:  # every kept frame cut short or overwritten with garbage
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2] if len(data) % 2 else b"not a pickle")
    _restart()
    read, remembered = [], kept_frames.remembered

    def reading(folder, key, build):
        read.append(folder / (hashlib.sha256(key.encode()).hexdigest()[:40] + ".pickle"))
        return remembered(folder, key, build)

    monkeypatch.setattr(kept_frames, "remembered", reading)
    again = open_page()
    assert_ok(again)
    assert _shown(again) == _shown(first)
    # Every damaged frame the restarted page reads is made again, whole. (A frame the first
    # start keyed by the store before its own loads filled it, such as the alerts' month, is
    # not read again: it goes with the day's folder.)
    damaged_and_read = set(pickles) & set(read)
    assert len(damaged_and_read) >= len(pickles) - 1, sorted(set(pickles) - set(read))
    for path in damaged_and_read:
        assert path.stat().st_size > 100, path.name


def test_a_damaged_demo_history_file_is_fetched_again(demo_sandbox, tmp_path):
    first = open_page()
    assert_ok(first)
    store = next(p for p in (tmp_path / "demo-cache").iterdir() if ".frames-" not in p.name)
    raw = [p for p in store.rglob("*.parquet") if "rollups" not in p.relative_to(store).parts]
    victim = max(raw, key=os.path.getsize)  # a raw partition (rollups are rebuilt from these)
    victim.write_bytes(b"PAR1 not parquet")
    _restart()
    demo_sandbox.clear_requests()
    again = open_page()
    assert not again.exception
    assert demo_sandbox.request_log(), "the damaged file's days are fetched again"
    assert list(store.glob("quarantine/**/*.parquet"))
    assert _shown(open_page()) == _shown(first)


def test_a_demo_stores_frames_are_beside_it_any_other_stores_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("DEMO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FRAMES_CACHE_DIR", str(tmp_path / "frames"))
    day = dt.date(2026, 11, 23)
    demo = demo_cache.folder(day)
    assert kept_frames.frames_for(str(demo)).parent == tmp_path / "cache"
    for store in (str(tmp_path / "history"), "s3://bucket/prefix"):  # HISTORY_DIR, a bucket
        assert kept_frames.frames_for(store, day).parent == tmp_path / "frames"
    assert kept_frames.frames_for(str(tmp_path / "history"), day) != kept_frames.frames_for(
        "s3://bucket/prefix", day
    )
    assert kept_frames.frames_for(str(tmp_path / "cache" / "elsewhere")) is None


def test_hours_later_the_same_day_a_restart_asks_the_sandbox_nothing(demo_sandbox):
    # The unsettled tail of live data is fetched again after 15 minutes; the sandbox answers a
    # day with the same bytes whatever the hour, so the demo's is kept for its day.
    assert_ok(open_page())
    _restart()
    demo_sandbox.clear_requests()
    with time_machine.travel(FROZEN_NOW + dt.timedelta(hours=3), tick=True):
        assert_ok(open_page())
    assert demo_sandbox.request_log() == []


def test_a_cache_folder_that_cannot_be_written_falls_back_to_a_temporary_store(
    demo_sandbox, tmp_path, monkeypatch
):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("DEMO_CACHE_DIR", str(blocked))
    at = open_page()
    assert_ok(at)
    assert charts(at)
    assert blocked.read_text() == "not a folder"


def test_a_restarted_server_draws_the_overview_without_opening_duckdb(
    demo_sandbox, tmp_path, monkeypatch
):
    """The first chart's path on a restart: the daily usage's sums and the header's freshness
    line come from the frames kept beside the demo store, not from DuckDB nor from each
    partition's rows (the issue's "demo in seconds"); the page says the same."""
    from store import api as store_api

    first = open_page()
    assert_ok(first)
    _restart()
    opened = {"duckdb": 0, "first rows": 0, "footers": 0}
    connect, first_label = store_api.Store.connect, store_api.Store._first_label
    footers = store_api.footer_record

    def counted_footers(*args, **kwargs):
        opened["footers"] += 1
        return footers(*args, **kwargs)

    def counted_connect(self, *args, **kwargs):
        opened["duckdb"] += 1
        return connect(self, *args, **kwargs)

    def counted_first_label(self, *args, **kwargs):
        opened["first rows"] += 1
        return first_label(self, *args, **kwargs)

    monkeypatch.setattr(store_api.Store, "connect", counted_connect)
    monkeypatch.setattr(store_api.Store, "_first_label", counted_first_label)
    monkeypatch.setattr(store_api, "footer_record", counted_footers)
    again = open_page()
    assert_ok(again)
    assert opened == {"duckdb": 0, "first rows": 0, "footers": 0}
    assert [c.value for c in again.caption] == [c.value for c in first.caption]
