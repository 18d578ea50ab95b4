"""The weekly digest's answer is the Overview's, by construction: `sync.digest.verdict` calls
the overview's own report (analytics.overview_report) through a reader of the store, so on one store
the e-mailed sentence and the one on screen are the same text."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from config.settings import resolve
from sync import digest
from sync import on_demand as history

from .conftest import APP, TIMEOUT, today

SHOWN = re.compile(r"^:material/\w+: \*\*(?P<opening>[^*]+)\*\*(?P<rest>.*)$", re.S)


def screen_answer(at: AppTest) -> str:
    found = []
    for m in at.markdown:
        match = SHOWN.match(m.value)
        if match and match["opening"].startswith(("Evidence", "No clear", "Not enough")):
            found.append(match["opening"] + match["rest"])
    assert len(found) == 1, [m.value[:60] for m in at.markdown]
    return found[0]


def test_the_digest_sends_the_sentence_the_overview_shows_on_the_same_store():
    at = AppTest.from_file(str(APP.parent / "pages/overview.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    on_screen = screen_answer(at)
    # The store the page just filled (demo data: the demo's own store), read as it is.
    store = history.shelf(resolve({}, {}, {}, {}).sources["firebender"]).store
    emailed = digest.verdict(store, today(), None)
    assert emailed == on_screen
    assert emailed.startswith(("Evidence of", "No clear evidence"))  # the model ran


def test_the_digest_changes_with_the_store_it_reads(tmp_path):
    """Not a constant: an empty store gives 'Not enough data' where the demo's gives a result."""
    from store import Store

    empty = digest.verdict(Store(str(tmp_path / "empty")), today(), None)
    assert empty is not None and empty.startswith("Not enough data to answer yet")
