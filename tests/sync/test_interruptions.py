"""`python -m sync` as a process: killed with SIGKILL midway and run again, and two at once.

The command line reads the real clock, so these runs hold a range long past (every period
settled) from the sandbox server, whose last day with data is pinned."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import sync
from config.names import KEY_SETTINGS
from store import Store
from store.files import TEMP_SUFFIX

from .conftest import (
    PROJECT,
    all_targets,
    assert_same_store,
    cli_env,
    make_client_factory,
    no_temp_files,
    request_ranges,
    serve,
    start_cli,
    wait_for,
)

SINCE, UNTIL = dt.date(2026, 4, 1), dt.date(2026, 5, 31)
RANGE = ("--since", SINCE.isoformat(), "--until", UNTIL.isoformat())


def partitions(root: Path) -> int:
    return len(list(root.rglob("data.parquet")))


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def test_a_sync_killed_with_sigkill_midway_and_run_again_leaves_what_one_clean_run_leaves(
    tmp_path,
):
    killed_root, clean_root = tmp_path / "killed", tmp_path / "clean"
    with serve(latency=0.03) as served:
        clean = start_cli(served.url, clean_root, *RANGE)
        victim = start_cli(served.url, killed_root, *RANGE)
        try:
            wait_for(
                lambda: (
                    partitions(killed_root) >= 15
                    and partitions(killed_root / "firebender.model_requests") >= 3
                ),
                60,
                "partitions to be written",
            )
        finally:
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
        assert victim.returncode == -signal.SIGKILL
        status, out, err = finish(clean)
        assert status == 0, err
        chosen = all_targets(make_client_factory(served.url))
        store, reference = Store(str(killed_root)), Store(str(clean_root))
        assert partitions(killed_root) < partitions(clean_root)  # it was killed midway
        assert any(t.lacking for t in sync.plan(store, chosen, SINCE, UNTIL))
        # What a writer killed between writing a temporary file and renaming it leaves.
        folder = next(killed_root.rglob("data.parquet")).parent
        (folder / f".tmpk1ll3d{TEMP_SUFFIX}").write_bytes(b"half a parquet file")

        # Model requests are committed a day at a time: the rerun asks for none of those held.
        kept = {
            first + dt.timedelta(days=i)
            for first, last in store.held("firebender.model_requests", None)
            for i in range((last - first).days + 1)
        }
        served.sandbox.clear_requests()
        served.latency = 0
        status, out, err = finish(start_cli(served.url, killed_root, *RANGE))
        assert status == 0, err
        asked = {first for path, _, first, _ in request_ranges(served.log()) if "model" in path}
        assert kept and asked and not asked & kept
    assert_same_store(store, reference, chosen)
    assert partitions(killed_root) == partitions(clean_root)
    assert no_temp_files(killed_root) == []
    assert sync.plan(store, chosen, SINCE, UNTIL) == []  # every period held and settled


def test_a_second_sync_of_the_same_store_waits_then_exits_2_naming_the_running_one(tmp_path):
    root = tmp_path / "history"
    only = ("--only", "firebender.daily_usage")
    with serve(latency=4.0) as served:
        env = cli_env(served.url, root)
        for vendor in ("builder", "codefresh"):  # no metadata request before the lock
            env.pop(KEY_SETTINGS[vendor])
        env.pop("BUILDER_SPACES")
        command = [sys.executable, "-m", "sync", *RANGE, *only]
        kw = dict(cwd=PROJECT, env=env, text=True)
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
        lock = root / ".sync.lock"
        wait_for(
            lambda: lock.exists() and lock.read_text().startswith("pid"), 30, "the first's lock"
        )
        second = subprocess.run([*command, "--wait", "1"], capture_output=True, timeout=60, **kw)
        status, _, err = finish(first)
    assert second.returncode == 2
    assert f"another sync is writing {root}" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert "waited 1 s" in second.stderr
    assert status == 0, err  # the first was not disturbed
    assert Store(str(root)).held("firebender.daily_usage", "day") != []
