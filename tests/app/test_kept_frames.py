"""A live store's computed views are kept on disk (sync/kept_frames.py): a restarted server (a
viewer's fresh process on the store cron fills) reads them and shows the same page without
computing it; a sync's write, a new day or FRAMES_CACHE_DIR=off computes again."""

from __future__ import annotations

import datetime as dt
import os
import stat

import streamlit as st
import time_machine

from config import settings as app_settings
from sync import kept_frames
from sync import on_demand as history
from sync.__main__ import main as sync_main

from .conftest import FROZEN_NOW, assert_ok, charts, open_page, today


def _restart(monkeypatch) -> None:
    """What a new server process starts with: nothing in memory, the disk as it was, and a salt
    of its own for the keys' fingerprints (config.settings)."""
    history.forget()
    st.cache_data.clear()
    monkeypatch.setattr(app_settings, "_SALT", os.urandom(32))


def _shown(at) -> tuple:
    return (
        [m.value for m in at.markdown],
        [(m.label, m.value) for m in at.metric],
        [str(c.proto.spec) + str(c.proto.datasets) for c in charts(at)],
    )


def _counting_builds(monkeypatch) -> list[str]:
    """The keys whose value was computed (not read from disk) from now on."""
    built, remembered = [], kept_frames.remembered

    def counting(folder, key, build):
        def recorded():
            built.append(key)
            return build()

        return remembered(folder, key, recorded)

    monkeypatch.setattr(kept_frames, "remembered", counting)
    return built


def _synced(view, monkeypatch) -> None:
    """A viewer's deployment: cron's sync fills the store, the app reads it read-only."""
    source, make = view
    monkeypatch.setenv("HISTORY_DIR", str(source))
    assert sync_main(["--wait", "5"]) == 0
    monkeypatch.setenv("HISTORY_DIR", str(make()))


def _cron(view, monkeypatch) -> None:
    """cron's next sync, through the store's writable path (it fetches the unsettled tail again:
    the store's version changes)."""
    source, make = view
    with monkeypatch.context() as writable:
        writable.setenv("HISTORY_DIR", str(source))
        assert sync_main(["--wait", "5"]) == 0


def test_a_restarted_server_reads_what_the_first_computed(
    live, tmp_path, monkeypatch, read_only_view
):
    _synced(read_only_view, monkeypatch)
    built = _counting_builds(monkeypatch)
    first = open_page()
    assert_ok(first)
    assert any("'overview'" in key for key in built), "the first server computes the answer"
    (folder,) = (tmp_path / "frames").iterdir()
    assert folder.name.endswith(f"-{today()}.frames-{kept_frames.code_version()}")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # what the store holds: private
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.glob("*.pickle"))
    assert not any((tmp_path / "history").rglob("*.pickle"))  # never inside the store

    _restart(monkeypatch)
    built.clear()
    live.clear_requests()
    again = open_page()
    assert_ok(again)
    assert live.request_log() == []
    assert built == [], "a restarted server computes nothing the first kept"
    assert _shown(again) == _shown(first)
    assert charts(again)


def test_a_sync_after_them_computes_again(live, tmp_path, monkeypatch, read_only_view):
    _synced(read_only_view, monkeypatch)
    assert_ok(open_page())
    _restart(monkeypatch)
    _cron(read_only_view, monkeypatch)
    built = _counting_builds(monkeypatch)
    again = open_page()
    assert_ok(again)
    assert any("'overview'" in key for key in built), "a written store is computed again"


def test_a_new_day_starts_a_new_folder_and_drops_the_old(
    live, tmp_path, monkeypatch, read_only_view
):
    _synced(read_only_view, monkeypatch)
    assert_ok(open_page())
    (before,) = (tmp_path / "frames").iterdir()
    _restart(monkeypatch)
    with time_machine.travel(FROZEN_NOW + dt.timedelta(days=1), tick=False):
        assert_ok(open_page())
    (after,) = (tmp_path / "frames").iterdir()
    assert after != before and str(FROZEN_NOW.date() + dt.timedelta(days=1)) in after.name


def test_off_keeps_nothing(live, tmp_path, monkeypatch, read_only_view):
    monkeypatch.setenv("FRAMES_CACHE_DIR", "off")
    _synced(read_only_view, monkeypatch)
    assert_ok(open_page())
    assert not (tmp_path / "frames").exists()
    assert kept_frames.frames_for(os.environ["HISTORY_DIR"]) is None


def test_damaged_kept_frames_are_computed_again(live, tmp_path, monkeypatch, read_only_view):
    _synced(read_only_view, monkeypatch)
    first = open_page()
    assert_ok(first)
    (folder,) = (tmp_path / "frames").iterdir()
    for path in folder.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    _restart(monkeypatch)
    again = open_page()
    assert_ok(again)
    assert _shown(again) == _shown(first)
    assert all(os.path.getsize(p) > 100 for p in folder.glob("*.pickle"))


def test_a_store_of_one_process_alone_keeps_nothing_on_disk(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    store = history.configured_store(str(blocked))  # unusable: this process's temporary store
    assert store.url != str(blocked)
    assert kept_frames.frames_for(store.url) is None
    assert kept_frames.frames_for(str(tmp_path / "history")) is not None


def test_making_a_folder_removes_any_stores_days_before_yesterday(tmp_path):
    day = dt.date(2026, 11, 23)
    ours, other = str(tmp_path / "history"), "s3://bucket/other"
    older = kept_frames.frames_for(other, day - dt.timedelta(days=2))
    yesterday = kept_frames.frames_for(other, day - dt.timedelta(days=1))
    ours_before = kept_frames.frames_for(ours, day - dt.timedelta(days=1))
    for folder in (older, yesterday, ours_before):
        folder.mkdir(parents=True)
    assert kept_frames.remembered(kept_frames.frames_for(ours, day), "k", lambda: 7) == 7
    assert not older.exists() and not ours_before.exists()
    assert yesterday.exists()  # another store's, and a server started before midnight may read it
    assert kept_frames.remembered(kept_frames.frames_for(ours, day), "k", lambda: 8) == 7
