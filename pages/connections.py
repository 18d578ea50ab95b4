"""Connections: each vendor's status, where its key comes from (never the key), a test button,
and a password field for a key that lives in this browser session only."""

import streamlit as st

from safe import text as safe_text
from ui import audit_log, loaders, status
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
ui.header("Connections", settings, vendors=())

if settings.demo:
    st.info(
        "No API key is set, so the app runs on **demo data** from the built-in sandbox "
        "(through the real connectors). Add a key for any vendor below, or set it in the "
        "environment, a `.env` file or Streamlit secrets; that vendor then shows live data, "
        "and vendors without a key keep showing demo data.",
        icon=":material/science:",
    )
st.caption(
    "Each setting is looked up in this order: a key typed here (this browser session "
    "only), the environment, a `.env` file, Streamlit secrets. Keys are never shown."
)

# The last test's message per vendor (failures that say nothing about the key included); whether
# the vendor accepted the key lives in ui.status, per key fingerprint.
VERDICTS = "_connection_verdicts"
verdicts = st.session_state.setdefault(VERDICTS, {})


def remember(vendor: str, fields: dict) -> None:
    """Keep what was typed (empty fields change nothing) and clear the form, so the key is not
    sent back to the browser."""
    for setting, form_key in fields.items():
        if (st.session_state.get(form_key) or "").strip():
            app_settings.set_session_value(setting, st.session_state[form_key])
        st.session_state[form_key] = ""
    verdicts.pop(vendor, None)


def forget(vendor: str, names: tuple) -> None:
    for name in names:
        app_settings.set_session_value(name, None)
    verdicts.pop(vendor, None)


for column, (vendor, source) in zip(st.columns(3), settings.sources.items()):
    with column.container(border=True, height="stretch"):
        st.subheader(source.name, anchor=False)
        state = status.state(source)
        with st.container(horizontal=True, vertical_alignment="center"):
            icon, color = status.LOOKS[state]
            st.badge(state, icon=icon, color=color)
            if source.origin:
                st.caption(f"Key from: **{source.origin}**")
            if source.base_url:
                st.caption(
                    f"Base URL: `{safe_text.url(source.base_url)}` (from {source.base_url_origin})"
                    + ("; used once a key is set" if source.demo else "")
                )
            elif not source.demo:
                st.caption("Base URL: the vendor's default")
        if vendor == "builder" and source.space_public_key:
            st.caption(
                f"Space public key: `{source.space_public_key}`"
                + (
                    f"; space private key from **{source.space_private_origin}**"
                    if source.space_private_origin
                    else ""
                )
            )
        if source.demo:
            st.caption(f"No key: shows demo data. To connect: {source.how_to_connect}.")

        with st.container(horizontal=True, vertical_alignment="bottom"):
            testing = st.button(
                "Test connection",
                key=f"test_{vendor}",
                icon=":material/network_check:",
            )
            session_names = tuple(
                n
                for n in (
                    app_settings.KEY_SETTINGS[vendor],
                    app_settings.SPACE_PUBLIC_KEY,
                    app_settings.SPACE_PRIVATE_KEY,
                )
                if n in app_settings.session_values()
                and (vendor == "builder" or n == app_settings.KEY_SETTINGS[vendor])
            )
            if session_names:
                st.button(
                    "Forget the key typed here",
                    key=f"forget_{vendor}",
                    on_click=forget,
                    args=(vendor, session_names),
                    icon=":material/delete:",
                )
        # A verdict belongs to the key it tested: another key (fingerprint) makes it stale.
        tested = status.identity(source)
        if testing:
            with st.spinner(f"Asking {source.name}..."):
                verdict = loaders.test_connection(source)
            verdicts[vendor] = (tested, verdict)
            status.record(
                source,
                verdict.ok,
                verdict.message,
                by_test=True,
                reached=verdict.ok or verdict.refused,
            )
            st.rerun()  # every badge (this one, the header's) drawn again with what was learnt
        verdict = verdicts[vendor][1] if verdicts.get(vendor, (None,))[0] == tested else None
        if verdict is not None:
            if verdict.ok:
                st.success(verdict.message, icon=":material/check_circle:")
            else:
                st.error(verdict.message, icon=":material/error:")
        outcome = status.lookup(source)
        if outcome is not None and (verdict is None or outcome.message != verdict.message):
            if outcome.accepted:
                st.caption(outcome.message)
            else:
                st.error(f"{state}: {outcome.message}", icon=status.LOOKS[state][0])
        elif state == status.NOT_TESTED and verdict is None:
            st.caption(
                "Not tested yet: the key is set, but the vendor has not answered a request with "
                "it in this session. Test the connection, or open a page that loads from it."
            )

        fields = {app_settings.KEY_SETTINGS[vendor]: f"key_input_{vendor}"}
        if vendor == "builder":
            fields[app_settings.SPACE_PUBLIC_KEY] = "key_input_builder_space_public"
            fields[app_settings.SPACE_PRIVATE_KEY] = "key_input_builder_space_private"
        with st.expander(f"Use a {source.name} key in this browser session"):
            with st.form(f"form_{vendor}", border=False):
                for setting, form_key in fields.items():
                    secret = setting != app_settings.SPACE_PUBLIC_KEY
                    st.text_input(
                        setting,
                        key=form_key,
                        type="password" if secret else "default",
                        autocomplete="off",
                        placeholder="Paste the key"
                        if secret
                        else "Optional: the space's public API key",
                        help="Kept in this browser session's memory on the server "
                        "only; gone when the session ends.",
                    )
                st.form_submit_button("Use this key", on_click=remember, args=(vendor, fields))

# ------------------------------------------------------------------ history
st.subheader(
    "History",
    anchor=False,
    help="Where each vendor's fetched data is kept (HISTORY_DIR; see the README's History "
    "section for `python -m sync`, a cron line and S3).",
)
for line in loaders.where_lines(settings):
    st.caption(line)

audit_log.show()  # admins: who exported or changed what
