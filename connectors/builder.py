"""Builder.io Fusion metrics: organization, per-space breakdown, space (with tokens), users."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import requests

from . import endpoints
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
ORG_METRICS = endpoints.get("builder.org_metrics")
ORG_SPACE_METRICS = endpoints.get("builder.org_space_metrics")
SPACE_METRICS = endpoints.get("builder.space_metrics")
ORG_USERS = endpoints.get("builder.org_users")
# [guess] How a week/month/quarter row is labelled is undocumented (the vendor's sample is a day
# row). Any day of its period may label a row (first, last, middle, or the range's first day
# for a partial first period): months and quarters go to the calendar period holding the label;
# each week answer is read as ISO (Monday-Sunday) or Sunday-Saturday weeks, whichever its labels
# fit (base.place_periods), a Sunday-Saturday week going to the ISO week holding most of its
# days. Only when the labels fit both equally (a range from a Sunday to a Sunday with Sunday
# labels) is a Sunday label read as the first day of a Sunday-Saturday week (the Monday after).
WEEKS_START_WHEN_UNSURE = WEEKDAYS["sunday"]


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
        self, api: VendorAPI, dataset, start, end, granularity: str, path: str | None = None
    ) -> tuple[list[list[dict]], object]:
        plan = self.plan(dataset.name, start, end, granularity)

        def one(window, load):
            params = {
                "startDate": window.start.isoformat(),
                "endDate": window.end.isoformat(),
                "granularity": granularity,
            }
            return data_rows("builder", load.get(path or dataset.path, params))

        return self.fetch(plan, one, api), plan

    @staticmethod
    def _placed(frame: pd.DataFrame, plan, dataset) -> pd.DataFrame:
        """Repeats dropped, each row in the period that holds it (labelled by its first day),
        rows outside the range trimmed. Rows merged into one period keep the larger distinct
        count (people), never the sum."""
        keys = list(dataset.natural_key)
        frame = drop_repeats(frame, keys)
        frame = place_periods(
            frame, "period", plan, keys, dataset.distinct, when_unsure=WEEKS_START_WHEN_UNSURE
        )
        return trim(frame, "period", plan)

    def org_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period: lines, events, users and prompts for the whole organization."""
        pages, plan = self._periods(self.api, ORG_METRICS, start, end, granularity)
        frame = concat(
            [build_frame(p, ORG_METRICS.schema, where=ORG_METRICS.where) for p in pages],
            ORG_METRICS.schema,
        )
        return self._placed(frame, plan, ORG_METRICS)

    def org_space_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period x space, from the organization response's `spaces` list."""
        pages, plan = self._periods(self.api, ORG_SPACE_METRICS, start, end, granularity)
        builder = FrameBuilder(ORG_SPACE_METRICS.schema, where=ORG_SPACE_METRICS.where)
        for rows in pages:
            builder.add(
                [
                    {**space, "period": row.get("period")}
                    for row in rows
                    for space in ((row.get("metrics") or {}).get("spaces") or [])
                    if isinstance(space, dict)
                ]
            )
        return self._placed(builder.frame(), plan, ORG_SPACE_METRICS)

    def space_metrics(self, start, end, granularity: str = "day") -> pd.DataFrame:
        """One row per period for the space `space_public_key`, with tokens."""
        if not self.space_public_key:
            raise AuthError(
                "builder",
                "space metrics need the space's public key: set "
                "BUILDER_SPACE_PUBLIC_KEY (and BUILDER_SPACE_PRIVATE_KEY).",
            )
        space = requests.utils.quote(self.space_public_key, safe="")
        path = SPACE_METRICS.path.format(space=space)
        pages, plan = self._periods(self.space_api, SPACE_METRICS, start, end, granularity, path)
        schema = SPACE_METRICS.schema
        frame = concat([build_frame(p, schema, where=SPACE_METRICS.where) for p in pages], schema)
        return self._placed(frame, plan, SPACE_METRICS)

    def org_users(self, start, end) -> pd.DataFrame:
        """One row per user with their totals over the range (unverified endpoint)."""
        plan = self.plan(ORG_USERS.name, start, end)

        def one(window, load):
            params = {"startDate": window.start.isoformat(), "endDate": window.end.isoformat()}
            return data_rows("builder", load.get(ORG_USERS.path, params))

        rows = self.fetch(plan, one)[0]
        return drop_repeats(
            build_frame(rows, ORG_USERS.schema, where=ORG_USERS.where), list(ORG_USERS.natural_key)
        )
