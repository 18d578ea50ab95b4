"""A Builder space is a column, not a folder: every space's rows of a dataset, granularity and
month in one file (a pack), the spaces' own files folded into it by the writer's compaction step;
a store written before packs (main's layout, one folder per space) is read as it is and packed by
the next writer, nothing lost; a compaction killed midway leaves a store that reads the same."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

import sync
from connectors import endpoints
from store import Store
from store.compaction import compact
from store.writer import Writer

from .conftest import NOW, sync_into

# A store written by main's code before packs (tests/store/fixtures/README.md says how).
MAIN_LAYOUT = Path(__file__).parent / "fixtures" / "main_layout"
SPACES = ("demo-space-web", "demo-space-mobile")
SINCE, UNTIL = dt.date(2026, 5, 25), dt.date(2026, 6, 30)
TARGETS = [
    sync.Target(endpoints.get("builder.space_metrics"), g, s)
    for g in ("day", "week")
    for s in SPACES
]
FOLDER = "builder.space_metrics"


def space_folders(root: Path) -> set[str]:
    return {p.name for p in (root / FOLDER).glob("granularity=*/scope=*")}


def state(store: Store) -> dict:
    """What a reader sees: rows (bookkeeping aside) and coverage of every target."""
    out = {}
    for t in TARGETS:
        rows = store.rows(t.dataset.key, t.granularity, scopes=[t.scope])
        out[(t.granularity, t.scope)] = (rows, store.held(t.dataset.key, t.granularity, t.scope))
    for g in ("day", "week"):  # every space at once (Explore's raw view of all spaces)
        rows = store.rows(FOLDER, g, scopes=None)
        columns = sorted(rows.columns)
        rows = rows[columns].sort_values(columns, ignore_index=True)
        out[(g, "every space")] = (rows, None)
    return out


def assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for key in want:
        rows, held = got[key]
        assert len(want[key][0]) > 0, key
        pd.testing.assert_frame_equal(rows, want[key][0], obj=str(key))
        assert held == want[key][1], key


@pytest.fixture
def main_store(tmp_path) -> Path:
    root = tmp_path / "history"
    shutil.copytree(MAIN_LAYOUT, root)
    return root


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """The same targets synced by today's code into an empty store."""
    root = tmp_path_factory.mktemp("packs") / "history"
    sync_into(Store(str(root)), TARGETS, SINCE, UNTIL, NOW)
    return root


def test_a_sync_leaves_one_file_per_month_holding_every_space(clean):
    assert space_folders(clean) == {"scope=spaces"}
    files = sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*.parquet"))
    assert files == [
        f"{FOLDER}/granularity={g}/scope=spaces/month={m}/data.parquet"
        for g in ("day", "week")
        for m in ("2026-05", "2026-06")
    ]
    spaces = pd.read_parquet(clean / FOLDER / "granularity=day")["_space"]
    assert set(spaces) == set(SPACES)


def test_a_store_written_by_main_is_read_as_it_is(main_store, clean):
    assert space_folders(main_store) == {f"scope={s}" for s in SPACES}
    assert_same(state(Store(str(main_store))), state(Store(str(clean))))


def test_the_next_writer_packs_a_store_written_by_main_and_loses_nothing(main_store, clean):
    store = Store(str(main_store))
    before = state(store)
    with Writer(store):
        pass
    assert space_folders(main_store) == {"scope=spaces"}
    assert_same(state(Store(str(main_store))), before)
    assert_same(state(Store(str(main_store))), state(Store(str(clean))))
    # and a sync of the same range then lacks nothing (only the unsettled tail is asked again)
    tasks = sync.plan(Store(str(main_store)), TARGETS, SINCE, UNTIL, now=NOW)
    assert [t.lacking for t in tasks] == [0] * len(tasks)


def test_a_compaction_killed_before_deleting_the_folded_files_reads_the_same(main_store, clean):
    """kill -9 between writing the pack and deleting the spaces' files: both hold the same
    rows, and a space's own file wins over the pack, so nothing is counted twice."""
    kept = {p: p.read_bytes() for p in main_store.rglob("*.parquet")}
    store = Store(str(main_store))
    compact(store)
    for path, data in kept.items():  # the deletions that did not happen
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    want = state(Store(str(clean)))
    assert_same(state(Store(str(main_store))), want)
    with Writer(Store(str(main_store))):
        pass
    assert space_folders(main_store) == {"scope=spaces"}
    assert_same(state(Store(str(main_store))), want)


def test_a_space_synced_again_after_packing_reads_its_new_rows_before_and_after_folding(
    clean, tmp_path
):
    """The next day's sync writes a space's own file from the pack's rows and the fetch; it
    wins over the pack until folded, and the folded pack holds what a clean run holds."""
    root = tmp_path / "history"
    shutil.copytree(clean, root)
    later = NOW + dt.timedelta(days=3)
    until = UNTIL + dt.timedelta(days=3)
    store = Store(str(root))
    assert sync.plan(store, TARGETS, SINCE, until, now=later)  # the new days, the tail
    sync_into(store, TARGETS, SINCE, until, later)
    assert space_folders(root) == {"scope=spaces"}
    reference = tmp_path / "reference"
    sync_into(Store(str(reference)), TARGETS, SINCE, until, later)
    assert_same(state(Store(str(root))), state(Store(str(reference))))


def test_a_damaged_pack_leaves_its_month_unknown_for_every_space_then_is_moved_aside(
    clean, tmp_path
):
    root = tmp_path / "history"
    shutil.copytree(clean, root)
    pack = root / FOLDER / "granularity=day" / "scope=spaces" / "month=2026-06" / "data.parquet"
    pack.write_bytes(b"not parquet")
    store = Store(str(root))
    for space in SPACES:
        unknown = store.unknown(FOLDER, "day", space, SINCE, UNTIL)
        assert unknown == [(dt.date(2026, 6, 1), dt.date(2026, 6, 30))], space
        rows = store.rows(FOLDER, "day", scopes=[space], start=SINCE, end=UNTIL)
        assert rows["period"].max() < pd.Timestamp("2026-06-01")
    # The next sync fetches June again (the ledger lacks it), and its writer moves the pack aside.
    sync_into(store, TARGETS, SINCE, UNTIL, NOW)
    assert list((root / "quarantine").rglob("data.parquet"))
    assert_same(state(Store(str(root))), state(Store(str(clean))))
