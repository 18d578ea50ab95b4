"""`python -m sync`'s arguments, its dry run, and its exit statuses (run in process)."""

from __future__ import annotations

import io
import re

import pytest

from config.names import HISTORY_DIR

from .conftest import _SETTING_NAMES, settings


@pytest.fixture
def cli(monkeypatch, tmp_path):
    """cli(url, *argv) -> (status, stdout, stderr), with the sandbox at `url` as every vendor
    (None: no key at all) and the store in tmp_path."""
    from sync.__main__ import main

    def run(url, *argv):
        for name in _SETTING_NAMES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("APP_DOTENV", "")
        monkeypatch.setenv(HISTORY_DIR, str(tmp_path / "history"))
        for name, value in (settings(url) if url else {}).items():
            monkeypatch.setenv(name, value)
        out, err = io.StringIO(), io.StringIO()
        status = main(list(argv), out, err)
        return status, out.getvalue(), err.getvalue()

    return run


def test_a_dry_run_sends_no_request_and_prints_each_datasets_range_and_requests(served, cli):
    status, out, err = cli(
        served.url, "--since", "2026-04-01", "--until", "2026-06-30", "--dry-run"
    )
    assert status == 0, err
    assert served.log() == []  # not even Codefresh's metadata
    lines = out.splitlines()
    assert lines[0].endswith("2026-04-01 - 2026-06-30, 30 task(s).")
    planned = {}
    for line in lines[1:31]:
        found = re.fullmatch(
            r"  (\S+) by (\S+)( \[\S+\])?: (\S+) - (\S+) \((.*)\), (\d+) request\(s\)", line
        )
        assert found, line
        key, g, scope, start, end, why, requests = found.groups()
        planned[(key, g, scope)] = (start, end, why, int(requests))
    # The window rules of each vendor, read from their documentation: 91 days are two
    # requests where 90 is the most, three where 45 is, thirteen 7-day model-request windows.
    assert planned[("builder.org_metrics", "day", None)] == (
        "2026-04-01",
        "2026-06-30",
        "91 day(s) lacking",
        2,
    )
    assert planned[("firebender.daily_usage", "day", None)][3] == 2
    assert planned[("firebender.model_requests", "request", None)][3] == 13
    assert planned[("codefresh.credit_consumption", "day", None)][3] == 3
    assert planned[("codefresh.active_committers", "month", None)] == (
        "2026-04-01",
        "2026-06-30",
        "3 month(s) lacking",
        1,
    )
    assert planned[("builder.space_metrics", "quarter", " [demo-space-web]")][2] == (
        "1 quarter(s) lacking"
    )
    total = sum(p[3] for p in planned.values())
    assert f"Dry run: {total} request(s) planned (pages may add more); nothing sent." in out
    assert "Codefresh reports beyond the catalogue's are found at run time." in out


def test_a_dry_run_of_one_dataset_lists_that_dataset_only(served, cli):
    argv = ["--since", "2026-06-01", "--until", "2026-06-30", "--dry-run"]
    status, out, _ = cli(served.url, *argv, "--only", "firebender.model_requests")
    assert status == 0 and served.log() == []
    tasks = [line for line in out.splitlines() if line.startswith("  ")]
    assert tasks == [
        "  firebender.model_requests by request: 2026-06-01 - 2026-06-30 "
        "(30 day(s) lacking), 5 request(s)"
    ]


def test_since_after_until_exits_2_saying_so(served, cli):
    status, out, err = cli(served.url, "--since", "2026-06-30", "--until", "2026-06-01")
    assert status == 2 and out == ""
    assert "--since 2026-06-30 is after --until 2026-06-01." in err
    assert served.log() == []


def test_an_unknown_only_exits_2_naming_it_and_the_known_datasets(served, cli):
    status, _, err = cli(served.url, "--only", "firebender.nosuch", "--only", "codefresh")
    assert status == 2
    assert err.startswith("unknown --only firebender.nosuch; known: ")
    assert "firebender.model_requests" in err and "codefresh" in err
    assert served.log() == []


def test_an_until_after_today_exits_2(served, cli):
    status, _, err = cli(served.url, "--until", "2999-01-01")
    assert status == 2 and "--until 2999-01-01 is after today" in err


def test_a_date_that_is_not_a_date_exits_2_naming_it(served, cli, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli(served.url, "--since", "2026-13-01")
    assert stopped.value.code == 2
    assert "'2026-13-01' is not a date (use YYYY-MM-DD)" in capsys.readouterr().err


def test_no_key_at_all_exits_2_naming_the_settings(cli):
    status, _, err = cli(None, "--dry-run")
    assert status == 2
    assert "no vendor key is set" in err and "FIREBENDER_API_KEY" in err and "--demo" in err
