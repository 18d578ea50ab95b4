"""One real sign-in in Chromium: `st.login` against a mock OpenID Connect provider on loopback
(tests/browser/mock_oidc.py), configured through a secrets file's [auth] section as a deployment
would be. The admin signs in and gets the mapping editor; after signing out, a viewer signs in
and does not."""

from __future__ import annotations

import secrets

import pytest

from .conftest import ARTIFACTS, free_port, running_app
from .mock_oidc import running_provider
from .test_teams_in_browser import LONG, idle

pytest.importorskip("authlib", reason="st.login needs Authlib (requirements.txt)")

ADMIN, VIEWER = "boss@example.com", "viewer@example.com"


def sign_in(page, url: str, who: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {who}").wait_for(timeout=LONG)
    idle(page)


def test_sign_in_through_an_oidc_provider_as_admin_then_as_viewer(page, tmp_path):
    port = free_port()
    with running_provider(ADMIN) as (issuer, provider):
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(
            f'ADMIN_EMAILS = "{ADMIN}"\n'
            'ALLOWED_EMAIL_DOMAINS = "example.com"\n'
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(16)}"\n'
            'client_id = "ai-ci-test"\n'
            'client_secret = "test-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        )
        with running_app(
            port=port, APP_READ_SECRETS="1", STREAMLIT_SECRETS_FILES=str(secrets_file)
        ) as url:
            url = url.replace("127.0.0.1", "localhost")  # the redirect URI's host
            page.goto(url)
            page.get_by_role("button", name="Sign in").wait_for(timeout=LONG)
            assert page.get_by_role("heading", name="The answer").count() == 0  # nothing yet
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text(f"Signed in as {ADMIN} (admin).").wait_for(timeout=LONG)
            page.goto(f"{url}/teams")
            page.get_by_role("button", name="Save").wait_for(timeout=LONG)
            page.screenshot(path=str(ARTIFACTS / "sign-in-admin.png"))

            page.get_by_role("button", name="Sign out").click()
            page.get_by_role("button", name="Sign in").wait_for(timeout=LONG)
            provider["email"] = VIEWER
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text(f"Signed in as {VIEWER} (viewer).").wait_for(timeout=LONG)
            page.goto(f"{url}/teams")
            page.get_by_text("Only an admin can see and edit the teams mapping").wait_for(
                timeout=LONG
            )
            assert page.get_by_role("button", name="Save").count() == 0
            page.screenshot(path=str(ARTIFACTS / "sign-in-viewer.png"))
