"""A planted key never reaches a cache key, a log line or a file on disk, on any page."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.runtime.caching import hashing

from connectors.sandbox import keys

from .conftest import PAGES, open_page, texts

PLANTED = "planted-codefresh-secret-51d2e8"  # refused by the sandbox: error paths run too
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hashed(monkeypatch):
    """Every object Streamlit's cache hashes into a cache key, as text and as the bytes hashed."""
    seen: list[str] = []
    original = hashing._CacheFuncHasher.to_bytes

    def spy(self, obj):
        data = original(self, obj)
        seen.append(f"{obj!r}\n{data!r}")
        return data

    monkeypatch.setattr(hashing._CacheFuncHasher, "to_bytes", spy)
    return seen


@pytest.fixture
def planted(live, monkeypatch):
    monkeypatch.setenv("CODEFRESH_API_KEY", PLANTED)
    return [PLANTED, keys.BUILDER_ORG_KEY, keys.FIREBENDER_KEY]


@pytest.mark.parametrize("page", PAGES)
def test_keys_never_enter_cache_keys_or_logs(planted, hashed, caplog, page):
    caplog.set_level(logging.DEBUG)
    at = open_page(page)
    assert not at.exception
    assert hashed or page.endswith("connections.py"), "the page loaded through the cache"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in planted:
        assert not [h for h in hashed if secret in h], f"{secret} in a cache key"
        assert secret not in logged
        assert secret not in texts(at)


def test_keys_never_land_in_files(planted, tmp_path):
    for page in PAGES:
        assert not open_page(page).exception
    roots = [tmp_path, ROOT, Path.home() / ".streamlit"]
    skip = {".venv", ".git", "__pycache__", ".hypothesis"}
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if skip & set(path.parts) or not path.is_file() or path.stat().st_size > 5_000_000:
                continue
            data = path.read_bytes()
            found += [f"{path}: {s}" for s in planted if s.encode() in data]
    # The sandbox's own key list (connectors/sandbox/keys.py) and tests name the demo keys.
    allowed = (
        "connectors/sandbox/keys.py",
        "/tests/",
        "README.md",
        ".env.example",
        "secrets.toml.example",
    )
    assert not [f for f in found if not any(a in f for a in allowed)], found
