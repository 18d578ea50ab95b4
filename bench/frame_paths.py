"""The three ways of turning model-request pages into a frame that part 2 compares.

floor     orjson.loads of every page, nothing else: no conversion can be faster
ours      the connector's own per-page path: `FirebenderClient._request_pages` walking the
          pages (each parsed by `VendorAPI._parse`, i.e. orjson.loads, then
          `FrameBuilder(schemas.FIREBENDER_MODEL_REQUESTS).add(page["data"])`), then
          `.frame()`. Only the network is replaced, by a replay of the pages.
baseline  the usual pandas way: json.loads per page, records concatenated,
          pandas.json_normalize, pd.to_datetime(utc=True) on the timestamp
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable

import orjson
import pandas as pd

from connectors import FirebenderClient
from connectors.firebender import MODEL_REQUESTS
from connectors.ranges import Window

TOKENS = (
    "input_tokens",
    "cache_read_tokens",
    "output_tokens",
    "cache_write_tokens",
    "total_tokens",
)
CAMEL = {
    "input_tokens": "inputTokens",
    "cache_read_tokens": "cacheReadTokens",
    "output_tokens": "outputTokens",
    "cache_write_tokens": "cacheWriteTokens",
    "total_tokens": "totalTokens",
    "cost_usd": "costUsd",
    "timestamp": "timestamp",
    "model": "model",
    "request_id": "requestId",
    "email": "email",
}


def floor(pages: Iterable[bytes]) -> int:
    """Parse every page and drop it; the record count (so the work cannot be skipped)."""
    records = 0
    for page in pages:
        records += len(orjson.loads(page)["data"])
    return records


class PageReplay:
    """Stands in for the client's `VendorAPI`: each POST gets the next page, parsed by the real
    VendorAPI's own `_parse` (orjson). It checks that the connector sends the cursor of the page
    before, so the paging is the connector's own."""

    def __init__(self, pages: Iterable[bytes], parse):
        self._pages = iter(pages)
        self._parse = parse
        self._cursor = None
        self.posts = 0

    def post(self, path: str, body: dict):
        if path != MODEL_REQUESTS.path or body.get("cursor") != self._cursor:
            raise AssertionError(f"unexpected request {path} {body.get('cursor')!r}")
        payload = self._parse(next(self._pages), "application/json", 200)
        self._cursor = payload.get("nextCursor")
        self.posts += 1
        return payload


def ours(pages: Iterable[bytes]) -> pd.DataFrame:
    """The connector's per-page path for one window whose pages are `pages`."""
    client = FirebenderClient("bench-replay-key", base_url="http://replay.invalid")
    client.api = PageReplay(pages, client.api._parse)
    day = dt.date(2026, 1, 1)
    walked = client._request_pages(Window(day, day), client.api, None)  # the replay is the load
    # `_request_pages` returns the window's frame; should it hand back its FrameBuilder (to be
    # joined with the other windows' before one `.frame()`), that last step is still ours.
    return walked.frame() if hasattr(walked, "frame") else walked


def baseline(pages: Iterable[bytes]) -> pd.DataFrame:
    records: list[dict] = []
    for page in pages:
        records.extend(json.loads(page)["data"])
    frame = pd.json_normalize(records)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    return frame


PATHS = {"floor": floor, "ours": ours, "baseline": baseline}


def summary(frame: pd.DataFrame, camel: bool = False) -> dict:
    """What must agree between two frames of the same records: rows, token sums, cost, time span,
    rows per model, distinct request ids."""
    col = (lambda name: CAMEL[name]) if camel else (lambda name: name)
    stamps = frame[col("timestamp")]
    return {
        "rows": len(frame),
        **{f"sum {name}": int(frame[col(name)].sum()) for name in TOKENS},
        "sum cost_usd": round(float(frame[col("cost_usd")].sum()), 4),
        "first timestamp": stamps.min(),
        "last timestamp": stamps.max(),
        "missing timestamps": int(stamps.isna().sum()),
        "rows per model": {
            str(k): int(v)
            for k, v in frame[col("model")].astype(str).value_counts().sort_index().items()
        },
        "distinct request ids": int(frame[col("request_id")].nunique()),
    }


def differences(a: dict, b: dict) -> list[str]:
    return [
        f"{key}: {a.get(key)!r} != {b.get(key)!r}"
        for key in sorted(set(a) | set(b))
        if a.get(key) != b.get(key)
    ]
