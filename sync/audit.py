"""The audit log in the store: who exported or changed what, when, and how many rows.

One small JSON file per event under `audit/<year-month>/`, written whole (`Root.write` is atomic,
and an object store cannot append): two sessions recording at once never lose each other's
line, and a local store and S3 behave the same. Written here because the store is written only
by sync code; the app records through `record` and reads through `read`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pandas as pd

from safe.text import plain
from store import AUDIT_DIR, Store

__all__ = ["AUDIT_DIR", "read", "record"]

COLUMNS = ("when", "who", "what", "rows", "detail")
SHOWN = 500  # the newest events read back


def record(store: Store, who: str, what: str, rows: int | None, detail: str = "") -> None:
    """Append one event. Never raises: an audit log that cannot be written must not stop an
    export (the caller still has the event in the server's log)."""
    now = dt.datetime.now(dt.UTC)
    event = {
        "when": now.isoformat(timespec="seconds"),
        "who": plain(who, 200),
        "what": plain(what, 200),
        "rows": rows,
        "detail": plain(detail, 500),
    }
    name = f"{AUDIT_DIR}/{now:%Y-%m}/{now:%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.json"
    try:
        store.root.write(name, json.dumps(event).encode("utf-8"))
    except Exception:  # noqa: BLE001 - see the docstring
        import logging

        logging.getLogger(__name__).warning("audit event not written: %s by %s", what, who)


def read(store: Store, limit: int = SHOWN) -> pd.DataFrame:
    """The newest `limit` events, newest first."""
    entries = store.root.list(AUDIT_DIR, suffix=".json")[-limit:]
    events = []
    for entry in reversed(entries):
        try:
            events.append(json.loads(store.root.read(entry.path)))
        except (OSError, ValueError):
            continue
    frame = pd.DataFrame(events, columns=list(COLUMNS))
    frame["rows"] = frame["rows"].astype("Int64")
    return frame
