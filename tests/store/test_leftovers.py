"""Temporary files of a killed writer are removed by the next writer, and only then: a writer
that ended cleanly left none, so the next one does not walk the whole store (a page view that
syncs a day would otherwise list every file)."""

from __future__ import annotations

from store import Store
from store.files import TEMP_SUFFIX
from store.writer import Writer


def leftover(root) -> object:
    folder = root / "firebender.model_requests" / "granularity=None" / "scope=org" / "day=x"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f".tmpk1ll3d{TEMP_SUFFIX}"
    path.write_bytes(b"half a parquet file")
    return path


def test_a_writer_that_ended_cleanly_leaves_the_lock_empty_and_the_next_walks_nothing(tmp_path):
    store = Store(str(tmp_path))
    with Writer(store):
        pass
    assert (tmp_path / ".sync.lock").read_text() == ""
    planted = leftover(tmp_path)  # not a writer's: no writer was killed
    with Writer(store):
        pass
    assert planted.exists()  # the store was not walked


def test_after_a_killed_writer_the_next_removes_its_temporary_files(tmp_path):
    store = Store(str(tmp_path))
    with Writer(store):
        pass
    # What kill -9 leaves: the lock file still naming the writer, a temporary file.
    (tmp_path / ".sync.lock").write_text("pid 4242, since 2026-12-06 05:00 UTC")
    planted = leftover(tmp_path)
    with Writer(store):
        pass
    assert not planted.exists()
    assert (tmp_path / ".sync.lock").read_text() == ""
