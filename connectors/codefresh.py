"""Codefresh analytics reports: credits, pipeline credits, active committers, any other report."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import requests

from . import endpoints, ranges
from .base import Client, Progress, base_url_from_env, data_rows, drop_repeats, trim
from .errors import AuthError, InvalidRangeError, ResponseFormatError
from .frames import build_frame, concat
from .http import VendorAPI
from .schemas import optional

DEFAULT_BASE_URL = "https://g.codefresh.io"  # [doc]; on-premises differ
METADATA = endpoints.get("codefresh.metadata")


class CodefreshClient(Client):
    vendor = "codefresh"

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
                "codefresh",
                "no key given: set CODEFRESH_API_KEY (User Settings -> "
                "API keys, with Analytics access).",
            )
        # [doc] The raw key, without "Bearer".
        self.api = VendorAPI(
            "codefresh",
            base_url_from_env("codefresh", DEFAULT_BASE_URL, base_url),
            {"Authorization": api_key},
            session,
        )

    def report(
        self, name: str, start, end, granularity: str | None = None, dataset=None
    ) -> pd.DataFrame:
        """Rows `key, period, value` (+ any other field); with no granularity one row per key
        summed over the range, its period the range's first day. A report the catalogue does
        not declare is planned by `dataset` (see `endpoints.codefresh_reports`) when given,
        else sent as one request."""
        dataset = dataset or endpoints.BY_REPORT.get(name)
        if dataset is not None:
            plan = ranges.plan(dataset.rules, start, end, granularity, self.today)
        else:
            plan = _single_window(name, start, end, granularity, self.today)
        path = endpoints.CATALOGUE["codefresh.credit_consumption"].path.format(
            report=requests.utils.quote(name, safe="")
        )
        no_data = dataset.no_data if dataset else endpoints.CODEFRESH_NO_DATA

        def one(window, load):
            params = ([("granularity", granularity)] if granularity else []) + [
                ("dateRange", window.start.isoformat()),
                ("dateRange", window.end.isoformat()),
            ]
            payload = load.get(path, params, no_data=no_data)
            return [] if payload is None else data_rows("codefresh", payload)

        schema = endpoints.CATALOGUE["codefresh.credit_consumption"].schema
        # [doc] rows carry `time` only when a granularity is asked for.
        checked = schema if granularity else optional(schema, "period")
        where = ("codefresh", f"report {name} ({path})")
        frames = [
            build_frame(rows, checked, keep_extra=True, where=where)
            for rows in self.fetch(plan, one)
        ]
        frame = concat(frames, schema)
        if granularity is None:
            return _sum_per_key(frame, plan.start)
        return drop_repeats(trim(frame, "period", plan), ["key", "period"])

    def credit_consumption(self, start, end, granularity: str | None = None) -> pd.DataFrame:
        return self.report("creditConsumption", start, end, granularity)

    def pipeline_credit_consumption(
        self, start, end, granularity: str | None = None
    ) -> pd.DataFrame:
        return self.report("pipelineCreditConsumption", start, end, granularity)

    def active_committers(self, start, end) -> pd.DataFrame:
        """Distinct committers per calendar month (whole months, fetched in 3-12 month windows)."""
        return self.report("activeCommitters", start, end, "month")

    def metadata(self) -> pd.DataFrame:
        """The reports the account offers: one row per report x supported time dimension."""
        payload = self.api.load().get(METADATA.path)
        reports = payload.get("reports") if isinstance(payload, dict) else None
        if not isinstance(reports, list):
            raise ResponseFormatError(
                "codefresh", 'the metadata has no "reports" list; the API may have changed.'
            )
        rows = []
        for report in reports:
            if not isinstance(report, dict):
                continue
            dims = [d for d in report.get("supportedTimeDimensions") or [] if isinstance(d, dict)]
            for dim in dims or [{}]:
                rows.append({**report, **dim})
        return build_frame(rows, METADATA.schema, where=METADATA.where)


def _single_window(name, start, end, granularity, today) -> ranges.Plan:
    """A report with no rules on file: one request, checked only for order and the future."""
    start, end = (
        ranges.as_date(v, what, ranges.EndpointRules("codefresh", name, {}))
        for v, what in ((start, "Start"), (end, "End"))
    )
    today = today or ranges.utc_today()
    if end < start or end > today:
        raise InvalidRangeError(
            "codefresh",
            f"{name}: choose a range that starts on or before its end and ends by {today}.",
        )
    return ranges.Plan(name, granularity, start, end, (ranges.Window(start, end),))


def _sum_per_key(frame: pd.DataFrame, start: dt.date) -> pd.DataFrame:
    """Aggregated windows add up per key; the range's first day stands as the period."""
    if frame.empty:
        return frame
    summed = frame.groupby("key", sort=True, as_index=False, dropna=False)["value"].sum(min_count=1)
    summed.insert(1, "period", pd.Timestamp(start).as_unit("ns"))
    return summed.astype({"period": "datetime64[ns]"})
