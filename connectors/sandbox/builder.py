"""Builder.io Fusion metrics, as the sandbox serves them.

    GET /api/v1/orgs/fusion/metrics                  org key
    GET /api/v1/spaces/{spacePublicKey}/fusion/metrics  that space's private key, or the org key
                                                     (the world's spaces: keys.builder_spaces)
    GET /api/v1/orgs/fusion/users                    org key (endpoint known from third parties)

Auth is `Authorization: Bearer <key>`. A missing or wrong key, or an unknown space, is a 404
("not found or not authorized"), as the vendor documents. The error body `{"error": "..."}` is
our guess: the vendor page lists statuses only.

Week, month and quarter rows are labelled by the period's first day (ISO weeks). The fault kinds
in `LABEL_KINDS` (faults.py) serve other conventions Builder might use (`Context.labels`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import data, keys
from .dates import add_months, count_dates, days, iso_ms, parse_day, period_start
from .messages import Context, Reply, Request

GRANULARITIES = ("day", "week", "month", "quarter")
MAX_DAY_DATES = 90  # granularity=day: at most this many dates (inclusive) per request

ORG_METRICS = "/api/v1/orgs/fusion/metrics"
ORG_USERS = "/api/v1/orgs/fusion/users"
_SPACE_METRICS = re.compile(r"/api/v1/spaces/([^/]+)/fusion/metrics")


def owns(path: str) -> bool:
    return path.startswith("/api/v1/")


def error(status: int, message: str) -> Reply:
    return Reply(status, {"error": message})  # body shape: a guess (see the module docstring)


def handle(req: Request, ctx: Context) -> Reply:
    path = req.path.rstrip("/")
    space = _SPACE_METRICS.fullmatch(path)
    if req.method != "GET" or not (path in (ORG_METRICS, ORG_USERS) or space):
        return error(404, "Not found")
    if space:
        known = ctx.world.spaces.get(space.group(1))
        if known is None or req.bearer() not in (keys.BUILDER_ORG_KEY, known[1]):
            return error(404, "Space not found or not authorized")
    elif req.bearer() != keys.BUILDER_ORG_KEY:
        return error(404, "Organization not found or not authorized")

    parsed = _parse_range(req, with_granularity=path != ORG_USERS)
    if isinstance(parsed, Reply):
        return parsed
    start, end, granularity = parsed
    window = _data_window(start, end, ctx)
    if path == ORG_USERS:
        return Reply(200, {"data": _user_rows(window, ctx.world)})
    label = None
    if ctx.labels and granularity != "day":  # faults: another label convention
        label = labeller(
            ctx.labels, granularity, start - timedelta(days=1) if ctx.overlap else start
        )
    if space:
        return Reply(200, _space_metrics(space.group(1), window, granularity, ctx.world, label))
    return Reply(200, _org_metrics(window, granularity, ctx.world, label))


def _parse_range(req: Request, with_granularity: bool):
    bounds = []
    for name in ("startDate", "endDate"):
        raw = req.param(name)
        if not raw:
            return error(400, f"Missing required parameter: {name}")
        day = parse_day(raw)
        if day is None:
            return error(400, f"Invalid {name}: expected a date in YYYY-MM-DD format")
        bounds.append(day)
    start, end = bounds
    granularity = req.param("granularity") if with_granularity else None
    if granularity is None:
        granularity = "day"
    if granularity not in GRANULARITIES:
        return error(400, "Invalid granularity: must be one of day, week, month, quarter")
    if end < start:
        return error(400, "endDate must not be before startDate")
    if with_granularity and granularity == "day" and count_dates(start, end) > MAX_DAY_DATES:
        return error(
            400,
            f"Date range cannot exceed {MAX_DAY_DATES} days for day granularity "
            f"(requested {count_dates(start, end)} days)",
        )
    return start, end, granularity


def _data_window(start: date, end: date, ctx: Context) -> list[date]:
    if ctx.overlap:
        start -= timedelta(days=1)
    lo, hi = max(start, data.DATA_START), min(end, ctx.today)
    return list(days(lo, hi)) if lo <= hi else []


def _periods(window: list[date], granularity: str, world: data.World, label=None) -> dict:
    """Period label -> every activity record of the period's days inside the window.
    `label(day)`: the label of the period holding `day` (default: the period's first day)."""
    label = label or (lambda day: period_start(day, granularity))
    periods: dict[date, list] = {}
    for day in window:
        periods.setdefault(label(day), []).extend(world.builder_activity(day))
    return periods


# ---------------------------------------------------------------- other label conventions

# Fault kinds (faults.py): how week/month/quarter rows are labelled. "weeks_sunday" combines
# with one of the others (Sunday-Saturday weeks labelled by their last day: a Saturday).
WEEKS_SUNDAY = "weeks_sunday"  # weeks run Sunday-Saturday, labelled by their Sunday
LABEL_LAST_DAY = "labels_last_day"  # a period is labelled by its last day (may be after endDate)
LABEL_RANGE_START = "labels_range_start"  # a period begun before startDate: labelled startDate
LABEL_MID_PERIOD = "labels_mid_period"  # week: its 4th day; month: the 15th; quarter: 15th of
#                                         its middle month
LABEL_KINDS = (WEEKS_SUNDAY, LABEL_LAST_DAY, LABEL_RANGE_START, LABEL_MID_PERIOD)


def labeller(kinds, granularity: str, range_start: date):
    """label(day) for the period holding `day` under the conventions `kinds`."""

    def first_of(day: date) -> date:
        if granularity == "week" and WEEKS_SUNDAY in kinds:
            return day - timedelta(days=(day.weekday() + 1) % 7)
        return period_start(day, granularity)

    def label(day: date) -> date:
        first = first_of(day)
        if LABEL_LAST_DAY in kinds:
            return period_end(first, granularity)
        if LABEL_MID_PERIOD in kinds:
            if granularity == "week":
                return first + timedelta(days=3)
            return add_months(first, 1 if granularity == "quarter" else 0).replace(day=15)
        if LABEL_RANGE_START in kinds:
            return max(first, range_start)
        return first

    return label


def period_end(first: date, granularity: str) -> date:
    """The last day of the period that begins on `first`."""
    if granularity == "day":
        return first
    if granularity == "week":
        return first + timedelta(days=6)
    return add_months(first, 3 if granularity == "quarter" else 1) - timedelta(days=1)


def _lines(items) -> dict:
    return {
        "linesAdded": sum(a.lines_added for a in items),
        "linesRemoved": sum(a.lines_removed for a in items),
        "totalLines": sum(a.total_lines for a in items),
        "linesAccepted": sum(a.lines_accepted for a in items),
    }


def _tokens(items) -> dict:
    return {
        "total": sum(a.tokens_total for a in items),
        "input": sum(a.tokens_input for a in items),
        "output": sum(a.tokens_output for a in items),
        "cacheWrite": sum(a.tokens_cache_write for a in items),
        "cacheInput": sum(a.tokens_cache_input for a in items),
    }


def _org_metrics(window, granularity, world, label=None) -> dict:
    rows, everyone = [], []
    for period, items in _periods(window, granularity, world, label).items():
        everyone += items
        by_space: dict[str, list] = {}
        for item in items:
            by_space.setdefault(item.space, []).append(item)
        spaces = [
            {"spaceId": public, "spaceName": name, **_lines(by_space.get(public, ()))}
            for public, (name, _) in world.spaces.items()
        ]
        rows.append(
            {
                "period": period.isoformat(),
                "metrics": {
                    **_lines(items),
                    "events": sum(a.events for a in items),
                    "users": len({a.email for a in items}),
                    "userPrompts": sum(a.user_prompts for a in items),
                    "spaces": spaces,
                },
            }
        )
    return {
        "data": rows,
        "summary": {
            "totalLinesGenerated": sum(a.total_lines for a in everyone),
            "totalLinesAccepted": sum(a.lines_accepted for a in everyone),
            "users": len({a.email for a in everyone}),
            "totalUserPrompts": sum(a.user_prompts for a in everyone),
        },
    }


def _space_metrics(public, window, granularity, world, label=None) -> dict:
    rows, everyone = [], []
    for period, items in _periods(window, granularity, world, label).items():
        mine = [a for a in items if a.space == public]
        everyone += mine
        lines = _lines(mine)
        rows.append(
            {
                "period": period.isoformat(),
                "metrics": {
                    "linesAdded": lines["linesAdded"],
                    "linesRemoved": lines["linesRemoved"],
                    "linesAccepted": lines["linesAccepted"],
                    "totalLines": lines["totalLines"],
                    "events": sum(a.events for a in mine),
                    "users": len({a.email for a in mine}),
                    "userPrompts": sum(a.user_prompts for a in mine),
                    "tokens": _tokens(mine),
                },
            }
        )
    return {
        "data": rows,
        "summary": {  # the vendor's sample says "totalUsers" here, "users" for orgs
            "totalLinesGenerated": sum(a.total_lines for a in everyone),
            "totalLinesAccepted": sum(a.lines_accepted for a in everyone),
            "totalUsers": len({a.email for a in everyone}),
            "totalUserPrompts": sum(a.user_prompts for a in everyone),
        },
    }


def credits_text(tenths: int) -> str:
    """Credits as the decimal string third-party code saw ("210", "210.5")."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def _user_rows(window, world) -> list[dict]:
    by_user: dict[str, list] = {}
    for day in window:
        for item in world.builder_activity(day):
            by_user.setdefault(item.email, []).append(item)
    rows = []
    for email in sorted(by_user):
        items = by_user[email]
        lines = _lines(items)
        rows.append(
            {
                "userId": items[0].user_id,
                "userEmail": email,
                "lastActive": iso_ms(max(a.last_active_ms for a in items)),
                "designExports": sum(a.design_exports for a in items),
                "metrics": {
                    "linesAdded": lines["linesAdded"],
                    "linesRemoved": lines["linesRemoved"],
                    "linesAccepted": lines["linesAccepted"],
                    "totalLines": lines["totalLines"],
                    "events": sum(a.events for a in items),
                    "userPrompts": sum(a.user_prompts for a in items),
                    "creditsUsed": credits_text(
                        sum(a.credits_tenths for a in items)
                    ),  # a string [3p]
                    "prsMerged": sum(a.prs_merged for a in items),
                    "tokens": _tokens(items),
                },
            }
        )
    return rows
