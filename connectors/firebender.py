"""Firebender organization usage: daily usage per user, and model requests (cursor pages)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import requests

from . import endpoints
from .base import Client, Progress, base_url_from_env, data_rows, drop_repeats, trim
from .errors import AuthError, ResponseFormatError
from .frames import FrameBuilder
from .http import VendorAPI

DEFAULT_BASE_URL = "https://api.firebender.com"  # [doc]
DAILY_USAGE = endpoints.get("firebender.daily_usage")
MODEL_REQUESTS = endpoints.get("firebender.model_requests")
PAGE_LIMIT = 500  # [doc] limit caps at 500
MAX_PAGES_PER_WINDOW = 10_000  # a guard against a cursor that never ends

_DAY_MS = 86_400_000


def day_start_ms(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days * _DAY_MS


def day_end_ms(day: dt.date) -> int:
    """The last millisecond of `day` (UTC), so an inclusive day range maps exactly."""
    return day_start_ms(day) + _DAY_MS - 1


class FirebenderClient(Client):
    vendor = "firebender"

    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        session: requests.Session | None = None,
        *,
        today: dt.date | None = None,
        progress: Progress | None = None,
    ):
        super().__init__(today, progress)
        if not api_key:
            raise AuthError(
                "firebender",
                "no key given: set FIREBENDER_API_KEY (an organization "
                "API key from Settings -> API Keys).",
            )
        self.api = VendorAPI(
            "firebender",
            base_url_from_env("firebender", DEFAULT_BASE_URL, base_url),
            {"X-API-Key": api_key},
            session,
        )

    def daily_usage(self, start, end) -> pd.DataFrame:
        """One row per user per day."""
        plan = self.plan(DAILY_USAGE.name, start, end, "day")

        def one(window, load):
            body = {"startDate": day_start_ms(window.start), "endDate": day_end_ms(window.end)}
            return data_rows("firebender", load.post(DAILY_USAGE.path, body))

        builder = FrameBuilder(DAILY_USAGE.schema, where=DAILY_USAGE.where)
        for rows in self.fetch(plan, one):
            builder.add(rows)  # one frame for every window: no per-window frames
        keys = list(DAILY_USAGE.natural_key)
        frame = drop_repeats(trim(builder.frame(), DAILY_USAGE.time_column, plan), keys)
        return frame.sort_values(keys, ignore_index=True) if len(frame) else frame

    def model_requests(self, start, end, email: str | None = None) -> pd.DataFrame:
        """One row per model request, every cursor page; data exists from 2025-12-31."""
        plan = self.plan(MODEL_REQUESTS.name, start, end)
        builders = self.fetch(plan, lambda window, load: self._request_pages(window, load, email))
        for other in builders[1:]:
            builders[0].extend(other)  # columns joined as they are: one frame, no concat
        frame = trim(builders[0].frame(), MODEL_REQUESTS.time_column, plan)
        return drop_repeats(frame, list(MODEL_REQUESTS.natural_key))

    def _request_pages(self, window, load, email: str | None) -> FrameBuilder:
        """Every page of one window, converted page by page (memory stays near one page)."""
        builder = FrameBuilder(MODEL_REQUESTS.schema, where=MODEL_REQUESTS.where)
        body = {
            "startDate": day_start_ms(window.start),
            "endDate": day_end_ms(window.end),
            "limit": PAGE_LIMIT,
        }
        if email:
            body["email"] = email
        seen: set[str] = set()
        for _ in range(MAX_PAGES_PER_WINDOW):
            payload = load.post(MODEL_REQUESTS.path, body)
            builder.add(data_rows("firebender", payload))
            cursor = payload.get("nextCursor")
            if cursor is None:
                return builder
            if not isinstance(cursor, str) or cursor in seen:
                raise ResponseFormatError(
                    "firebender",
                    "the API sent a page cursor it had "
                    "already sent, so paging would never end. "
                    "Try again later.",
                )
            seen.add(cursor)
            body = {**body, "cursor": cursor}
        raise ResponseFormatError(
            "firebender",
            f"more than {MAX_PAGES_PER_WINDOW} pages for "
            f"{window.start}..{window.end}; choose a shorter range.",
        )
