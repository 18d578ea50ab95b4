"""One connector client per vendor, for a Source: the real client classes in both modes.

Demo mode: the client gets the sandbox's demo key and a session whose transport is the sandbox's
in-process adapter, so demo data goes through the real connector code (range rules, windows,
retries, parsing). Live mode: the key and base URL from settings.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from config.settings import Source
from connectors import BuilderClient, CodefreshClient, FirebenderClient, ranges
from connectors.errors import AuthError, ConnectorError
from connectors.http import new_session

_lock = threading.Lock()
_sandbox = None
_LOG_LIMIT = 2_000  # the demo sandbox logs every request; keep only the newest


def shared_sandbox():
    """The process's demo sandbox ("today" = the real UTC today, read per request)."""
    global _sandbox
    with _lock:
        if _sandbox is None:
            from connectors.sandbox import Sandbox

            _sandbox = Sandbox(log_limit=_LOG_LIMIT)
        return _sandbox


def demo_session(vendor: str):
    from connectors.sandbox import SandboxTransport

    return new_session(vendor, transport=SandboxTransport(shared_sandbox()))


def demo_spaces() -> dict[str, str]:
    """Builder.io space public key -> name, in demo mode."""
    from connectors.sandbox import keys

    return {public: name for public, (name, _) in keys.BUILDER_SPACES.items()}


def build(source: Source, progress=None, space: str | None = None):
    """The vendor's client for `source` (a `space` public key for Builder.io space metrics)."""
    if source.demo:
        from connectors.sandbox import DEFAULT_HOSTS, keys

        key = {
            "builder": keys.BUILDER_ORG_KEY,
            "firebender": keys.FIREBENDER_KEY,
            "codefresh": keys.CODEFRESH_KEY,
        }[source.vendor]
        # The vendor's own host, so a *_BASE_URL meant for live mode changes nothing here.
        common = dict(
            base_url=DEFAULT_HOSTS[source.vendor],
            session=demo_session(source.vendor),
            progress=progress,
        )
        if source.vendor == "builder":
            return BuilderClient(key, space_public_key=space, **common)
        cls = FirebenderClient if source.vendor == "firebender" else CodefreshClient
        return cls(key, **common)
    if source.vendor == "builder":
        space = space or source.space_public_key
        return BuilderClient(
            source.key,
            space_public_key=space,
            base_url=source.base_url,
            space_private_key=source.space_private(space) if space else None,
            progress=progress,
        )
    cls = FirebenderClient if source.vendor == "firebender" else CodefreshClient
    return cls(source.key, base_url=source.base_url, progress=progress)


def factory(source: Source):
    """make_client(vendor, space, progress) for `sync.run`: this source's clients."""
    return lambda vendor, space, progress=None: build(source, progress=progress, space=space)


def spaces(source: Source) -> list[str]:
    """The Builder.io spaces this source reads (public keys)."""
    return list(demo_spaces()) if source.demo else source.space_keys


@dataclass(frozen=True)
class ConnectionTest:
    ok: bool
    message: str
    seconds: float
    refused: bool = False  # the vendor refused the key (AuthError), not merely failed


def test_connection(source: Source, today: dt.date | None = None) -> ConnectionTest:
    """One small request with the source's key, never cached: does it answer, and with data?"""
    today = today or ranges.utc_today()
    started = time.monotonic()
    try:
        client = build(source)
        if source.vendor == "builder":
            if source.key or source.demo:
                rows = client.org_metrics(today - dt.timedelta(days=6), today, "week")
                what = f"{len(rows)} period(s) of organization metrics for the last 7 days"
            else:
                rows = client.space_metrics(today - dt.timedelta(days=6), today, "week")
                what = f"{len(rows)} period(s) of space metrics for the last 7 days"
        elif source.vendor == "firebender":
            rows = client.daily_usage(today - dt.timedelta(days=1), today)
            what = f"{len(rows)} row(s) of daily usage for yesterday and today"
        else:
            # The report list opens to keys that may not read reports: read one report too.
            offered = client.metadata()
            credits = client.credit_consumption(today - dt.timedelta(days=6), today)
            what = (
                f"{offered['report_name'].nunique() if len(offered) else 0} report(s) on "
                f"offer and {len(credits)} row(s) of last week's credit consumption"
            )
    except ConnectorError as err:
        refused = isinstance(err, AuthError)
        return ConnectionTest(False, str(err), time.monotonic() - started, refused)
    seconds = time.monotonic() - started
    return ConnectionTest(True, f"{source.name} answered in {seconds:.2f} s with {what}.", seconds)
