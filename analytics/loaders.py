"""The only @st.cache_data functions. Thin: build a client, call one endpoint, return its frame.

The cache key is (vendor, endpoint, range, granularity, space, credential fingerprint, base URL,
refresh count). The key itself is passed as `_source`: parameters starting with "_" are not hashed
by Streamlit, so a key never becomes part of a cache key, and sessions with different keys (hence
different fingerprints) never share an entry. A load that raises is not cached.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from connectors import ranges
from connectors.errors import VENDOR_NAMES, AuthError

from . import clients, status
from .settings import Source

TTL_SECONDS = 15 * 60
REFRESH_STATE = "_refresh_count"

ENDPOINT_LABELS = {
    "builder.org_metrics": "organization metrics",
    "builder.org_space_metrics": "metrics per space",
    "builder.space_metrics": "space metrics",
    "builder.org_users": "users",
    "firebender.daily_usage": "daily usage",
    "firebender.model_requests": "model requests",
    "codefresh.credit_consumption": "credit consumption",
    "codefresh.pipeline_credit_consumption": "pipeline credit consumption",
    "codefresh.active_committers": "active committers",
    "codefresh.metadata": "reports (metadata)",
}

_CALLS = {
    "builder.org_metrics": lambda c, s, e, g: c.org_metrics(s, e, g),
    "builder.org_space_metrics": lambda c, s, e, g: c.org_space_metrics(s, e, g),
    "builder.space_metrics": lambda c, s, e, g: c.space_metrics(s, e, g),
    "builder.org_users": lambda c, s, e, g: c.org_users(s, e),
    "firebender.daily_usage": lambda c, s, e, g: c.daily_usage(s, e),
    "firebender.model_requests": lambda c, s, e, g: c.model_requests(s, e),
    "codefresh.credit_consumption": lambda c, s, e, g: c.credit_consumption(s, e, g),
    "codefresh.pipeline_credit_consumption": lambda c, s, e, g: c.pipeline_credit_consumption(
        s, e, g
    ),
    "codefresh.active_committers": lambda c, s, e, g: c.active_committers(s, e),
    "codefresh.metadata": lambda c, s, e, g: c.metadata(),
}


# Endpoints whose client method fixes the granularity (the rest take the caller's).
FIXED_GRANULARITY = {
    "builder.org_users": None,
    "firebender.daily_usage": "day",
    "firebender.model_requests": None,
    "codefresh.active_committers": "month",
    "codefresh.metadata": None,
}


def describe(endpoint: str) -> str:
    vendor = endpoint.split(".", 1)[0]
    name = ENDPOINT_LABELS.get(endpoint) or endpoint.split(".", 1)[1].removeprefix("report:")
    return f"{VENDOR_NAMES.get(vendor, vendor)} {name}"


@st.cache_data(
    ttl=TTL_SECONDS,
    max_entries=256,
    max_size="400MB",
    show_spinner="Fetching from the vendor API...",
)
def load(
    vendor: str,
    endpoint: str,
    start: dt.date | None,
    end: dt.date | None,
    granularity: str | None,
    fingerprint: str,
    base_url: str | None,
    space: str | None = None,
    refresh: int = 0,
    _source: Source | None = None,
) -> pd.DataFrame:
    """One endpoint's frame. Shows "window 3 of 9" while a multi-window load runs."""
    bar = None
    what = describe(endpoint)

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total <= 1:
            return
        text = f"{what}: window {done} of {total}"
        if bar is None:
            bar = st.progress(0.0, text=text)
        bar.progress(done / total, text=text)

    client = clients.build(_source, progress=progress, space=space)
    try:
        if endpoint.startswith("codefresh.report:"):
            return client.report(endpoint.split(":", 1)[1], start, end, granularity)
        return _CALLS[endpoint](client, start, end, granularity)
    finally:
        if bar is not None:
            bar.empty()


@st.cache_data(ttl=TTL_SECONDS, max_entries=128, show_spinner=False)
def derived(kind: str, identity: tuple, _build: Callable[[], object]):
    """A pure derivation of cached loads (the overview's tables, a chart's spec), keyed by what
    it was derived from, so a warm rerun rebuilds nothing. Callers pass only identities of
    complete loads: a view with a failed vendor is rebuilt every time, never cached."""
    return _build()


def refresh_count() -> int:
    return int(st.session_state.get(REFRESH_STATE, 0))


def refresh() -> None:
    """Make this session's next loads fetch again (other sessions keep their cache). The token
    is unique, not a counter: a counter would meet another session's entries at the same count."""
    st.session_state[REFRESH_STATE] = time.time_ns()


def fetch(
    source: Source,
    endpoint: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    granularity: str | None = None,
    space: str | None = None,
) -> pd.DataFrame:
    """Load through the cache. Raises the connector's errors (InvalidRangeError before any
    request when the range breaks the endpoint's rules). Tells `status` whether the vendor
    accepted the key: an answer (a cached one too) or an AuthError; other failures say nothing
    about the key."""
    granularity = FIXED_GRANULARITY.get(endpoint, granularity)
    if endpoint in ranges.RULES:
        ranges.plan(endpoint, start, end, granularity)  # raises before anything is sent
    try:
        frame = load(
            source.vendor,
            endpoint,
            start,
            end,
            granularity,
            source.fingerprint,
            source.base_url,
            space,
            refresh_count(),
            _source=source,
        )
    except AuthError as err:
        status.record_load(source, err)
        raise
    status.record_load(source)
    return frame
