"""The overview's month row does not run the anomaly detector (it cost a cold Overview a
quarter of its time): it counts the anomalies sync --alert stored, or those the Alerts page
judged from the same data in this process, and says when anomalies are not counted."""

from __future__ import annotations

import re

import pytest

from alerts import anomalies
from analytics import alerts_report as alerts_view
from connectors.sandbox import Sandbox, keys, running_server

from .conftest import open_page, texts

NOT_JUDGED = "(budgets; anomalies are judged on that page)"


@pytest.fixture(scope="module")
def planted():
    with running_server(Sandbox(scenario="anomalies", seed=0)) as url:
        yield url


@pytest.fixture
def detector_calls(monkeypatch):
    """How often the detector ran (it runs as it is; only counted)."""
    calls = []
    real = anomalies.evaluate

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(anomalies, "evaluate", counted)
    return calls


def label(at) -> str:
    text = texts(at)
    start = text.index("Alerts & budgets: ")
    return text[start : text.index('"', start)].replace("\\\\", "")


def test_the_overview_counts_anomalies_only_once_judged_and_never_runs_the_detector(
    monkeypatch, planted, detector_calls
):
    for vendor in ("FIREBENDER", "CODEFRESH"):
        monkeypatch.setenv(f"{vendor}_BASE_URL", planted)
    monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_KEY)
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_KEY)
    alerts_view._JUDGED.clear()

    cold = open_page("pages/overview.py")
    assert not cold.exception, [e.value for e in cold.exception]
    assert detector_calls == []
    assert re.fullmatch(r"Alerts & budgets: \d+ open alerts? " + re.escape(NOT_JUDGED), label(cold))

    judged = open_page("pages/alerts.py")
    assert not judged.exception and detector_calls != []
    ran = len(detector_calls)
    shown = [t for t in judged.dataframe if "times_usual" in t.value.columns]
    assert shown and len(shown[0].value) > 0  # the planted anomalies are open

    again = open_page("pages/overview.py")
    assert len(detector_calls) == ran  # the overview still did not run it
    found = re.fullmatch(r"Alerts & budgets: (\d+) open alerts?", label(again))
    assert found, label(again)
    count = int(found.group(1))
    assert count >= len(shown[0].value[shown[0].value["state"] != "resolved"])


def test_with_the_table_sync_alert_stored_the_overview_counts_its_anomalies(
    monkeypatch, planted, detector_calls
):
    import datetime as dt
    import io
    import os

    from connectors import ranges
    from store import Store
    from sync import alerting
    from tests.alerts.test_delivery import receiver

    values = {"FIREBENDER_API_KEY": keys.FIREBENDER_KEY, "CODEFRESH_API_KEY": keys.CODEFRESH_KEY}
    values |= {"FIREBENDER_BASE_URL": planted, "CODEFRESH_BASE_URL": planted}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    alerts_view._JUDGED.clear()
    first = open_page("pages/overview.py")  # the store gets the days the page shows
    assert label(first).endswith(NOT_JUDGED)
    # As cron does: sync the series --alert judges (the overview's month row reads only the
    # organisation's totals, so the page alone leaves the pipelines' days to sync).
    from sync.__main__ import main as sync_main

    since = (ranges.utc_today() - dt.timedelta(days=80)).isoformat()
    only = ["--only", "firebender.model_requests", "--only", "codefresh"]
    assert sync_main(["--since", since, *only], io.StringIO(), io.StringIO()) == 0
    with receiver((200, "ok")) as hook:
        values["ALERT_WEBHOOK_URL"] = f"{hook.url}/hook"
        store = Store(os.environ["HISTORY_DIR"])
        code = alerting.run(store, values, ranges.utc_today(), io.StringIO(), io.StringIO())
        assert code == 0 and len(hook.bodies) == 1
    stored = store.alerts()
    detector_calls.clear()

    at = open_page("pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    assert detector_calls == []
    found = re.fullmatch(r"Alerts & budgets: (\d+) open alerts?", label(at))
    assert found, label(at)
    open_anomalies = stored["resolved_on"].isna() & ~stored["kind"].isin(["budget", "digest"])
    assert int(found.group(1)) >= int(open_anomalies.sum())  # sync judged them, not the page
