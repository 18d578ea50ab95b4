"""A local store lists its files with os.scandir; what it lists must be what fsspec's `find`
(used for S3, and locally before) lists."""

from __future__ import annotations

import os

import pytest

from store.files import Root


@pytest.fixture
def root(tmp_path):
    files = {
        "a.x/granularity=day/scope=org/month=2026-01/part.parquet": b"12345",
        "a.x/granularity=day/scope=org/month=2026-02/part.parquet": b"1",
        "a.x/granularity=day/scope=org/month=2026-02/.part.parquet.tmp": b"half",
        "a.x/notes.txt": b"not a partition",
        "b.y/scope=team/part.parquet": b"22",
        "alerts/state.parquet": b"333",
    }
    for path, data in files.items():
        target = tmp_path / "store" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (tmp_path / "store" / "a.x" / "empty.parquet").mkdir()  # a folder named like a file
    made = Root(str(tmp_path / "store"))
    assert made.local
    return made


def through_fsspec(root: Root) -> Root:
    other = Root(root.url)
    other.local = False  # Root.list then asks fsspec, as it does for S3
    return other


@pytest.mark.parametrize(
    "prefix", ["", "a.x", "a.x/granularity=day/scope=org", "b.y", "missing", "alerts/state.parquet"]
)
def test_a_local_listing_is_what_fsspec_finds(root, prefix):
    mine = root.list(prefix)
    assert mine == through_fsspec(root).list(prefix)
    if prefix in ("", "a.x"):
        assert [e.path for e in mine if e.path.startswith("a.x")] == [
            "a.x/granularity=day/scope=org/month=2026-01/part.parquet",
            "a.x/granularity=day/scope=org/month=2026-02/part.parquet",
        ]
    if prefix == "a.x":
        assert [e.size for e in mine] == [5, 1]


def test_a_replaced_file_changes_its_entry(root):
    path = "b.y/scope=team/part.parquet"
    (before,) = root.list("b.y")
    target = os.path.join(root.base, path)
    with open(target, "wb") as handle:
        handle.write(b"longer now")
    os.utime(target, ns=(1, 1))
    (after,) = root.list("b.y")
    assert after.path == before.path
    assert (after.size, after.stamp) != (before.size, before.stamp)
    assert after == through_fsspec(root).list("b.y")[0]


# --- one listing per page run ---------------------------------------------------------------


def in_a_page_run(check):
    """`check()` in a context of its own (as each Streamlit script thread has), after the app's
    first call; the test's own context never lists through the memo."""
    import contextvars

    from store import files

    def run():
        files.one_listing_per_run()
        return check()

    return contextvars.copy_context().run(run)


def drop_in(root: Root, path: str) -> None:
    """A file written by another process (not through this process's Root)."""
    target = os.path.join(root.base, path)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as handle:
        handle.write(b"other")


def test_outside_a_page_run_every_listing_is_fresh(root):
    before = len(root.list("a.x"))
    drop_in(root, "a.x/granularity=day/scope=org/month=2026-03/part.parquet")
    assert len(root.list("a.x")) == before + 1


def test_in_a_page_run_a_folder_is_listed_once_and_the_next_run_sees_other_writers(root):
    from store import files

    def check():
        first = root.list("a.x")
        drop_in(root, "a.x/granularity=day/scope=org/month=2026-03/part.parquet")
        assert root.list("a.x") == first  # the run's listing
        files.one_listing_per_run()  # the next run
        assert len(root.list("a.x")) == len(first) + 1

    in_a_page_run(check)


def test_a_write_through_this_process_is_listed_at_once_in_the_same_run(root):
    def check():
        first = root.list("b.y")
        Root(root.url).write("b.y/scope=web/part.parquet", b"new")  # another Root, same store
        assert [e.path for e in root.list("b.y")] == sorted(
            [e.path for e in first] + ["b.y/scope=web/part.parquet"]
        )

    in_a_page_run(check)


@pytest.mark.parametrize(
    "prefix", ["a.x/granularity=day/scope=org", "b.y/scope=team", "alerts/state.parquet", "nope"]
)
def test_a_folder_below_one_listed_in_the_run_lists_what_a_fresh_listing_does(root, prefix):
    fresh = root.list(prefix)

    def check():
        root.list("")  # the whole store, listed first in the run
        if not os.path.isfile(os.path.join(root.base, prefix)):
            drop_in(root, f"{prefix}/late.parquet")  # unseen in this run: filtered, not listed
        return root.list(prefix)

    assert in_a_page_run(check) == fresh
    if prefix == "alerts/state.parquet":
        assert [e.path for e in fresh] == [prefix]


def test_runs_in_other_threads_do_not_share_listings(root):
    import threading

    seen = {}

    def page(name):
        seen[name] = in_a_page_run(lambda: root.list("a.x"))

    in_a_page_run(lambda: root.list("a.x"))
    drop_in(root, "a.x/granularity=day/scope=org/month=2026-04/part.parquet")
    other = threading.Thread(target=page, args=("other",))
    other.start()
    other.join()
    assert "a.x/granularity=day/scope=org/month=2026-04/part.parquet" in {
        e.path for e in seen["other"]
    }
