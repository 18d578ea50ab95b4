"""Where keys come from, demo vs live, and that no key leaks out of a Source."""

from __future__ import annotations

import pytest

from config import settings as s
from ui import settings as session_settings

KEY = "sk-very-secret-1234"


def test_no_key_anywhere_is_demo():
    cfg = s.resolve({}, {}, {}, {})
    assert cfg.demo and cfg.mode == "demo"
    assert all(source.demo and not source.live for source in cfg.sources.values())
    assert all(source.fingerprint == "demo" for source in cfg.sources.values())


def test_a_key_makes_its_vendor_live_and_the_others_stay_on_demo_data():
    cfg = s.resolve({}, {"FIREBENDER_API_KEY": KEY}, {}, {})
    assert not cfg.demo and cfg.mode == "mixed"
    assert cfg["firebender"].live and cfg["firebender"].origin == s.ENVIRONMENT
    assert cfg["builder"].demo and cfg["codefresh"].demo
    assert "BUILDER_PRIVATE_KEY" in cfg["builder"].how_to_connect


@pytest.mark.parametrize(
    "session, environ, dotenv, secrets, origin",
    [
        (
            {"CODEFRESH_API_KEY": "a"},
            {"CODEFRESH_API_KEY": "b"},
            {"CODEFRESH_API_KEY": "c"},
            {"CODEFRESH_API_KEY": "d"},
            s.SESSION,
        ),
        (
            {},
            {"CODEFRESH_API_KEY": "b"},
            {"CODEFRESH_API_KEY": "c"},
            {"CODEFRESH_API_KEY": "d"},
            s.ENVIRONMENT,
        ),
        ({}, {}, {"CODEFRESH_API_KEY": "c"}, {"CODEFRESH_API_KEY": "d"}, s.DOTENV),
        ({}, {}, {}, {"CODEFRESH_API_KEY": "d"}, s.SECRETS),
        # Streamlit copies secrets into os.environ: the same value there still comes from secrets
        ({}, {"CODEFRESH_API_KEY": "d"}, {}, {"CODEFRESH_API_KEY": "d"}, s.SECRETS),
    ],
)
def test_lookup_order(session, environ, dotenv, secrets, origin):
    assert s.resolve(session, environ, dotenv, secrets)["codefresh"].origin == origin


def test_base_urls_and_builder_space_keys():
    cfg = s.resolve(
        {},
        {
            "BUILDER_SPACE_PRIVATE_KEY": KEY,
            "BUILDER_SPACE_PUBLIC_KEY": "pub",
            "BUILDER_BASE_URL": "http://127.0.0.1:9",
        },
        {},
        {},
    )
    builder = cfg["builder"]
    assert builder.live and builder.key is None and builder.origin == s.ENVIRONMENT
    assert builder.space_public_key == "pub" and builder.base_url == "http://127.0.0.1:9"
    assert builder.base_url_origin == s.ENVIRONMENT
    assert cfg["firebender"].base_url is None


def test_fingerprints_identify_keys_without_revealing_them():
    one = s.resolve({}, {"FIREBENDER_API_KEY": KEY}, {}, {})["firebender"]
    same = s.resolve({"FIREBENDER_API_KEY": KEY}, {}, {}, {})["firebender"]
    other = s.resolve({}, {"FIREBENDER_API_KEY": KEY + "x"}, {}, {})["firebender"]
    assert one.fingerprint == same.fingerprint != other.fingerprint
    assert KEY not in one.fingerprint and len(one.fingerprint) == 32
    assert KEY not in repr(one) and KEY not in repr(
        s.resolve({}, {"FIREBENDER_API_KEY": KEY}, {}, {})
    )


def test_price_per_credit():
    assert s.resolve({}, {"CODEFRESH_USD_PER_CREDIT": "0.05"}, {}, {}).usd_per_credit == 0.05
    bad = s.resolve({}, {"CODEFRESH_USD_PER_CREDIT": "cheap"}, {}, {})
    assert bad.usd_per_credit is None and "CODEFRESH_USD_PER_CREDIT" in bad.problems[0]
    assert s.resolve({}, {"CODEFRESH_USD_PER_CREDIT": "-1"}, {}, {}).usd_per_credit is None


def test_dotenv_is_read_without_touching_the_environment(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text(f"FIREBENDER_API_KEY={KEY}\nFIREBENDER_BASE_URL=http://x\n")
    monkeypatch.setenv("APP_DOTENV", str(env))
    monkeypatch.delenv("FIREBENDER_API_KEY", raising=False)
    assert s.read_dotenv() == {"FIREBENDER_API_KEY": KEY, "FIREBENDER_BASE_URL": "http://x"}
    import os

    assert "FIREBENDER_API_KEY" not in os.environ
    monkeypatch.setenv("APP_DOTENV", "")
    assert s.read_dotenv() == {}
    monkeypatch.setenv("APP_DOTENV", str(tmp_path / "missing.env"))
    assert s.read_dotenv() == {}


def test_secrets_can_be_switched_off_and_a_missing_file_is_fine(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_READ_SECRETS", "0")
    assert session_settings.read_secrets() == ({}, None)
    monkeypatch.setenv("APP_READ_SECRETS", "1")
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.setenv("HOME", str(tmp_path))
    found, problem = session_settings.read_secrets()
    assert problem is None and found == {}
