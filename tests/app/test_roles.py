"""The boundary between viewers and admins, tested as each (AppTest's injected `st.user`, as
`st.login` would leave it): a viewer cannot save, sync, open per-person views, export people or
see an e-mail on any page; an admin can; sign-in is required when configured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from ui import loaders

from .conftest import APP, TIMEOUT, every_section, texts, today

ADMIN = "boss@example.com"
VIEWER = "viewer@example.com"
EMAIL = re.compile(r"[\w.+-]+@example\.com")
PEOPLE_DATASETS = {"firebender.daily_usage", "firebender.model_requests", "builder.org_users"}


def run(page: str, user: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if user is not None:
        at.user = dict(user)
    if query:
        at.query_params.update(query)
    at.switch_page(page)
    return at.run()


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "email_verified": True, "name": "Someone"}


@pytest.fixture
def sign_in(monkeypatch):
    """Sign-in required (as an [auth] section makes it), one admin, one allowed domain."""
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    monkeypatch.setenv("ADMIN_EMAILS", ADMIN)
    monkeypatch.setenv("ALLOWED_EMAIL_DOMAINS", "example.com")


@pytest.fixture
def network(monkeypatch):
    """Served on every interface without sign-in (a container, a shared host)."""
    original = config.get_option
    monkeypatch.setattr(
        config, "get_option", lambda key: "0.0.0.0" if key == "server.address" else original(key)
    )


def emails_shown(at: AppTest) -> set[str]:
    # the signed-in person's own address in the sidebar is theirs to see
    return set(EMAIL.findall(texts(at))) - {VIEWER, ADMIN}


def buttons(at: AppTest) -> dict:
    return {b.key: b for b in at.button}


# ---------------------------------------------------------------- sign-in


def test_nobody_signed_in_sees_only_the_sign_in_button(sign_in):
    at = run("pages/overview.py", {"is_logged_in": False})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.get("vega_lite_chart") and not at.metric
    assert emails_shown(at) == set()


def test_an_address_outside_the_allowed_domains_is_refused(sign_in):
    at = run("pages/overview.py", signed_in("someone@elsewhere.org"))
    assert "may not use this app" in at.error[0].value
    assert not at.dataframe and not at.metric


def test_an_unverified_email_is_refused(sign_in):
    at = run("pages/overview.py", {**signed_in(ADMIN), "email_verified": False})
    assert at.error and not at.metric


def test_auth_required_without_an_auth_section_stops_with_a_reason(monkeypatch):
    monkeypatch.setenv("AUTH_REQUIRED", "true")
    at = run("pages/overview.py")  # no injected login state: no [auth] either
    assert "has no `[auth]` section" in at.error[0].value
    assert not at.metric


# ---------------------------------------------------------------- viewer


def test_a_viewer_cannot_see_or_save_the_teams_mapping(sign_in):
    at = run("pages/teams.py", signed_in(VIEWER))
    assert not at.exception
    assert not at.data_editor  # the editor is not even sent
    assert "teams__save" not in buttons(at)
    assert any("Only an admin" in i.value for i in at.info)
    assert emails_shown(at) == set()
    assert f"Signed in as {VIEWER} (viewer)." in [c.value for c in at.sidebar.caption]


def test_a_viewer_cannot_save_the_budgets(sign_in):
    at = run("pages/alerts.py", signed_in(VIEWER))
    assert not at.exception
    assert "alerts__save" not in buttons(at) and not at.data_editor
    assert emails_shown(at) == set()


def test_a_viewer_pressing_sync_now_is_refused_on_the_server(sign_in):
    at = run("pages/codefresh.py", signed_in(VIEWER))
    sync = buttons(at)["codefresh__refresh"]
    assert sync.disabled
    # A client can send the click whatever the button shows (forged here by lifting the
    # disabled flag AppTest enforces): the server refuses it.
    sync.proto.disabled = False
    sync.click().run()
    assert loaders.SYNC_NOW_STATE not in at.session_state
    assert not at.exception


def test_a_viewer_sees_no_email_and_no_per_person_view_on_the_vendor_pages(sign_in):
    for page in ("pages/firebender.py", "pages/builder.py", "pages/overview.py"):
        at = run(page, signed_in(VIEWER))
        assert not at.exception, page
        assert emails_shown(at) == set(), page
        if page != "pages/overview.py":  # the overview has no per-person section
            assert any("per-person rows are for admins" in c.value for c in at.caption), page
    for section, shown in every_section(at):  # the overview's tabs, each drawn in turn
        assert not shown.exception and emails_shown(shown) == set(), section


def test_a_viewer_cannot_open_or_export_per_person_datasets(sign_in, downloads):
    at = run("pages/explore.py", signed_in(VIEWER))
    offered = set(at.selectbox(key="explore__dataset").options)
    labels = {"Firebender - daily usage", "Firebender - model requests", "Builder.io - users"}
    assert not any(label.lower() in o.lower() for o in offered for label in labels), offered
    # a link straight to one falls back to what the viewer may open
    at = run("pages/explore.py", signed_in(VIEWER), query={"dataset": "firebender.model_requests"})
    assert not at.exception
    assert at.selectbox(key="explore__dataset").value not in PEOPLE_DATASETS
    for name, make in downloads.items():
        assert not EMAIL.search(make().decode("utf-8", "replace")), name
    assert emails_shown(at) == set()


def test_on_the_network_without_sign_in_everyone_is_a_viewer(network):
    at = run("pages/teams.py")
    assert not at.data_editor and "teams__save" not in buttons(at)
    assert emails_shown(at) == set()
    assert "sign-in is not configured" in " ".join(c.value for c in at.sidebar.caption)


def test_live_data_on_the_network_without_sign_in_show_a_red_banner(network, live):
    for page in ("pages/overview.py", "pages/connections.py"):
        at = run(page)
        assert any("without sign-in" in e.value for e in at.error), page


def test_demo_data_on_the_network_show_no_banner(network):
    at = run("pages/overview.py")
    assert not any("without sign-in" in e.value for e in at.error)


# ---------------------------------------------------------------- admin


def test_an_admin_sees_the_editor_people_and_sync_now(sign_in):
    at = run("pages/teams.py", signed_in(ADMIN))
    assert at.data_editor and "teams__save" in buttons(at)
    assert f"Signed in as {ADMIN} (admin)." in [c.value for c in at.sidebar.caption]
    at = run("pages/firebender.py", signed_in(ADMIN))
    assert not buttons(at)["firebender__refresh"].disabled
    assert emails_shown(at)  # people by e-mail: admins see them


def test_the_local_user_of_a_loopback_server_is_an_admin():
    at = run("pages/teams.py")  # no sign-in configured, served on localhost (conftest)
    assert at.data_editor and "teams__save" in buttons(at)


def test_the_config_binds_to_localhost():
    config_toml = (Path(APP).parent / ".streamlit" / "config.toml").read_text()
    assert re.search(r'^address\s*=\s*"localhost"', config_toml, re.M)


# ---------------------------------------------------------------- what an admin's save keeps


@pytest.fixture
def commented_teams(tmp_path, monkeypatch):
    from connectors.sandbox.teams import demo_teams_csv

    path = tmp_path / "teams.csv"
    path.write_text("# Owned by the platform team; reviewed monthly\n" + demo_teams_csv())
    monkeypatch.setenv("TEAMS_FILE", str(path))
    return path


def _edit(at, key: str, **changes) -> None:
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **changes}


def test_saving_the_mapping_keeps_its_comment_lines(commented_teams):
    at = run("pages/teams.py")
    _edit(at, "teams__editor_0", edited_rows={1: {"team": "Web"}})
    at.run()
    at.button(key="teams__save").click().run()
    saved = commented_teams.read_text()
    assert "# Owned by the platform team; reviewed monthly" in saved
    assert "# Teams of the sandbox's demo organisation" in saved


def test_an_oversized_edit_is_refused_before_it_is_checked(commented_teams, monkeypatch):
    from teams import files

    monkeypatch.setattr(files, "MAX_EDITED_ROWS", 60)  # the cap itself, smaller: a fast test
    before = commented_teams.read_text()
    at = run("pages/teams.py")
    rows = [
        {"kind": "pipeline", "match": f"p{i}/*", "team": "Web", "valid_from": "", "valid_to": ""}
        for i in range(files.MAX_EDITED_ROWS + 1)
    ]
    _edit(at, "teams__editor_0", added_rows=rows)
    at.run()
    assert "at most 60 can be saved" in at.error[0].value.replace("\\", "")
    assert at.button(key="teams__save").disabled
    assert commented_teams.read_text() == before


def test_with_pseudonyms_a_guessed_email_is_refused_without_pointing_at_its_row(
    commented_teams, monkeypatch
):
    monkeypatch.setenv("PSEUDONYMIZE_PEOPLE", "true")
    at = run("pages/teams.py")
    guess = {
        "kind": "person",
        "match": "ben.carter@example.com",  # in the demo mapping, shown as a pseudonym
        "team": "Web",
        "valid_from": "",
        "valid_to": "",
    }
    _edit(at, "teams__editor_0", added_rows=[guess])
    at.run()
    refused = at.error[0].value.replace("\\", "")
    assert "already has a row" in refused
    assert "Mobile" not in refused and re.search(r"\(line \d+\)", refused) is None


# ---------------------------------------------------------------- the audit log


def test_exports_and_saves_are_in_the_audit_log_with_who_and_rows(sign_in, downloads):
    at = run("pages/explore.py", signed_in(ADMIN))
    [(name, make)] = [(n, f) for n, f in downloads.items() if n.endswith(".csv")][:1]
    make()
    at = run("pages/teams.py", signed_in(ADMIN))
    _edit(at, "teams__editor_0", edited_rows={1: {"team": "Web"}})
    at.run()
    at.button(key="teams__save").click().run()
    at = run("pages/connections.py", signed_in(ADMIN))
    [log] = [d.value for d in at.dataframe if "what" in d.value.columns]
    assert {"export csv", "save teams mapping"} <= set(log["what"])
    assert set(log["who"]) == {ADMIN}
    exported = log[log["what"] == "export csv"].iloc[0]
    assert exported["detail"] == name and exported["rows"] > 0
    # a viewer does not see it
    at = run("pages/connections.py", signed_in(VIEWER))
    assert not [d for d in at.dataframe if "what" in d.value.columns]


# ---------------------------------------------------------------- viewers do not grow the store


def _days_asked(sandbox) -> list[str]:
    return sorted(
        day
        for record in sandbox.requests
        for day in re.findall(r"\d{4}-\d{2}-\d{2}", f"{record.query} {record.json}")
    )


def test_a_viewers_old_range_is_served_from_the_store_not_fetched(sign_in, live):
    import datetime as dt

    from ui.loaders import VIEWER_FETCH_DAYS

    end = today()
    floor = (end - dt.timedelta(days=VIEWER_FETCH_DAYS)).replace(day=1).isoformat()
    query = {"start": "2024-01-01", "end": end.isoformat()}
    live.clear_requests()
    at = run("pages/codefresh.py", signed_in(VIEWER), query=query)
    assert not at.exception
    asked = _days_asked(live)
    assert asked and asked[0] >= floor, asked[:3]
    assert any("nothing is fetched for a viewer" in c.value for c in at.caption)
    # the same link opened by an admin does fetch the older days (the check above can fail)
    live.clear_requests()
    run("pages/codefresh.py", signed_in(ADMIN), query=query)
    assert _days_asked(live)[0] < floor


def test_a_viewer_after_an_admin_in_the_same_process_gets_no_cached_email(sign_in):
    """The caches are shared by every session of a server: an admin's warm cache (e-mails)
    must not serve a viewer."""
    for page in ("pages/firebender.py", "pages/teams.py", "pages/explore.py", "pages/overview.py"):
        admin = run(page, signed_in(ADMIN))
        assert not admin.exception, page
        viewer = run(page, signed_in(VIEWER))
        assert not viewer.exception, page
        assert emails_shown(viewer) == set(), page
    assert emails_shown(run("pages/firebender.py", signed_in(ADMIN)))  # the admin's still there


def test_saving_budgets_keeps_their_comment_lines(tmp_path, monkeypatch):
    path = tmp_path / "budgets.csv"
    path.write_text((Path(APP).parent / "budgets.example.csv").read_text())
    monkeypatch.setenv("BUDGETS_FILE", str(path))
    at = run("pages/alerts.py")
    _edit(at, "alerts__budgets_0", edited_rows={0: {"monthly_budget": "500"}})
    at.run()
    at.button(key="alerts__save").click().run()
    saved = path.read_text()
    assert "org,ai_spend_usd,500" in saved
    assert saved.startswith("# Monthly budgets: USD for ai_spend_usd")
    assert "# scope is org or a team of the teams mapping." in saved


def test_sync_now_fetches_once_per_ten_minutes_per_vendor_whoever_presses(live, sign_in):
    from ui import loaders as app_loaders

    app_loaders._sync_now_last.clear()
    first = run("pages/codefresh.py", signed_in(ADMIN))
    live.clear_requests()
    first.button(key="codefresh__refresh").click().run()
    assert not first.exception
    fetched = [r for r in live.requests if r.vendor == "codefresh"]
    assert fetched  # the tail was fetched again
    # another admin's session, a minute later: the press is answered from that sync
    second = run("pages/codefresh.py", {**signed_in(ADMIN), "email": ADMIN})
    live.clear_requests()
    second.button(key="codefresh__refresh").click().run()
    assert [r for r in live.requests if r.vendor == "codefresh"] == []
    assert any("synced now less than 10 minutes ago" in c.value for c in second.caption)
    log = run("pages/connections.py", signed_in(ADMIN))
    [events] = [d.value for d in log.dataframe if "what" in d.value.columns]
    assert (events["what"] == "sync now").sum() == 2  # both presses are audited
