"""Connections: status, where keys come from (never the keys), test buttons, session keys."""

from __future__ import annotations

from connectors.sandbox import keys

from .conftest import ALL_KEYS, assert_no_keys, assert_ok, open_page, texts


def click(at, key):
    at.button(key=key).click().run()
    return at


def test_demo_mode_status_and_tests():
    at = open_page("pages/connections.py")
    assert_ok(at)
    assert "demo data" in at.info[0].value
    for vendor in ("builder", "firebender", "codefresh"):
        click(at, f"test_{vendor}")
    assert_ok(at)
    verdicts = [s.value for s in at.success]
    assert len(verdicts) == 3 and all("answered in" in v for v in verdicts)
    assert_no_keys(at)


def test_live_mode_shows_origins_and_a_refused_key(live, monkeypatch):
    monkeypatch.setenv("FIREBENDER_API_KEY", keys.FIREBENDER_NO_ORG_KEY)
    at = open_page("pages/connections.py")
    assert_ok(at)
    shown = texts(at)
    assert "Key from: **environment**" in shown and "Base URL:" in shown
    click(at, "test_firebender")
    click(at, "test_codefresh")
    assert [e.value for e in at.error][0].startswith("Firebender (HTTP 403)")
    assert "Codefresh answered" in at.success[0].value
    assert_no_keys(at)


def test_a_key_typed_here_lives_in_this_session_only(server, monkeypatch):
    sandbox, url = server
    monkeypatch.setenv("CODEFRESH_BASE_URL", url)  # no key set: demo mode
    at = open_page("pages/connections.py")
    assert "Demo data" in texts(at)
    at.text_input(key="key_input_codefresh").input(keys.CODEFRESH_KEY)
    at.button(key="FormSubmitter:form_codefresh-Use this key").click().run()
    assert not at.exception
    assert at.text_input(key="key_input_codefresh").value == ""  # not sent back
    shown = texts(at)
    assert "Key from: **this browser session**" in shown
    # mixed mode: Codefresh has a key (not tested yet), the others stay on demo data
    assert ":gray-badge[:material/help: Codefresh: not tested]" in shown
    assert ":orange-badge[:material/science: Builder.io: demo data]" in shown
    assert "Builder.io is not connected" not in shown
    assert_no_keys(at)
    # the Codefresh page loads live data from the server
    sandbox.clear_requests()
    at.switch_page("pages/codefresh.py").run()
    assert_ok(at)
    assert ":blue-badge[:material/cloud_done: Codefresh: live]" in texts(at)
    assert {r["vendor"] for r in sandbox.request_log()} == {"codefresh"}
    assert_no_keys(at)
    # another browser session does not see it
    other = open_page("pages/connections.py")
    assert "Demo data" in texts(other) and "-badge[:material/help: Codefresh" not in texts(other)
    # forgetting it returns to demo mode
    at.switch_page("pages/connections.py").run()
    click(at, "forget_codefresh")
    assert "Demo data" in texts(at) and "-badge[:material/cloud_done: Codefresh" not in texts(at)


def test_keys_from_streamlit_secrets(monkeypatch, live):
    monkeypatch.delenv("CODEFRESH_API_KEY")
    monkeypatch.setenv("APP_READ_SECRETS", "1")
    at = open_page("pages/connections.py", secrets={"CODEFRESH_API_KEY": keys.CODEFRESH_KEY})
    assert_ok(at)
    assert "Key from: **Streamlit secrets**" in texts(at)
    assert_no_keys(at)


def test_keys_from_a_dotenv_file(monkeypatch, tmp_path, live):
    monkeypatch.delenv("FIREBENDER_API_KEY")
    env = tmp_path / "app.env"
    env.write_text(f"FIREBENDER_API_KEY={keys.FIREBENDER_KEY}\n")
    monkeypatch.setenv("APP_DOTENV", str(env))
    at = open_page("pages/connections.py")
    assert "Key from: **.env**" in texts(at)
    assert_no_keys(at)


def test_no_page_shows_a_key_even_in_error_messages(live, monkeypatch):
    monkeypatch.setenv("CODEFRESH_API_KEY", "sk-not-a-real-key-987654")
    at = open_page("pages/codefresh.py")
    assert not at.exception
    assert at.error and "sk-not-a-real-key-987654" not in texts(at)
    assert all(key not in texts(at) for key in ALL_KEYS)


def test_an_unreadable_secrets_file_is_reported_not_fatal(monkeypatch, tmp_path):
    import streamlit as st
    from streamlit.runtime.secrets import Secrets
    from streamlit.testing.v1.util import patch_config_options

    bad = tmp_path / "secrets.toml"
    bad.write_text('FIREBENDER_API_KEY = "unterminated\n')
    monkeypatch.setattr(st, "secrets", Secrets())
    monkeypatch.setenv("APP_READ_SECRETS", "1")
    with patch_config_options({"secrets.files": [str(bad)]}):
        at = open_page("pages/connections.py")
    assert not at.exception
    assert any("secrets file could not be read" in w.value for w in at.warning)
    assert "Demo data" in texts(at)


def test_a_codefresh_key_that_cannot_read_reports_fails_the_test(live, monkeypatch):
    monkeypatch.setenv("CODEFRESH_API_KEY", keys.CODEFRESH_LIMITED_KEY)
    at = click(open_page("pages/connections.py"), "test_codefresh")
    assert [e.value for e in at.error] and at.error[0].value.startswith("Codefresh (HTTP 403)")
    assert not at.success


def test_a_verdict_disappears_when_its_key_changes(server, monkeypatch):
    monkeypatch.setenv("CODEFRESH_BASE_URL", server[1])
    at = click(open_page("pages/connections.py"), "test_builder")
    click(at, "test_codefresh")
    assert len([s for s in at.success if "answered in" in s.value]) == 2  # demo mode
    at.text_input(key="key_input_codefresh").input(keys.CODEFRESH_KEY)
    [b for b in at.button if "Use this key" in b.label][-1].click().run()  # Codefresh's form
    # Codefresh now has a key (live, not tested): its demo verdict is stale. Builder.io still
    # shows demo data, so the verdict about it still holds.
    assert not [s for s in at.success if "Codefresh" in s.value]
    assert [s for s in at.success if "Builder.io answered" in s.value]
    assert ":gray-badge[:material/help: Not tested]" in texts(at)
