"""A team name planted in the teams mapping is shown as text on every page that names it:
never a link, HTML or Markdown markup (it was a clickable link on five pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safe import text as safe_text

from .conftest import assert_ok, every_section, open_page, texts

EXAMPLE = Path(__file__).resolve().parents[2] / "teams.example.csv"
HOSTILE = "[Web](https://evil.example) <b>x</b> :red[y] $x$ www.evil.example ops@evil.example"
PAGES = ["pages/overview.py", "pages/firebender.py", "pages/codefresh.py", "pages/explore.py"]


@pytest.fixture
def hostile_mapping(tmp_path, monkeypatch):
    text = EXAMPLE.read_text().replace(",Web,", f',"{HOSTILE}",')
    path = tmp_path / "hostile-teams.csv"
    path.write_text(text)
    monkeypatch.setenv("TEAMS_FILE", str(path))
    return path


def _markdown_texts(at) -> list[str]:
    """The text of every element Streamlit renders as Markdown."""
    found = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "subheader"):
        found += [str(e.value) for e in at.get(kind)]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_a_planted_team_name_is_literal_text(hostile_mapping, page):
    at = open_page(page, query={"team": HOSTILE})
    assert_ok(at)
    texts = _markdown_texts(at)
    if page == "pages/overview.py":  # one tab drawn at a time, and the caveats when opened
        at.session_state["overview__about"] = True
        for _, shown in every_section(at):
            assert_ok(shown)
            texts += _markdown_texts(shown)
    naming = [t for t in texts if "evil" in t]
    assert naming, texts  # the page does name the team
    for text in naming:
        assert HOSTILE not in text, text  # never the raw name inside Markdown
        assert safe_text.markdown(HOSTILE, None) in text, text


def test_a_password_in_a_base_url_is_not_shown_on_connections(monkeypatch):
    monkeypatch.setenv("FIREBENDER_BASE_URL", "https://proxyuser:Pr0xyPassw0rd@proxy.example/fb")
    at = open_page("pages/connections.py")
    assert not at.exception
    shown = texts(at)
    assert "Pr0xyPassw0rd" not in shown and "proxyuser" not in shown
    assert "https://***@proxy.example/fb" in shown
