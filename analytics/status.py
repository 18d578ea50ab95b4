"""Has the vendor accepted this key? What this browser session has seen, per key.

A live vendor is "Connected" only once the vendor answered a request made with its key (a "Test
connection" click, or any load in this session, a cached one included), and "Refused" once the
vendor refused it (a failed test, or a load that raised `AuthError`), with the vendor's reason.
Until then it is "Not tested": having a key proves nothing.

Outcomes live in session state, one per (vendor, key fingerprint, base URL); the key itself is
never stored. A new key has a new fingerprint, so an earlier key's verdict is not shown for it.
Which outcome wins: a test always replaces what was known; a refused load replaces an acceptance;
a load that succeeds does not clear a refusal (one endpoint answering does not mean the key may
read the others: a test decides again).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from .settings import Source

STATE_KEY = "_vendor_status"

DEMO = "Demo data"
NOT_TESTED = "Not tested"
CONNECTED = "Connected"
REFUSED = "Refused"


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    message: str  # for a person: the test's verdict, or the vendor's reason for refusing
    by_test: bool  # a "Test connection" click (else: a load)


def identity(source: Source) -> str:
    """Which key (and host) an outcome belongs to: never the key, only its fingerprint."""
    return f"{source.vendor}|{source.fingerprint}|{source.base_url or ''}"


def _store() -> dict[str, Outcome]:
    return st.session_state.setdefault(STATE_KEY, {})


def record(source: Source, accepted: bool, message: str, by_test: bool = False) -> None:
    """Keep what the vendor said about this source's key. Demo sources have nothing to keep."""
    if source.demo:
        return
    store = _store()
    key = identity(source)
    before = store.get(key)
    if accepted and not by_test and before is not None:
        return  # already accepted, or refused: a load's success changes neither
    outcome = Outcome(accepted, message, by_test)
    if before != outcome:
        store[key] = outcome


def record_load(source: Source, refusal: Exception | None = None) -> None:
    """A load with this source's key answered (`refusal` None) or was refused (an AuthError)."""
    if refusal is None:
        record(source, True, f"{source.name} answered a load with this key in this session.")
    else:
        record(source, False, str(refusal))


def lookup(source: Source) -> Outcome | None:
    """What is known about this source's current key; None for demo data or nothing yet."""
    if source.demo:
        return None
    return _store().get(identity(source))


def state(source: Source) -> str:
    """DEMO, NOT_TESTED, CONNECTED or REFUSED."""
    if source.demo:
        return DEMO
    outcome = lookup(source)
    if outcome is None:
        return NOT_TESTED
    return CONNECTED if outcome.accepted else REFUSED
