"""A viewer's page load waiting on a slow vendor never holds the store's writer lock: cron's
`python -m sync` can write meanwhile (it used to exit 2, "another sync is writing")."""

from __future__ import annotations

import threading
import time

from connectors.sandbox import FaultRule
from store import Store
from store.writer import Writer

from .conftest import assert_ok, open_page


def test_a_page_waiting_on_a_slow_vendor_leaves_the_store_free_for_cron(live, tmp_path):
    live.add_fault(FaultRule(kind="slow", vendor="codefresh", seconds=3.0))
    live.clear_requests()
    pages = []
    loading = threading.Thread(target=lambda: pages.append(open_page("pages/codefresh.py")))
    loading.start()
    deadline = time.monotonic() + 30
    while not any(r["vendor"] == "codefresh" for r in live.request_log()):
        assert time.monotonic() < deadline, "the page never asked Codefresh"
        time.sleep(0.05)
    time.sleep(0.3)  # the page is now waiting on Codefresh's slow answer
    with Writer(Store(str(tmp_path / "history")), wait=0.5):  # cron's sync, in effect
        took_the_lock_while_the_page_waited = loading.is_alive()
    live.clear_faults()
    loading.join(timeout=120)
    assert took_the_lock_while_the_page_waited
    assert_ok(pages[0])
