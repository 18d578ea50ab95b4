"""A planted key never reaches the browser: not in any page's HTML, nor in any websocket message
the server sends, whether the vendor accepts the key or refuses it."""

from __future__ import annotations

import re

import pytest

from connectors.sandbox import Sandbox, keys, running_server

from .conftest import running_app

PLANTED = "planted-firebender-secret-7f3a9c"  # refused by the sandbox: the error path
# Link -> the page's title, to know the click has landed before reading the page.
PAGES = {
    "Overview": "AI adoption vs CI credits",
    "Builder": "Builder.io Fusion",
    "Firebender": "Firebender",
    "Codefresh": "Codefresh CI",
    "Explore & export": "Explore & export",
    "Connections": "Connections",
}


@pytest.fixture(scope="module")
def live_app_url():
    with running_server(Sandbox()) as api:
        with running_app(
            BUILDER_BASE_URL=api,
            FIREBENDER_BASE_URL=api,
            CODEFRESH_BASE_URL=api,
            BUILDER_PRIVATE_KEY=keys.BUILDER_ORG_KEY,
            FIREBENDER_API_KEY=PLANTED,
            CODEFRESH_API_KEY=keys.CODEFRESH_KEY,
        ) as url:
            yield url


def test_keys_never_reach_the_browser(browser, live_app_url):
    secrets = [PLANTED, keys.BUILDER_ORG_KEY, keys.CODEFRESH_KEY]
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    received: list[bytes] = []

    def watch(ws):
        ws.on(
            "framereceived",
            lambda payload: received.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", watch)
    html = []
    page.goto(live_app_url)
    for name, title in PAGES.items():
        page.get_by_role("link", name=name).first.click()
        page.get_by_role("heading", name=title, exact=True).first.wait_for()
        page.wait_for_load_state("networkidle")
        page.get_by_text(re.compile(r"Codefresh: (live|not tested)")).first.wait_for()
        if name == "Firebender":
            page.get_by_text("the key was refused").first.wait_for()
        page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')")
        html.append(page.content())
        if name == "Firebender":
            assert "the key was refused" in page.content()  # the error path was taken
    context.close()
    assert len(received) > 20 and all(html)
    assert any(b"the key was refused" in f for f in received)  # the search would see a key
    for secret in secrets:
        assert not [h for h in html if secret in h], secret
        assert not [f for f in received if secret.encode() in f], secret
