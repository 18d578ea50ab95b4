"""Codefresh analytics reports, as the sandbox serves them.

    GET /api/analytics/reports/{reportName}?granularity=...&dateRange=START&dateRange=END
    GET /api/analytics/metadata

Auth is `Authorization: <raw key>` (no "Bearer"). Errors are `{"status", "name", "message"}`
with the documented messages; the 401 body `{"message": "Unauthorized"}` is our guess. The range
rules live in TIME_DIMENSIONS and are read by `dates.within_interval`; metadata is built from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from . import data, keys
from .dates import days, parse_day, period_start, within_interval
from .messages import Context, Reply, Request

METADATA = "/api/analytics/metadata"
_REPORT = re.compile(r"/api/analytics/reports/([^/]+)")

_CREDIT_RULES = (
    (None, "1 day", "1 year"),
    ("month", "1 day", "1 year"),
    ("day", "2 days", "45 days"),
)


@dataclass(frozen=True)
class Report:
    description: str
    members: tuple[str, ...]
    time_dimensions: tuple[tuple[str | None, str, str], ...]  # (granularity, min, max)


REPORTS = {
    "creditConsumption": Report(
        "Credits consumed, by resource class", ("resourceClass", "credits"), _CREDIT_RULES
    ),
    "pipelineCreditConsumption": Report(
        "Credits consumed, by pipeline", ("pipelineName", "credits"), _CREDIT_RULES
    ),
    "activeCommitters": Report(
        "Distinct committers per calendar month",
        ("activeCommitters",),
        (("month", "3 months", "1 year"),),
    ),
    # Not in the vendor's how-to: only discoverable through the metadata endpoint.
    "pipelineBuilds": Report("Builds run, by pipeline", ("pipelineName", "builds"), _CREDIT_RULES),
}


def owns(path: str) -> bool:
    return path.startswith("/api/analytics/")


def error(status: int, name: str, message: str) -> Reply:
    return Reply(status, {"status": status, "name": name, "message": message})


def time_dimensions_error(report: str) -> Reply:
    return error(
        400,
        "BadRequestError",
        "Passed structure is invalid - "
        f"[Time dimensions are not supported for target report: {report}]",
    )


def handle(req: Request, ctx: Context) -> Reply:
    report = _REPORT.fullmatch(req.path)
    if req.method != "GET" or not (report or req.path == METADATA):
        return error(404, "NotFoundError", "Not found")
    key = req.header("authorization")
    if key not in (keys.CODEFRESH_KEY, keys.CODEFRESH_LIMITED_KEY):
        return Reply(401, {"message": "Unauthorized"})  # body shape: a guess
    if not report:
        return Reply(200, metadata())
    name = report.group(1)
    if name not in REPORTS:
        return error(400, "BadRequestError", "Invalid report name")
    if key == keys.CODEFRESH_LIMITED_KEY:
        return error(403, "AuthError", "Permission denied")

    bounds = req.query.get("dateRange", [])
    if len(bounds) != 2:
        return time_dimensions_error(name)
    start, end = parse_day(bounds[0]), parse_day(bounds[1])
    if start is None or end is None:
        return error(400, "BadRequestError", "Invalid date")
    granularity = req.param("granularity") or None
    rules = {g: (low, high) for g, low, high in REPORTS[name].time_dimensions}
    if granularity not in rules or not within_interval(start, end, *rules[granularity]):
        return time_dimensions_error(name)
    if max(start, data.DATA_START) > min(end, ctx.today):
        return error(500, "InternalServerError", "Could not get analytics report")

    first = start - timedelta(days=1) if ctx.overlap else start
    window = list(days(max(first, data.DATA_START), min(end, ctx.today)))
    rows = (
        _committer_rows(window, ctx.today, ctx.world)
        if name == "activeCommitters"
        else _rows(name, window, granularity, ctx.world)
    )
    return Reply(
        200,
        {
            "data": rows,
            "timeDimensions": {
                "dateRange": [
                    f"{start.isoformat()}T00:00:00.000",
                    f"{end.isoformat()}T23:59:59.999",
                ],
                "granularity": granularity,
            },
        },
    )


def daily_values(name: str, day: date, world: data.World = data.DEMO) -> dict[str, int]:
    """One day of a summable report: key -> credits in hundredths, or builds."""
    today = world.codefresh_day(day)
    if name == "pipelineBuilds":
        return dict(today.builds)
    if name == "pipelineCreditConsumption":
        return dict(today.credits_cents)
    by_class: dict[str, int] = {}
    for pipeline, cents in today.credits_cents.items():
        resource = world.pipeline_class[pipeline]
        by_class[resource] = by_class.get(resource, 0) + cents
    return by_class


def _value(name: str, amount: int):
    if name == "pipelineBuilds":
        return amount
    if name == "pipelineCreditConsumption":
        return f"{amount / 100:.2f}"  # this report's values arrive as strings [3p]
    return round(amount / 100, 2)


def _rows(name: str, window: list[date], granularity: str | None, world: data.World) -> list[dict]:
    buckets: dict[date | None, dict[str, int]] = {}
    for day in window:
        bucket = buckets.setdefault(period_start(day, granularity) if granularity else None, {})
        for key, amount in daily_values(name, day, world).items():
            bucket[key] = bucket.get(key, 0) + amount
    rows = []
    for label, bucket in buckets.items():
        for key in sorted(bucket):
            row = {"key": key}
            if label is not None:
                row["time"] = f"{label.isoformat()}T00:00:00.000"
            row["value"] = _value(name, bucket[key])
            rows.append(row)
    return rows


def month_committers(month: date, today: date, world: data.World = data.DEMO) -> int:
    """Distinct developers who committed in the calendar month starting `month` (up to today)."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = min(following - timedelta(days=1), today)
    found: set[str] = set()
    for day in days(max(month, data.DATA_START), last):
        found |= world.codefresh_day(day).committers
    return len(found)


def _committer_rows(window: list[date], today: date, world: data.World) -> list[dict]:
    months = sorted({day.replace(day=1) for day in window})
    return [
        {
            "key": "activeCommitters",
            "time": f"{month.isoformat()}T00:00:00.000",
            "value": month_committers(month, today, world),
        }
        for month in months
    ]


def metadata() -> dict:
    return {
        "reports": [
            {
                "reportName": name,
                "type": "timeseries",
                "description": report.description,
                "filters": [],
                "members": list(report.members),
                "supportedTimeDimensions": [
                    {"granularity": g, "minDateRangeInterval": low, "maxDateRangeInterval": high}
                    for g, low, high in report.time_dimensions
                ],
            }
            for name, report in REPORTS.items()
        ]
    }
