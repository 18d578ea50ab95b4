"""The compaction step folds the spaces' files a writer has just written from the rows the writer
holds (`store.compaction.compact`'s `written`), without reading each file back (a first sync at
2,000 developers writes ~12,000 of them): the packs must hold the very bytes they hold when every
file is read back, as they are for the files a writer stopped by an error left loose."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import sync
from connectors import endpoints
from store import Store
from store.writer import Writer
from sync.runner import fetch

from .conftest import NOW, demo_client_factory

SPACES = ("demo-space-web", "demo-space-mobile")
SINCE, UNTIL = dt.date(2026, 3, 30), dt.date(2026, 6, 30)  # windows that span months
TARGETS = [
    sync.Target(endpoints.get("builder.space_metrics"), g, s)
    for g in ("day", "week", "month")
    for s in SPACES
]
FOLDER = "builder.space_metrics"


def fetched(store: Store) -> list[tuple]:
    make = demo_client_factory(NOW.date())
    out = []
    for task in sync.plan(store, TARGETS, SINCE, UNTIL, now=NOW):
        for window in task.parts:
            out.append((window, fetch(make(window.vendor, window.scope), window)))
    return out


def write(writer: Writer, windows: list[tuple]) -> None:
    for window, frame in windows:
        writer.replace(
            window.dataset, window.granularity, window.scope, window.first, window.last, frame, NOW
        )


def files(root: Path, loose: bool) -> dict[str, bytes]:
    """The spaces' own files (loose) or the packs, and their bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted((root / FOLDER).rglob("*.parquet"))
        if ("scope=spaces" not in p.parts) == loose
    }


@pytest.fixture(scope="module")
def windows(tmp_path_factory) -> list[tuple]:
    return fetched(Store(str(tmp_path_factory.mktemp("plan"))))


@pytest.fixture(scope="module")
def packs_read_back(windows, tmp_path_factory) -> dict[str, bytes]:
    """The packs folded by reading every file: a writer stopped by an error leaves its files
    loose, and the next writer (holding none of them) folds them."""
    root = tmp_path_factory.mktemp("read") / "history"
    store = Store(str(root))
    with pytest.raises(RuntimeError), Writer(store) as writer:
        write(writer, windows)
        raise RuntimeError("stopped before folding")
    assert len(files(root, loose=True)) > 2 * len(TARGETS), "the windows wrote few files"
    assert not files(root, loose=False)
    with Writer(store):
        pass
    packs = files(root, loose=False)
    assert packs and not files(root, loose=True)
    return packs


def test_packs_folded_from_the_writers_rows_are_the_packs_folded_from_the_files(
    windows, packs_read_back, tmp_path
):
    root = tmp_path / "history"
    with Writer(Store(str(root))) as writer:
        write(writer, windows)
    assert files(root, loose=False) == packs_read_back
    assert not files(root, loose=True)


def test_a_writer_folds_what_it_wrote_without_reading_it_back(windows, packs_read_back, tmp_path):
    # Each file this writer wrote is made unreadable on disk before it folds them: read back,
    # each would be left loose (a file that cannot be read is never folded); folded from the
    # rows the writer holds, the packs are whole and the files gone.
    root = tmp_path / "history"
    with Writer(Store(str(root))) as writer:
        write(writer, windows)
        loose = files(root, loose=True)
        assert loose
        for path in loose:
            (root / path).write_bytes(b"not parquet")
    assert files(root, loose=False) == packs_read_back
    assert not files(root, loose=True)
