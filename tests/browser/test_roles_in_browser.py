"""Viewers and admins in Chromium: the same Teams and Explore pages served on loopback (the
local user: an admin) and on every interface without sign-in (everyone: a viewer). A viewer's
browser receives no e-mail in any websocket frame, no mapping editor and no per-person dataset;
a team name planted in the mapping is never a link."""

from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, running_app
from .test_teams_in_browser import EMAIL, LONG, idle, open_teams, snap_whole

PER_PERSON = ("Firebender - daily usage", "Firebender - model requests", "Builder.io - users")
HOSTILE_TEAM = "[Web](https://evil.example/x) www.evil.example"


@pytest.fixture(scope="module")
def viewer_url():
    with running_app(address="0.0.0.0") as url:
        yield url


def received(page) -> list[bytes]:
    """Every websocket frame the browser receives from now on."""
    frames: list[bytes] = []

    def on_socket(socket):
        socket.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_socket)
    return frames


def dataset_options(page) -> list[str]:
    page.get_by_label("Dataset").first.click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def open_explore(page, url: str) -> None:
    page.goto(f"{url}/explore")
    page.get_by_role("heading", name="Explore & export").first.wait_for(timeout=LONG)
    idle(page)


def test_a_viewer_gets_no_editor_no_email_and_no_per_person_dataset(page, viewer_url):
    frames = received(page)
    open_teams(page, viewer_url)
    page.get_by_text("Only an admin can see and edit the teams mapping").wait_for(timeout=LONG)
    assert (
        page.locator("[data-testid='stDataFrame'] [data-testid='stDataFrameResizable']").count()
        >= 1
    )
    assert page.get_by_role("button", name="Save").count() == 0
    page.get_by_text("Not signed in: a viewer").wait_for()
    snap_whole(page, "roles-viewer-teams.png")
    open_explore(page, viewer_url)
    offered = dataset_options(page)
    assert offered and not any(name in o for o in offered for name in PER_PERSON), offered
    snap_whole(page, "roles-viewer-explore.png")
    page.goto(f"{viewer_url}/firebender")
    page.get_by_text("per-person rows are for admins").first.wait_for(timeout=LONG)
    idle(page)
    leaked = {m.group(0) for f in frames for m in EMAIL.finditer(f)}
    assert frames and not leaked, sorted(leaked)[:5]


def test_an_admin_gets_the_editor_and_every_dataset(page, app_url):
    open_teams(page, app_url)
    page.get_by_role("button", name="Save").wait_for(timeout=LONG)
    snap_whole(page, "roles-admin-teams.png")
    open_explore(page, app_url)
    offered = dataset_options(page)
    assert all(any(name in o for o in offered) for name in PER_PERSON), offered
    snap_whole(page, "roles-admin-explore.png")


def test_a_planted_team_name_is_never_a_link(page, tmp_path):
    from connectors.sandbox.teams import demo_teams_csv

    mapping = tmp_path / "teams.csv"
    mapping.write_text(demo_teams_csv().replace(",Web,", f',"{HOSTILE_TEAM}",'))
    with running_app(TEAMS_FILE=str(mapping)) as url:
        for path in ("firebender", "codefresh", "builder", "explore", ""):
            page.goto(f"{url}/{path}?team={re.sub(' ', '+', HOSTILE_TEAM)}")
            page.get_by_text("evil.example").first.wait_for(timeout=LONG)
            idle(page)
            links = page.locator("a[href*='evil.example']").count()
            assert links == 0, path or "overview"
        snap_whole(page, "roles-hostile-team-name.png")
    assert (ARTIFACTS / "roles-hostile-team-name.png").exists()
