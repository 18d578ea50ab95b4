"""A live vendor is "Live" only after it answered a request with the key, "Refused" (with the
vendor's reason) after it refused one, and "Not tested" until then. Against the sandbox server."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from config import settings as app_settings
from connectors.sandbox import keys

from .conftest import assert_no_keys, assert_ok, open_page
from .test_mixed_mode import badges

NAMES = {"builder": "Builder.io", "firebender": "Firebender", "codefresh": "Codefresh"}


def card(at, vendor: str):
    """The Connections page's column for one vendor."""
    (column,) = [c for c in at.columns if c.subheader and c.subheader[0].value == NAMES[vendor]]
    return column


def card_badges(at, vendor: str) -> list[tuple[str, str]]:
    return badges(card(at, vendor))


def card_text(at, vendor: str) -> str:
    """Everything one vendor's column shows, as text."""
    found = []

    def walk(node):
        if getattr(node, "proto", None) is not None:
            found.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(card(at, vendor))
    return "\n".join(found)


@pytest.fixture
def keyed(monkeypatch, server):
    """Every vendor's base URL points at the sandbox server; no key is set yet. Returns a
    function that sets one vendor's key in the environment."""
    sandbox, url = server
    sandbox.clear_faults()
    sandbox.clear_requests()
    for vendor in ("BUILDER", "FIREBENDER", "CODEFRESH"):
        monkeypatch.setenv(f"{vendor}_BASE_URL", url)

    def set_key(vendor: str, key: str) -> None:
        monkeypatch.setenv(app_settings.KEY_SETTINGS[vendor], key)

    yield set_key
    sandbox.clear_faults()


def test_a_key_is_not_tested_until_the_vendor_answers_a_test(keyed):
    keyed("codefresh", keys.CODEFRESH_KEY)
    at = open_page("pages/connections.py")
    assert_ok(at)
    assert card_badges(at, "codefresh") == [("gray", "Not tested")]
    assert card_badges(at, "builder") == [("orange", "Demo data")]
    assert "Live" not in card_text(at, "codefresh")
    at.button(key="test_codefresh").click().run()
    assert_ok(at)
    assert card_badges(at, "codefresh") == [("blue", "Live")]
    assert "Codefresh answered" in card(at, "codefresh").success[0].value
    assert_no_keys(at)


def test_a_load_in_this_session_connects_the_key(keyed):
    keyed("firebender", keys.FIREBENDER_KEY)
    at = open_page("pages/firebender.py")
    assert_ok(at)
    at.switch_page("pages/connections.py").run()
    assert card_badges(at, "firebender") == [("blue", "Live")]
    assert "answered a load with this key" in card_text(at, "firebender")
    assert not at.button(key="test_firebender").value  # no test was needed


def test_a_cached_load_counts_as_an_answer(keyed, server):
    keyed("firebender", keys.FIREBENDER_KEY)
    assert_ok(open_page("pages/firebender.py"))  # another session fills the cache
    sent = len(server[0].request_log())
    at = open_page("pages/firebender.py")  # this session: served from the cache
    assert_ok(at)
    assert len(server[0].request_log()) == sent
    at.switch_page("pages/connections.py").run()
    assert card_badges(at, "firebender") == [("blue", "Live")]


def test_a_refused_test_is_red_with_the_reason_and_never_connected(keyed):
    keyed("firebender", keys.FIREBENDER_NO_ORG_KEY)
    at = open_page("pages/connections.py")
    assert card_badges(at, "firebender") == [("gray", "Not tested")]
    at.button(key="test_firebender").click().run()
    assert not at.exception
    assert card_badges(at, "firebender") == [("red", "Refused")]
    reason = [e.value for e in card(at, "firebender").error]
    assert reason and reason[0].startswith("Firebender (HTTP 403)")
    assert "not part of an organization" in reason[0]
    assert ("blue", "Live") not in badges(at)
    # every page's header says so too
    assert ("red", "Firebender: refused") in badges(at)
    at.switch_page("pages/codefresh.py").run()
    assert ("red", "Firebender: refused") in badges(at)
    assert_no_keys(at)


def test_a_refused_load_is_refused_and_a_later_answer_does_not_hide_it(keyed):
    keyed("codefresh", keys.CODEFRESH_LIMITED_KEY)  # may list reports, not read them
    at = open_page("pages/codefresh.py")
    assert any(e.value.startswith("Codefresh (HTTP 403)") for e in at.error)
    at.switch_page("pages/connections.py").run()
    assert card_badges(at, "codefresh") == [("red", "Refused")]
    assert "Permission denied" in card(at, "codefresh").error[0].value
    # the report list answers this key, but the refusal stays until a test decides again
    at.switch_page("pages/explore.py")
    at.query_params["dataset"] = "codefresh.metadata"
    at.run()
    assert_ok(at)
    at.switch_page("pages/connections.py").run()
    assert card_badges(at, "codefresh") == [("red", "Refused")]
    assert ("red", "Codefresh: refused") in badges(at)


def test_a_verdict_belongs_to_its_key(keyed):
    keyed("codefresh", keys.CODEFRESH_KEY)
    at = open_page("pages/connections.py")
    at.button(key="test_codefresh").click().run()
    assert card_badges(at, "codefresh") == [("blue", "Live")]
    # another key typed here: nothing is known about it, and the old verdict is hidden
    at.text_input(key="key_input_codefresh").input(keys.CODEFRESH_LIMITED_KEY)
    at.button(key="FormSubmitter:form_codefresh-Use this key").click().run()
    assert card_badges(at, "codefresh") == [("gray", "Not tested")]
    assert not card(at, "codefresh").success and not card(at, "codefresh").error
    at.button(key="test_codefresh").click().run()
    assert card_badges(at, "codefresh") == [("red", "Refused")]
    # back to the environment's key: what the vendor said about it comes back
    at.button(key="forget_codefresh").click().run()
    assert card_badges(at, "codefresh") == [("blue", "Live")]
    assert_no_keys(at)


def _status_script():
    import streamlit as st

    from config import settings
    from ui import status

    cfg = settings.resolve({}, {"CODEFRESH_API_KEY": "sk-status-test-1"}, {}, {})
    source = cfg["codefresh"]
    steps = []

    def note():
        steps.append(status.state(source))

    note()
    status.record_load(source)  # a load answered
    note()
    status.record(source, False, "refused by a test", by_test=True)
    note()
    status.record_load(source)  # one endpoint answering does not clear a refusal
    note()
    status.record(source, True, "answered a test", by_test=True)  # a test decides again
    note()
    status.record(cfg["builder"], True, "demo")  # demo sources keep nothing
    steps.append(status.state(cfg["builder"]))
    st.session_state["steps"] = steps
    st.session_state["stored"] = repr(st.session_state[status.STATE_KEY])


def test_which_outcome_wins():
    at = AppTest.from_function(_status_script).run()
    assert not at.exception
    assert at.session_state["steps"] == [
        "Not tested",
        "Live",
        "Refused",
        "Refused",
        "Live",
        "Demo data",
    ]
    stored = at.session_state["stored"]
    assert "codefresh|" in stored and "builder" not in stored
    assert "sk-status-test-1" not in stored  # the fingerprint, never the key
