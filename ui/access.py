"""Who is looking and what they may do: sign-in with Streamlit's own `st.login` (OIDC) and two
roles, decided on the server for every action (a hidden button is not a check).

Sign-in is required when AUTH_REQUIRED says so, and by default whenever `.streamlit/secrets.toml`
has an `[auth]` section. Signed in, a person is an *admin* when their e-mail is in ADMIN_EMAILS
(commas between), otherwise a *viewer*; ALLOWED_EMAIL_DOMAINS (commas between) keeps everyone
else out, as does an identity whose provider says the e-mail is not verified.

Without sign-in the app decides by where it is served:
- bound to loopback only (`server.address` localhost, 127.0.0.1 or ::1, as `.streamlit/config.toml`
  sets) and reached without a proxy's forwarding headers: the person at this machine, an admin.
  This is `streamlit run app.py` on a laptop, demo data or not: nothing to set up.
- anything else (all interfaces, a container, Community Cloud, a reverse proxy): a viewer, and a
  red banner on every page when live data are shown. A proxy on the same machine makes every
  request arrive from loopback, so forwarding headers (which only a proxy or a client adds, and a
  client gains nothing by adding them) make a request a network one.

Viewers see aggregates and pseudonyms (PSEUDONYMIZE_PEOPLE is forced on for them); they cannot
save the teams mapping or budgets, press "Sync now", open per-person views or export per-person
rows. Admins can.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

import streamlit as st
from streamlit import config

from config.names import ADMIN_EMAILS, ALLOWED_EMAIL_DOMAINS, AUTH_REQUIRED

ADMIN, VIEWER = "admin", "viewer"
SIGNED_IN, LOCAL, NETWORK = "signed in", "local", "network"
FORWARDING_HEADERS = ("X-Forwarded-For", "X-Forwarded-Host", "Forwarded", "X-Real-Ip")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Access:
    role: str  # ADMIN or VIEWER
    how: str  # SIGNED_IN, LOCAL or NETWORK
    email: str | None = None  # the signed-in person's e-mail

    @property
    def admin(self) -> bool:
        return self.role == ADMIN

    @property
    def who(self) -> str:
        """Who did it, for the audit log."""
        if self.email:
            return self.email
        return "local user" if self.how == LOCAL else "anonymous (network)"


@dataclass(frozen=True)
class Rules:
    required: bool  # sign-in required
    configured: bool  # st.login can work: an [auth] section (or a test's injected user)
    domains: tuple[str, ...]
    admins: frozenset[str]
    problem: str | None = None  # a setting that could not be read


def _values() -> dict[str, str]:
    """The three settings, looked up as every setting is (environment, .env, secrets); a
    session never sets them."""
    from config.settings import read_dotenv
    from ui.settings import read_secrets

    secrets, _ = read_secrets()
    dotenv = read_dotenv()
    found = {}
    for name in (AUTH_REQUIRED, ALLOWED_EMAIL_DOMAINS, ADMIN_EMAILS):
        value = os.environ.get(name) or dotenv.get(name) or secrets.get(name) or ""
        found[name] = value.strip()
    return found


def _listed(text: str) -> tuple[str, ...]:
    return tuple(x.strip().lower().lstrip("@") for x in text.split(",") if x.strip())


def auth_section() -> dict:
    """The `[auth]` section of `.streamlit/secrets.toml` (st.login reads only that file)."""
    if os.environ.get("APP_READ_SECRETS", "1") == "0":
        return {}
    try:
        from streamlit.auth_util import get_secrets_auth_section

        return dict(get_secrets_auth_section() or {})
    except Exception:  # noqa: BLE001 - an unreadable secrets file: no sign-in configured
        return {}


def providers(section: dict) -> list[str | None]:
    """The providers to offer: named ones (`[auth.google]`), or None for the default one."""
    named = [name for name, value in section.items() if isinstance(value, dict)]
    return named or [None]


def rules() -> Rules:
    values = _values()
    user = _user()
    configured = bool(auth_section()) or "is_logged_in" in user
    text = values[AUTH_REQUIRED].lower()
    problem = None
    if text in TRUE:
        required = True
    elif text in FALSE:
        required = False
    else:
        required = configured
        if text:
            problem = f"{AUTH_REQUIRED} is not true or false; sign-in follows [auth]."
    return Rules(
        required,
        configured,
        _listed(values[ALLOWED_EMAIL_DOMAINS]),
        frozenset(_listed(values[ADMIN_EMAILS])),
        problem,
    )


def _user() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:  # noqa: BLE001 - outside a script run: nobody
        return {}


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def served_locally() -> bool:
    """The server listens on loopback only and this request came without a proxy in front."""
    if not _loopback(config.get_option("server.address")):
        return False
    try:
        headers = st.context.headers
        return not any(headers.get(name) for name in FORWARDING_HEADERS)
    except Exception:  # noqa: BLE001 - no request (a test's script run): loopback decides
        return True


def current() -> Access | None:
    """This run's access; None when sign-in is required and nobody (allowed) is signed in."""
    found = rules()
    if not found.required:
        return Access(ADMIN, LOCAL) if served_locally() else Access(VIEWER, NETWORK)
    user = _user()
    if not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip().lower()
    if not email or user.get("email_verified") is False:
        return None
    if found.domains and email.rpartition("@")[2] not in found.domains:
        return None
    return Access(ADMIN if email in found.admins else VIEWER, SIGNED_IN, email)


def in_script_run() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return get_script_run_ctx() is not None


# ---------------------------------------------------------------- drawing (app.py calls gate)


def gate(live: bool) -> Access:
    """Sign-in when required (the run stops until someone allowed is signed in), who is signed
    in (sidebar), and the red banner when live data are served to the network without sign-in
    (`live`: some vendor has a key)."""
    found = rules()
    if found.problem:
        st.warning(found.problem)
    if found.required and not found.configured:
        st.error(
            f"{AUTH_REQUIRED} is on but `.streamlit/secrets.toml` has no `[auth]` section, so "
            "nobody can sign in. See the README's deployment guide.",
            icon=":material/lock:",
        )
        st.stop()
    access = current()
    if access is None:
        _sign_in(found)
        st.stop()
    with st.sidebar:
        if access.how == SIGNED_IN:
            st.caption(f"Signed in as {access.email} ({access.role}).")
            if not found.admins:
                st.caption("No ADMIN_EMAILS set: everyone is a viewer.")
            if st.button("Sign out", key="access__logout", icon=":material/logout:"):
                st.logout()
        elif access.how == NETWORK:
            st.caption("Not signed in: a viewer (sign-in is not configured).")
    if access.how == NETWORK and live:
        st.error(
            "**Live data served to the network without sign-in.** Anyone who can reach this "
            "address sees the organisation's usage and spend. Configure `[auth]` in "
            "`.streamlit/secrets.toml` (README: Deploying), or serve on localhost only.",
            icon=":material/public:",
        )
    return access


def _sign_in(found: Rules) -> None:
    user = _user()
    st.title("AI adoption vs CI credits", anchor=False)
    if user.get("is_logged_in"):
        email = str(user.get("email") or "(no e-mail)")
        st.error(
            f"{email} may not use this app"
            + (
                f" (allowed: {', '.join('@' + d for d in found.domains)})."
                if found.domains
                else " (the provider did not give a verified e-mail)."
            ),
            icon=":material/block:",
        )
        if st.button("Sign out", key="access__refused_logout", icon=":material/logout:"):
            st.logout()
        return
    st.info("Sign in to see the organisation's AI and CI usage.", icon=":material/lock:")
    for provider in providers(auth_section()):
        label = f"Sign in with {provider.title()}" if provider else "Sign in"
        if st.button(label, key=f"access__login_{provider or 'default'}", type="primary"):
            st.login(provider) if provider else st.login()


def allowed(action: str) -> bool:
    """Whether this run's person may do `action` (save, sync, per-person, export people):
    admins may, nobody else. Asked where the action happens, on the server."""
    access = current()
    return access is not None and access.admin


def refusal(action: str) -> str:
    return f"Only an admin can {action}. Ask one (ADMIN_EMAILS) or sign in as one."


def people_view(title: str) -> bool:
    """Whether to draw a per-person section (`title`); for a viewer, a note instead."""
    if allowed("see per-person views"):
        return True
    st.caption(f"{title}: per-person rows are for admins. {refusal('see them')}")
    return False


def without_people(catalogue: dict) -> dict:
    """Explore's datasets this person may open: a viewer's leave out those with a row per
    person (an e-mail column), whose rows and exports would be per-person data."""
    if allowed("export per-person data"):
        return catalogue
    from connectors import endpoints
    from teams.privacy import PERSON_COLUMNS

    def personal(key: str) -> bool:
        try:
            schema = endpoints.get(key).schema
        except (KeyError, ValueError):
            return False
        return any(f.column in PERSON_COLUMNS for f in schema)

    return {key: d for key, d in catalogue.items() if not personal(key)}


def may_export(frame) -> bool:
    """A viewer never downloads a frame with a person column (e-mail or pseudonym)."""
    from teams.privacy import PERSON_COLUMNS

    people = [c for c in getattr(frame, "columns", ()) if c in (*PERSON_COLUMNS, "person")]
    return not people or allowed("export per-person data")
