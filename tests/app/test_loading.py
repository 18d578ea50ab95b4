"""Loading: cache keyed by credential fingerprint, Refresh, progress over windows."""

from __future__ import annotations

import datetime as dt
import re

import streamlit

from connectors.sandbox import keys

from .conftest import assert_ok, open_page, today


def vendor_requests(sandbox, vendor):
    return [r for r in sandbox.request_log() if r["vendor"] == vendor]


def test_reruns_read_the_store_and_sync_now_fetches_only_the_unsettled_tail(demo_sandbox):
    at = open_page("pages/codefresh.py")
    assert_ok(at)
    first = len(demo_sandbox.request_log())
    assert first > 0
    at.run()
    assert len(demo_sandbox.request_log()) == first  # the store holds it: nothing sent
    at.button(key="codefresh__refresh").click().run()
    assert_ok(at)
    again = demo_sandbox.request_log()[first:]
    # One request per stored dataset for its last few days, not the whole range again.
    assert 0 < len(again) < first
    for request in again:
        days = request["query"].get("dateRange", [])
        # Committers are asked for 3 whole months at least (the API's rule).
        back = 130 if request["path"].endswith("activeCommitters") else 10
        assert days and days[0] >= (today() - dt.timedelta(days=back)).isoformat(), request


def test_sessions_with_different_keys_never_share_data(live, monkeypatch):
    good = open_page("pages/codefresh.py")
    assert_ok(good)
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_LIMITED_KEY)
    live.clear_requests()
    other = open_page("pages/codefresh.py")
    # same endpoint, range and base URL, another key: its own requests, its own (refused) answer
    assert vendor_requests(live, "codefresh")
    assert any("Permission denied" in e.value for e in other.error)


def test_a_long_load_shows_its_windows(monkeypatch):
    seen: list[str] = []
    real = streamlit.progress

    class Bar:
        def __init__(self, bar):
            self.bar = bar

        def progress(self, value, text=None):
            seen.append(text)
            return self.bar.progress(value, text=text)

        def empty(self):
            return self.bar.empty()

    def progress(value, text=None, **kwargs):
        seen.append(text)
        return Bar(real(value, text=text, **kwargs))

    monkeypatch.setattr(streamlit, "progress", progress)
    start = today() - dt.timedelta(days=364)
    at = open_page(
        "pages/codefresh.py", query={"start": start.isoformat(), "end": today().isoformat()}
    )
    assert_ok(at)
    credit_steps = [t for t in seen if t and t.startswith("Syncing Codefresh credit consumption")]
    # A window per month (45 days at most per request), each committed as it arrives.
    done, total = re.fullmatch(
        r"Syncing Codefresh credit consumption: window (\d+) of (\d+)", credit_steps[-1]
    ).groups()
    assert done == total and int(total) >= 12
    assert not at.get("progress")  # gone when done
