"""Builder.io Fusion metrics: organization, per-space breakdown, space (with tokens), users."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import requests

from . import schemas
from .base import (
    WEEKDAYS,
    Client,
    Progress,
    base_url_from_env,
    data_rows,
    drop_repeats,
    place_periods,
    trim,
)
from .errors import AuthError
from .frames import FrameBuilder, build_frame, concat
from .http import VendorAPI

# [3p] Third-party code calls https://builder.io (some use https://cdn.builder.io).
DEFAULT_BASE_URL = "https://builder.io"
ORG_METRICS = "/api/v1/orgs/fusion/metrics"  # [3p]
SPACE_METRICS = "/api/v1/spaces/{space}/fusion/metrics"  # [guess] shape of space routes
ORG_USERS = "/api/v1/orgs/fusion/users"  # [3p] unverified endpoint
# [guess] How a week/month/quarter row is labelled is undocumented (the vendor's sample is a day
# row). Any day of its period may label a row (first, last, middle, or the range's first day
# for a partial first period): months and quarters go to the calendar period holding the label;
# each week answer is read as ISO (Monday-Sunday) or Sunday-Saturday weeks, whichever its labels
# fit (base.place_periods), a Sunday-Saturday week going to the ISO week holding most of its
# days. Only when the labels fit both equally (a range from a Sunday to a Sunday with Sunday
# labels) is a Sunday label read as the first day of a Sunday-Saturday week (the Monday after).
WEEKS_START_WHEN_UNSURE = WEEKDAYS["sunday"]
# A distinct count of people: two rows merged into one period keep the larger, not the sum.
DISTINCT_COUNTS = ("users",)


class BuilderClient(Client):
    vendor = "builder"

    def __init__(
        self,
        private_key: str | None,
        space_public_key: str | None = None,
        base_url: str | None = None,
        session: requests.Session | None = None,
        *,
        space_private_key: str | None = None,
        today: dt.date | None = None,
        progress: Progress | None = None,
    ):
        super().__init__(today, progress)
        if not private_key and not space_private_key:
            raise AuthError(
                "builder",
                "no key given: set BUILDER_PRIVATE_KEY (an organization "
                "private key from Builder's organization settings).",
            )
        url = base_url_from_env("builder", DEFAULT_BASE_URL, base_url)
        self.api = VendorAPI(
            "builder",
            url,
            {"Authorization": f"Bearer {private_key or space_private_key}"},
            session,
            not_found_is_auth=True,
        )
        self.space_public_key = space_public_key
        self.space_api = VendorAPI(
            "builder",
            url,
            {"Authorization": f"Bearer {space_private_key or private_key}"},
            self.api.session,
            not_found_is_auth=True,
        )

    def _periods(
        self, api: VendorAPI, path: str, endpoint: str, start, end, granularity: str
    ) -> tuple[list[list[dict]], object]:
        plan = self.plan(endpoint, start, end, granularity)

        def one(window):
            params = {
                "startDate": window.start.isoformat(),
                "endDate": window.end.isoformat(),
                "granularity": granularity,
            }
            return data_rows("builder", api.get(path, params))

        return self.fetch(plan, one, api), plan

    @staticmethod
    def _placed(frame: pd.DataFrame, plan, keys: list[str]) -> pd.DataFrame:
        """Repeats dropped, each row in the period that holds it (labelled by its first day),
        rows outside the range trimmed."""
        frame = drop_repeats(frame, keys)
        frame = place_periods(
            frame, "period", plan, keys, DISTINCT_COUNTS, when_unsure=WEEKS_START_WHEN_UNSURE
        )
        return trim(frame, "period", plan)

    def org_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period: lines, events, users and prompts for the whole organization."""
        pages, plan = self._periods(self.api, ORG_METRICS, "org_metrics", start, end, granularity)
        frame = concat(
            [build_frame(p, schemas.BUILDER_ORG_METRICS) for p in pages],
            schemas.BUILDER_ORG_METRICS,
        )
        return self._placed(frame, plan, ["period"])

    def org_space_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period x space, from the organization response's `spaces` list."""
        pages, plan = self._periods(
            self.api, ORG_METRICS, "org_space_metrics", start, end, granularity
        )
        builder = FrameBuilder(schemas.BUILDER_ORG_SPACE_METRICS)
        for rows in pages:
            builder.add(
                [
                    {**space, "period": row.get("period")}
                    for row in rows
                    for space in ((row.get("metrics") or {}).get("spaces") or [])
                    if isinstance(space, dict)
                ]
            )
        return self._placed(builder.frame(), plan, ["period", "space_id"])

    def space_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period for the space `space_public_key`, with tokens."""
        if not self.space_public_key:
            raise AuthError(
                "builder",
                "space metrics need the space's public key: set "
                "BUILDER_SPACE_PUBLIC_KEY (and BUILDER_SPACE_PRIVATE_KEY).",
            )
        path = SPACE_METRICS.format(space=requests.utils.quote(self.space_public_key, safe=""))
        pages, plan = self._periods(self.space_api, path, "space_metrics", start, end, granularity)
        frame = concat(
            [build_frame(p, schemas.BUILDER_SPACE_METRICS) for p in pages],
            schemas.BUILDER_SPACE_METRICS,
        )
        return self._placed(frame, plan, ["period"])

    def org_users(self, start, end) -> pd.DataFrame:
        """One row per user with their totals over the range (unverified endpoint)."""
        plan = self.plan("org_users", start, end)

        def one(window):
            params = {"startDate": window.start.isoformat(), "endDate": window.end.isoformat()}
            return data_rows("builder", self.api.get(ORG_USERS, params))

        rows = self.fetch(plan, one)[0]
        return drop_repeats(build_frame(rows, schemas.BUILDER_ORG_USERS), ["user_id"])
