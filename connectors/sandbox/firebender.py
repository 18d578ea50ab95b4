"""Firebender organisation usage, as the sandbox serves it.

    POST /v2/organization/daily-usage-data   {"startDate": ms, "endDate": ms}
    POST /v2/organization/model-requests     {"startDate", "endDate", "email"?, "cursor"?, "limit"?}

Auth is `X-API-Key: <org key>` or `Authorization: Bearer <token>`; every error body is
`{"error": "<message>"}` as documented. Two rules here are our guesses, kept strict on purpose:
a model-requests startDate before 2025-12-31T00:00:00Z is rejected (the real API may clamp), and
"very recent" requests means the last 10 minutes before the sandbox clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from datetime import timedelta

from . import data, keys
from .dates import DAY_MS, day_ms, days, ms_day
from .messages import Context, Reply, Request

DAILY_USAGE = "/v2/organization/daily-usage-data"
MODEL_REQUESTS = "/v2/organization/model-requests"
MAX_SPAN_MS = 90 * DAY_MS
MODEL_REQUESTS_FROM_MS = day_ms(data.MODEL_REQUESTS_START)  # 1767139200000
WITHHELD_MS = 10 * 60 * 1000  # requests this recent are withheld (a guess at "briefly")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500


def owns(path: str) -> bool:
    return path.startswith("/v2/organization/")


def error(status: int, message: str) -> Reply:
    return Reply(status, {"error": message})


def handle(req: Request, ctx: Context) -> Reply:
    if req.path not in (DAILY_USAGE, MODEL_REQUESTS):
        return error(404, "Not found")
    if req.method != "POST":
        return error(405, "Method not allowed")
    key = req.header("x-api-key") or req.bearer()
    if not key:
        return error(401, "Missing API key")
    if key == keys.FIREBENDER_NO_ORG_KEY:
        return error(403, "User is not part of an organization")
    if key != keys.FIREBENDER_KEY:
        return error(401, "Invalid API key")

    body = req.json(None)
    if not isinstance(body, dict):
        return error(400, "Invalid request body: expected a JSON object")
    start, end = body.get("startDate"), body.get("endDate")
    if not (_is_number(start) and _is_number(end)):
        return error(
            400,
            "startDate and endDate are required and must be numbers "
            "(Unix timestamps in milliseconds)",
        )
    if end <= start:
        return error(400, "endDate must be greater than startDate")
    if end - start > MAX_SPAN_MS:
        return error(400, "Date ranges cannot exceed 90 days")
    if req.path == DAILY_USAGE:
        return Reply(
            200,
            {"data": _daily_rows(start, end, ctx), "period": {"startDate": start, "endDate": end}},
        )
    return _model_requests(body, start, end, ctx)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _daily_rows(start, end, ctx: Context) -> list[dict]:
    if ctx.overlap:
        start -= DAY_MS
    first = ms_day(start)
    if day_ms(first) < start:  # a day is in the window when its UTC midnight is
        first += timedelta(days=1)
    first, last = max(first, data.DATA_START), min(ms_day(end), ctx.today)
    return (
        [row for day in days(first, last) for row in ctx.world.firebender_usage(day)]
        if first <= last
        else []
    )


def released_until(ctx: Context) -> int:
    """The newest timestamp (ms) served: the end of today, or on today 10 minutes before now."""
    end_of_today = day_ms(ctx.today + timedelta(days=1)) - 1
    if ms_day(ctx.now_ms) == ctx.today:
        return min(end_of_today, ctx.now_ms - WITHHELD_MS)
    return end_of_today


def _model_requests(body: dict, start, end, ctx: Context) -> Reply:
    limit = body.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        return error(400, f"limit must be an integer between 1 and {MAX_LIMIT}")
    email = body.get("email")
    if email is not None and not isinstance(email, str):
        return error(400, "email must be a string")
    if start < MODEL_REQUESTS_FROM_MS:
        return error(400, "Data is only available on or after 2025-12-31T00:00:00Z")
    digest = _query_digest(start, end, email)
    after = None
    if body.get("cursor") is not None:
        after = decode_cursor(body["cursor"], digest)
        if after is None:
            return error(400, "Invalid cursor")

    low = start - DAY_MS if ctx.overlap else start
    high = min(end, released_until(ctx))
    wanted = email.lower() if email else None
    page = []
    first_day = max(ms_day(max(low, after[0] if after else low)), data.MODEL_REQUESTS_START)
    last_day = min(ms_day(high), ctx.today)
    for day in days(first_day, last_day):
        batch = ctx.world.model_requests(day)
        page += batch.select(low, high, after, wanted, limit + 1 - len(page))
        if len(page) > limit:
            break
    next_cursor = encode_cursor(page[limit - 1][0], digest) if len(page) > limit else None
    return Reply(200, {"data": [row for _, row in page[:limit]], "nextCursor": next_cursor})


def _query_digest(start, end, email) -> str:
    text = json.dumps([start, end, email.lower() if email else None])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode_cursor(key: tuple[int, str], digest: str) -> str:
    """An opaque cursor: the last row's (timestamp, requestId) and a digest of the query."""
    raw = json.dumps({"after": [key[0], key[1]], "q": digest}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text, digest: str) -> tuple[int, str] | None:
    """The position a cursor holds, or None when it is garbage or was made for another query."""
    if not isinstance(text, str) or not text:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        ts, request_id = raw["after"]
        if raw["q"] != digest or not isinstance(ts, int) or not isinstance(request_id, str):
            return None
        return ts, request_id
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
