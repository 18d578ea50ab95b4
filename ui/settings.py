"""This browser session's settings: `config.settings.resolve` over the session's typed keys,
the environment, `.env` and `st.secrets` (the only Streamlit parts of settings)."""

from __future__ import annotations

import os
from dataclasses import replace

import streamlit as st

from config.names import SECRETS as SECRET_SETTINGS
from config.settings import (
    ALL_SETTINGS,
    KEY_SETTINGS,
    NOT_FROM_PAGE,
    SESSION_STATE_KEY,
    SPACE_PRIVATE_KEY,
    SPACE_PUBLIC_KEY,
    Settings,
    read_dotenv,
    resolve,
)

__all__ = ["KEY_SETTINGS", "SPACE_PRIVATE_KEY", "SPACE_PUBLIC_KEY", "current", "read_secrets"]


def read_secrets() -> tuple[dict[str, str], str | None]:
    """(the settings found in st.secrets, a problem to show or None). A missing secrets file is
    no problem; an unreadable one is reported, never raised."""
    if os.environ.get("APP_READ_SECRETS", "1") == "0":
        return {}, None
    try:
        found = {}
        for name in ALL_SETTINGS:
            if name in st.secrets:
                value = st.secrets[name]
                if isinstance(value, (str, int, float)) and str(value):
                    found[name] = str(value)
        return found, None
    except FileNotFoundError as err:  # StreamlitSecretNotFoundError: missing or unparseable
        text = str(err)
        if "parsing" in text.lower() or "invalid" in text.lower():
            return {}, "The Streamlit secrets file could not be read; its settings are ignored."
        return {}, None


def session_values() -> dict[str, str]:
    try:
        stored = st.session_state.get(SESSION_STATE_KEY) or {}
    except Exception:  # noqa: BLE001 - outside a Streamlit run there is no session state
        return {}
    return {k: v for k, v in stored.items() if v}


def current() -> Settings:
    """The settings for this run of this browser session."""
    secret_values, problem = read_secrets()
    found = resolve(
        session_values(), os.environ, read_dotenv(), secret_values, (problem,) if problem else ()
    )
    from ui import access  # imports this module

    if access.in_script_run() and not access.allowed("see people"):
        found = replace(found, pseudonymize=True)  # viewers see pseudonyms, never e-mails
    return found


def set_session_value(name: str, value: str | None) -> None:
    """Keep (or, with None/empty, forget) a setting for this browser session only."""
    if name not in (*SECRET_SETTINGS, SPACE_PUBLIC_KEY) or name in NOT_FROM_PAGE:
        raise ValueError(f"{name} cannot be set from the page")
    stored = dict(st.session_state.get(SESSION_STATE_KEY) or {})
    if value and value.strip():
        stored[name] = value.strip()
    else:
        stored.pop(name, None)
    st.session_state[SESSION_STATE_KEY] = stored
