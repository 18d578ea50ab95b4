"""A field the vendor's docs call optional missing from the answers, or a documented number sent
as null: sync stores the rows (the value unknown), says so in its summary on stdout, and its
exit status is unchanged (it used to say nothing: the rows read as 0 later)."""

from __future__ import annotations

import io

import pytest

from connectors.sandbox import FaultRule
from sync.__main__ import main

from .conftest import settings

ARGV = ["--since", "2026-06-20", "--until", "2026-06-30"]


def run_sync(served, tmp_path, monkeypatch, *only: str) -> tuple[int, str, str]:
    for name, value in settings(served.url).items():
        monkeypatch.setenv(name, value)
    out, err = io.StringIO(), io.StringIO()
    argv = [*ARGV, "--store", str(tmp_path / "h"), *(x for o in only for x in ("--only", o))]
    return main(argv, out, err), out.getvalue(), err.getvalue()


def test_a_clean_sync_warns_of_nothing(served, tmp_path, monkeypatch):
    status, out, _ = run_sync(served, tmp_path, monkeypatch, "firebender", "codefresh")
    assert status == 0 and "warning:" not in out


@pytest.mark.parametrize(
    ("fault", "dataset", "said"),
    [
        (
            "drift_optional",
            "firebender.model_requests",
            "warning: firebender.model_requests: `mode` (optional in Firebender's docs) missing "
            "or null in ",
        ),
        (
            "drift_nulls",
            "firebender.daily_usage",
            "warning: firebender.daily_usage: `agentPrompts` (a number Firebender documents) "
            "missing or null in ",
        ),
    ],
)
def test_a_missing_optional_field_or_a_null_number_is_a_warning_on_stdout(
    served, tmp_path, monkeypatch, fault, dataset, said
):
    served.sandbox.add_fault(FaultRule(fault, vendor="firebender"))
    status, out, err = run_sync(served, tmp_path, monkeypatch, dataset)
    assert status == 0, err  # the rows are stored; the exit status is unchanged
    (line,) = [line for line in out.splitlines() if said in line]
    assert "stored as unknown, never 0" in line
    missing, rows = line.split(" missing or null in ")[1].split(" row(s)")[0].split(" of ")
    assert 0 < int(missing.replace(",", "")) <= int(rows.replace(",", ""))
