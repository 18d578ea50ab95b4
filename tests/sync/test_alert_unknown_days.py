"""`python -m sync --alert` judges only days the store can tell: a damaged history file's days
are unknown in the series (never 0), so no alert fires on them, none is judged quiet (an open
episode is not resolved by them), the month's "so far" over them is unknown, and the run's
notes name them. Against the sandbox's "anomalies" scenario over real HTTP."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pandas as pd
import pytest

from alerts import anomalies
from connectors.sandbox import Sandbox, keys
from connectors.sandbox.server import running_server
from store import Store
from sync import alerting

from .conftest import PROJECT

TODAY = dt.date(2026, 11, 13)  # the sandbox's last day; the sync holds through the day before
NOW = dt.datetime(2026, 11, 13, 7, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def synced(tmp_path_factory):
    store = tmp_path_factory.mktemp("alerts") / "store"
    with running_server(Sandbox(today=TODAY, scenario="anomalies", seed=0)) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ALERT_", "HISTORY"))}
        values = {
            "APP_DOTENV": "",
            "FIREBENDER_API_KEY": keys.FIREBENDER_KEY,
            "CODEFRESH_API_KEY": keys.CODEFRESH_KEY,
            "FIREBENDER_BASE_URL": url,
            "CODEFRESH_BASE_URL": url,
        }
        done = subprocess.run(
            [sys.executable, "-m", "sync", "--only", "firebender", "--only", "codefresh"]
            + ["--since", "2026-08-01", "--until", str(TODAY - dt.timedelta(days=1))]
            + ["--store", str(store)],
            env=env | values,
            capture_output=True,
            text=True,
            cwd=PROJECT,
            timeout=240,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return store, values


def damage(store, dataset: str, pattern: str) -> list[str]:
    """`dataset`'s daily partitions matching `pattern`, overwritten with junk."""
    found = [
        path
        for granularity in ("day", "none")
        for path in store.glob(f"{dataset}/granularity={granularity}/scope=org/{pattern}/*")
    ]
    assert found, sorted(str(p) for p in store.glob(f"{dataset}/*/*/*"))[:5]
    for path in found:
        path.write_bytes(b"PAR1 not really")
    return [str(p.relative_to(store)) for p in found]


def judged_in_november(frame: pd.DataFrame, kinds) -> pd.DataFrame:
    through = TODAY - dt.timedelta(days=2)
    judged = anomalies.evaluate(frame, dt.date(2026, 11, 1), through)
    november = judged[judged["kind"].isin(kinds)]
    return november[november["expected"].notna()]


def test_an_intact_store_judges_november(synced):
    store, _ = synced
    frame = alerting.read_series(Store(str(store)), dt.date(2026, 8, 1), TODAY, None, None)
    assert len(judged_in_november(frame, ["org_ai_spend_usd", "org_ci_credits"]))


@pytest.mark.parametrize(
    "dataset, pattern, hole, kinds, measure",
    [
        (
            "firebender.model_requests",
            "day=2026-11-05",
            ("2026-11-05", "2026-11-05"),
            ["org_ai_spend_usd", "person_ai_spend_usd"],
            "ai_spend_usd",
        ),
        (
            "codefresh.pipeline_credit_consumption",
            "month=2026-09",
            ("2026-09-01", "2026-09-30"),
            ["pipeline_ci_credits"],
            None,
        ),
        (
            "codefresh.credit_consumption",
            "month=2026-09",
            ("2026-09-01", "2026-09-30"),
            ["org_ci_credits"],
            None,
        ),
    ],
)
def test_days_of_a_damaged_file_are_unknown_not_judged_and_the_rest_is(
    synced, tmp_path, dataset, pattern, hole, kinds, measure
):
    source, values = synced
    copy = tmp_path / "store"
    subprocess.run(["cp", "-r", str(source), str(copy)], check=True)
    damage(copy, dataset, pattern)
    store = Store(str(copy))
    notes: list[str] = []
    frame = alerting.read_series(store, dt.date(2026, 8, 1), TODAY, None, None, notes)
    ours = frame[frame["kind"].isin(kinds)]
    inside = ours[(ours["day"] >= hole[0]) & (ours["day"] <= hole[1])]
    assert len(inside) and inside["value"].isna().all(), inside[inside["value"].notna()]
    judged = judged_in_november(frame, kinds)
    assert not (judged["day"].between(*hole)).any()  # neither an alert nor a quiet day
    # The days after the hole are judged against the history before it, as before.
    assert (judged["day"] > hole[1]).any(), judged
    assert any("not judged" in n for n in notes), notes

    outcome = alerting.evaluate(store, values, TODAY, NOW)
    assert any("is unreadable" in n and "not judged" in n for n in outcome.notes), outcome.notes
    if measure:
        (org,) = [p for p in outcome.projections if p["scope"] == "org" and p["measure"] == measure]
        assert org["actual"] is None, org  # the month so far: unknown, not the known part
