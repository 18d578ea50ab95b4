"""HISTORY_DIR that cannot be written (a file where the folder should be, a full disk) is exit
3 with a message saying what to do, never a traceback and exit 1."""

from __future__ import annotations

import io
import subprocess
import sys

from sync.__main__ import main

from .conftest import PROJECT

ARGS = ["--demo", "--since", "2026-11-01", "--until", "2026-11-20", "--only", "codefresh"]


def test_a_file_where_the_store_folder_should_be_is_exit_3(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_DOTENV", "")
    where = tmp_path / "history"
    where.write_text("not a folder")
    out, err = io.StringIO(), io.StringIO()
    assert main([*ARGS, "--store", str(where)], out, err) == 3
    said = err.getvalue()
    assert said.startswith("store: HISTORY_DIR cannot be written") and "point HISTORY_DIR" in said
    assert "Traceback" not in said


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # as a disk with 1 KiB left would
from sync.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_during_a_sync_is_exit_3_saying_so(tmp_path):
    # No bytecode written under the size limit: a cut .pyc would break later imports.
    env = {"APP_DOTENV": "", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, *ARGS, "--store", str(tmp_path / "history")],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert "store: HISTORY_DIR cannot be written" in done.stderr
    assert "the disk is full" in done.stderr and "Traceback" not in done.stderr
