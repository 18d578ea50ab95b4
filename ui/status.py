"""What this browser session knows about each vendor's key: one state per vendor, the same on
every page (the header's badges, the Connections card).

- "Demo data": no key; the built-in sandbox answers.
- "Not tested": a key, but the vendor has not answered a request made with it yet. Having a key
  proves nothing.
- "Live": the vendor answered a request with this key (a "Test connection" click, or any load in
  this session, a cached one included).
- "Refused": the vendor refused the key (a failed test, or a load that raised `AuthError`), with
  the vendor's reason.
- "Unreachable": the last request failed without a verdict on the key (the host did not resolve,
  the connection failed, the vendor kept failing), with the error.

Outcomes live in session state, one per (vendor, key fingerprint, base URL); the key itself is
never stored. A new key has a new fingerprint, so an earlier key's verdict is not shown for it.
Which outcome wins: a test always replaces what was known; a refused load replaces anything; a
failed load replaces anything but a refusal; a load that succeeds does not clear a refusal (one
endpoint answering does not mean the key may read the others: a test decides again), nor a
failure learnt in the same page run (a vendor whose load failed in this run is not "live"
because another, cached load answered).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from config.settings import Source
from connectors.errors import AuthError, InvalidRangeError

STATE_KEY = "_vendor_status"
RUN_KEY = "_vendor_status_run"

DEMO = "Demo data"
NOT_TESTED = "Not tested"
CONNECTED = "Live"
REFUSED = "Refused"
UNREACHABLE = "Unreachable"
# state -> (icon, badge colour): the header and the Connections card draw a state alike.
LOOKS = {
    DEMO: (":material/science:", "orange"),
    NOT_TESTED: (":material/help:", "gray"),
    CONNECTED: (":material/cloud_done:", "blue"),
    REFUSED: (":material/block:", "red"),
    UNREACHABLE: (":material/cloud_off:", "red"),
}


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    message: str  # for a person: the test's verdict, the vendor's reason, or the error
    by_test: bool  # a "Test connection" click (else: a load)
    reached: bool = True  # False: the request failed without a verdict on the key
    run: int = 0  # the page run it was learnt in


def identity(source: Source) -> str:
    """Which key (and host) an outcome belongs to: never the key, only its fingerprint."""
    return f"{source.vendor}|{source.fingerprint}|{source.base_url or ''}"


def _store() -> dict[str, Outcome]:
    return st.session_state.setdefault(STATE_KEY, {})


def new_run() -> None:
    """A page run begins (the header calls it): failures learnt before it no longer pin a
    vendor to "Unreachable" once it answers again."""
    st.session_state[RUN_KEY] = st.session_state.get(RUN_KEY, 0) + 1


def _run() -> int:
    return st.session_state.get(RUN_KEY, 0)


def record(
    source: Source, accepted: bool, message: str, by_test: bool = False, reached: bool = True
) -> None:
    """Keep what the vendor said about this source's key. Demo sources have nothing to keep."""
    if source.demo:
        return
    store = _store()
    key = identity(source)
    before = store.get(key)
    outcome = Outcome(accepted, message, by_test, reached, _run())
    if not by_test and before is not None:
        refused_before = before.reached and not before.accepted
        if accepted and (before.accepted or refused_before or before.run == outcome.run):
            return  # already live, refused, or failed in this run: a load's answer changes none
        if not reached and refused_before:
            return  # a refusal says more than a failure
    if before != outcome:
        store[key] = outcome


def record_load(source: Source, error: Exception | None = None) -> None:
    """A load with this source's key answered (`error` None), was refused (an AuthError) or
    failed (any other ConnectorError; a range refused before sending says nothing)."""
    if error is None:
        record(source, True, f"{source.name} answered a load with this key in this session.")
    elif isinstance(error, AuthError):
        record(source, False, str(error))
    elif not isinstance(error, InvalidRangeError):
        record(source, False, str(error), reached=False)


def lookup(source: Source) -> Outcome | None:
    """What is known about this source's current key; None for demo data or nothing yet."""
    if source.demo:
        return None
    return _store().get(identity(source))


def state(source: Source) -> str:
    """DEMO, NOT_TESTED, CONNECTED, REFUSED or UNREACHABLE."""
    if source.demo:
        return DEMO
    outcome = lookup(source)
    if outcome is None:
        return NOT_TESTED
    if outcome.accepted:
        return CONNECTED
    return REFUSED if outcome.reached else UNREACHABLE


def failed(source: Source) -> str | None:
    """Why this source's data cannot be trusted in this session (refused or unreachable)."""
    outcome = lookup(source)
    return outcome.message if outcome is not None and not outcome.accepted else None
