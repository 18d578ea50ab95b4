"""Credentials and mode: which key each vendor uses, where it came from, and demo vs live.

One name per setting, looked up in this order (the first that has a value wins):

1. this browser session  - a key typed into the Connections page (kept in session state only)
2. environment           - the process environment
3. .env                  - `<project>/.env`, read with python-dotenv (never written to os.environ)
4. Streamlit secrets     - `st.secrets` (Community Cloud, `.streamlit/secrets.toml`)

Streamlit copies top-level secrets into os.environ; a variable whose value equals the secret of
the same name is reported as coming from "Streamlit secrets".

A vendor without a key runs on the sandbox's demo data; a vendor with one is live. The mode says
which: "demo" (no key at all), "live" (every vendor has a key) or "mixed". Keys never appear in a
repr, a message or the page: only `origin` and a salted `fingerprint` leave this module.

Two environment variables make tests hermetic: `APP_DOTENV` (path of the .env file to read; empty
to read none) and `APP_READ_SECRETS=0` (never touch st.secrets).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets as _random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from config.names import (
    ADMIN_EMAILS,
    ALERT_SMTP_PASSWORD,
    ALERT_WEBHOOK_URL,
    ALLOWED_EMAIL_DOMAINS,
    AUTH_REQUIRED,
    BASE_URL_SETTINGS,
    BUDGETS_FILE,
    HISTORY_DIR,
    KEY_SETTINGS,
    PRIVACY_MIN_GROUP,
    PSEUDONYM_SALT,
    PSEUDONYMIZE_PEOPLE,
    SPACE_PRIVATE_KEY,
    SPACE_PUBLIC_KEY,
    SPACES,
    TEAMS_FILE,
    VENDOR_NAMES,
    VENDORS,
)
from config.names import PRICE as PRICE_SETTING
from teams import privacy
from teams.privacy import DEFAULT_MIN_GROUP

ALL_SETTINGS = (
    *KEY_SETTINGS.values(),
    SPACE_PUBLIC_KEY,
    SPACE_PRIVATE_KEY,
    SPACES,
    *BASE_URL_SETTINGS.values(),
    PRICE_SETTING,
    HISTORY_DIR,
    TEAMS_FILE,
    PRIVACY_MIN_GROUP,
    PSEUDONYMIZE_PEOPLE,
    PSEUDONYM_SALT,
    BUDGETS_FILE,
    AUTH_REQUIRED,
    ALLOWED_EMAIL_DOMAINS,
    ADMIN_EMAILS,
)

SESSION = "this browser session"
ENVIRONMENT = "environment"
DOTENV = ".env"
SECRETS = "Streamlit secrets"

# Where a typed-in key lives: st.session_state[SESSION_STATE_KEY][setting name] = value.
SESSION_STATE_KEY = "_session_credentials"
PROJECT_DIR = Path(__file__).resolve().parents[1]
# The history store when HISTORY_DIR is not set (app and `python -m sync` alike).
DEFAULT_STORE = ".history"
# A per-process salt: fingerprints identify a key inside this process's cache and nowhere else.
_SALT = _random.token_bytes(32)

# How to connect, per vendor (shown where a vendor has no key and runs on demo data).
HOW_TO_CONNECT = {
    "builder": "set BUILDER_PRIVATE_KEY (an organization private key from Builder's organization "
    "settings; optionally BUILDER_SPACES, the spaces' public:private key pairs, for space "
    "metrics)",
    "firebender": "set FIREBENDER_API_KEY (Settings -> API Keys in Firebender)",
    "codefresh": "set CODEFRESH_API_KEY (User Settings -> API keys in Codefresh, with Analytics "
    "access)",
}


def parse_spaces(text: str | None) -> tuple[tuple[str, str | None], ...]:
    """ "pub1:priv1, pub2" -> (("pub1", "priv1"), ("pub2", None)); blanks ignored."""
    out = []
    for item in (text or "").split(","):
        public, _, private = item.strip().partition(":")
        if public.strip():
            out.append((public.strip(), private.strip() or None))
    return tuple(out)


def fingerprint(*secret_parts: str | None) -> str:
    """A salted HMAC of the secret material: equal keys give equal fingerprints in this process,
    and the key cannot be read back from it."""
    material = "\x1f".join(part or "" for part in secret_parts).encode()
    return hmac.new(_SALT, material, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Source:
    """Where one vendor's data comes from. `key` and `space_private_key` never leave this object
    except to build a client."""

    vendor: str
    key: str | None = field(default=None, repr=False)
    origin: str | None = None  # where the key came from; None: no key
    base_url: str | None = None  # None: the connector's default host
    base_url_origin: str | None = None
    space_public_key: str | None = None  # not a secret (Builder calls it public)
    space_private_key: str | None = field(default=None, repr=False)
    space_private_origin: str | None = None
    demo: bool = False  # no key: the sandbox's demo data, through the real connector
    # Builder.io spaces from BUILDER_SPACES: (public key, private key or None: the org key).
    spaces: tuple[tuple[str, str | None], ...] = field(default=(), repr=False)
    history_dir: str | None = None  # HISTORY_DIR (the same for every vendor)

    @property
    def name(self) -> str:
        return VENDOR_NAMES[self.vendor]

    @property
    def live(self) -> bool:
        """Has a key: loads go to the vendor (or its configured base URL)."""
        return not self.demo and bool(
            self.key or self.space_private_key or any(p for _, p in self.spaces)
        )

    @property
    def fingerprint(self) -> str:
        if self.demo:
            return "demo"
        return fingerprint(
            self.vendor, self.key, self.space_private_key, *(p or "" for _, p in self.spaces)
        )

    @property
    def space_keys(self) -> list[str]:
        """Every Builder.io space this source reads: BUILDER_SPACES, then the single
        BUILDER_SPACE_PUBLIC_KEY."""
        keys = [public for public, _ in self.spaces]
        if self.space_public_key and self.space_public_key not in keys:
            keys.append(self.space_public_key)
        return keys

    def space_private(self, public: str) -> str | None:
        if public == self.space_public_key and self.space_private_key:
            return self.space_private_key
        return dict(self.spaces).get(public)

    @property
    def how_to_connect(self) -> str:
        return HOW_TO_CONNECT[self.vendor]


DEMO, LIVE, MIXED = "demo", "live", "mixed"
# Secrets only the operator sets (the salt, where `python -m sync --alert` delivers).
NOT_FROM_PAGE = (PSEUDONYM_SALT, ALERT_WEBHOOK_URL, ALERT_SMTP_PASSWORD)


@dataclass(frozen=True)
class Settings:
    sources: dict[str, Source]
    usd_per_credit: float | None = None
    usd_per_credit_origin: str | None = None
    problems: tuple[str, ...] = ()  # e.g. an unreadable secrets file or a bad price
    history_dir: str | None = None  # HISTORY_DIR; None: the default `.history/`
    teams_file: str | None = None  # TEAMS_FILE; None: `teams.csv` beside the store, if there
    min_group: int = DEFAULT_MIN_GROUP  # PRIVACY_MIN_GROUP
    pseudonymize: bool = False  # PSEUDONYMIZE_PEOPLE
    salt: str | None = field(default=None, repr=False)  # PSEUDONYM_SALT (a secret)
    budgets_file: str | None = None  # BUDGETS_FILE; None: `budgets.csv` beside the store

    @property
    def mode(self) -> str:
        """The mode: "demo" (no key at all), "live" (every vendor has a key) or "mixed"."""
        demo = [s.demo for s in self.sources.values()]
        return DEMO if all(demo) else LIVE if not any(demo) else MIXED

    @property
    def demo(self) -> bool:
        """No key at all: every vendor shows demo data. (Per vendor: `Source.demo`.)"""
        return self.mode == DEMO

    @property
    def fingerprints(self) -> dict[str, str]:
        """vendor -> its key's fingerprint (what a remembered fact about a key is filed under)."""
        return {vendor: source.fingerprint for vendor, source in self.sources.items()}

    @property
    def demo_sources(self) -> list[Source]:
        return [s for s in self.sources.values() if s.demo]

    @property
    def live_sources(self) -> list[Source]:
        return [s for s in self.sources.values() if not s.demo]

    def __getitem__(self, vendor: str) -> Source:
        return self.sources[vendor]


# ---------------------------------------------------------------- reading the settings


def dotenv_path() -> Path | None:
    configured = os.environ.get("APP_DOTENV")
    if configured is not None:
        return Path(configured) if configured else None
    return PROJECT_DIR / ".env"


def read_dotenv(path: Path | None = None) -> dict[str, str]:
    """The .env file's values, without touching os.environ."""
    path = dotenv_path() if path is None else path
    if path is None or not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v}


def resolve(
    session: Mapping[str, str],
    environ: Mapping[str, str],
    dotenv: Mapping[str, str],
    secrets: Mapping[str, str],
    problems: tuple[str, ...] = (),
) -> Settings:
    """Settings from the four places (pure: tests call it with plain dicts)."""

    def lookup(name: str, allow_session: bool = True) -> tuple[str | None, str | None]:
        if allow_session and session.get(name):
            return session[name].strip(), SESSION
        value = (environ.get(name) or "").strip()
        if value:
            origin = SECRETS if secrets.get(name, "").strip() == value else ENVIRONMENT
            return value, origin
        if (dotenv.get(name) or "").strip():
            return dotenv[name].strip(), DOTENV
        if (secrets.get(name) or "").strip():
            return secrets[name].strip(), SECRETS
        return None, None

    found = {}
    for vendor in VENDORS:
        # A key typed in this session never combines with the deployment's: once any of a
        # vendor's keys comes from the session, all of them do (a typed Builder space key alone
        # is not read with the organisation's private key, nor written to the shared store).
        typed = [KEY_SETTINGS[vendor]] + (
            [SPACE_PUBLIC_KEY, SPACE_PRIVATE_KEY] if vendor == "builder" else []
        )
        own = any(session.get(name) for name in typed)

        def key_lookup(name: str, own: bool = own) -> tuple[str | None, str | None]:
            if own:
                return (session[name].strip(), SESSION) if session.get(name) else (None, None)
            return lookup(name)

        key, origin = key_lookup(KEY_SETTINGS[vendor])
        base_url, base_origin = lookup(BASE_URL_SETTINGS[vendor], allow_session=False)
        extra = {}
        if vendor == "builder":
            public, _ = key_lookup(SPACE_PUBLIC_KEY)
            private, private_origin = key_lookup(SPACE_PRIVATE_KEY)
            listed, listed_origin = (None, None) if own else lookup(SPACES, allow_session=False)
            spaces = parse_spaces(listed)
            extra = dict(
                space_public_key=public,
                space_private_key=private,
                space_private_origin=private_origin,
                spaces=spaces,
            )
            if not key and private:
                origin = private_origin
            elif not key and any(p for _, p in spaces):
                origin = listed_origin
        source = Source(vendor, key, origin, base_url, base_origin, **extra)
        if not source.live:
            # No key: this vendor shows demo data, whatever the others do. The base URL is
            # kept to be shown; the demo client does not use it.
            source = Source(vendor, None, None, base_url, base_origin, demo=True)
        found[vendor] = source
    price_text, price_origin = lookup(PRICE_SETTING, allow_session=False)
    price = None
    problems = list(problems)
    if price_text:
        try:
            price = float(price_text)
            if not price >= 0:
                raise ValueError
        except ValueError:
            problems.append(f"{PRICE_SETTING} is not a non-negative number; it is ignored.")
            price, price_origin = None, None
    history_dir, _ = lookup(HISTORY_DIR, allow_session=False)
    if history_dir:
        found = {v: replace(s, history_dir=history_dir) for v, s in found.items()}
    teams_file, _ = lookup(TEAMS_FILE, allow_session=False)
    min_text, _ = lookup(PRIVACY_MIN_GROUP, allow_session=False)
    min_group, problem = privacy.min_group_setting(min_text)
    pseudonymize_text, _ = lookup(PSEUDONYMIZE_PEOPLE, allow_session=False)
    pseudonymize, pseudonymize_problem = privacy.pseudonymize_setting(pseudonymize_text)
    problems += [said for said in (problem, pseudonymize_problem) if said]
    salt, _ = lookup(PSEUDONYM_SALT, allow_session=False)
    budgets_file, _ = lookup(BUDGETS_FILE, allow_session=False)
    return Settings(
        found,
        price,
        price_origin,
        tuple(problems),
        history_dir,
        teams_file,
        min_group,
        pseudonymize,
        salt,
        budgets_file,
    )
