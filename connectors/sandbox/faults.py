"""Fault injection: rules that make the sandbox misbehave the way real APIs do.

A rule matches a request by vendor ("builder" | "firebender" | "codefresh" | None = all) and by a
substring of the path. It skips the first `after` matching requests, then fires `times` times
(None = forever). Kinds:

    "429"            429 with Retry-After: retry_after (default 1)
    "500" "502" "503" that status with the vendor's error body (Retry-After if retry_after is set)
    "432"            Codefresh's "analytics report not finished yet"
    "html"           502 with an HTML error page (text/html), as a proxy in front would send
    "slow"           answer after `seconds` (default 1.0)
    "drop"           no response at all: the connection is dropped
    "trickle"        the answer's body sent one byte at a time, `seconds` apart (default 0.05):
                     every socket read is quick, the whole answer takes minutes
    "truncate"       status 200 and the full Content-Length, but only half the body
    "drift_missing"  a documented field removed from every row
    "drift_type"     that same field sent as text that is not a number ("n/a") in every row
    "drift_extra"    an unknown field added to every row
    "drift_strings"  every number in the rows sent as a string
    "drift_nulls"    some numeric fields in the rows sent as null
    "drift_optional" a field the vendor's docs call optional ("when available": Firebender's
                     model requests' `mode`) left out of every row
    "controls"       control characters (ESC [2J, which clears a terminal, and BEL) around a
                     vendor's text (a model, a Codefresh key, a space's name) in every row
    "huge_text"      that text 200 KiB long in the first row of each answer (past the csv
                     module's 128 KiB cell limit)
    "empty"          `data: []`
    "repeat_cursor"  Firebender: nextCursor is the cursor that was sent (paging never ends)
    "overlap"        rows from the day before the requested window are included too

Builder's week/month/quarter metrics with another period label convention (the sandbox labels a
period by its first day, weeks Monday-Sunday); the same days, grouped and labelled their way:

    "weeks_sunday"        weeks run Sunday-Saturday, labelled by their Sunday
    "labels_last_day"     a period is labelled by its last day (weeks: the Sunday)
    "labels_range_start"  a period that begins before startDate is labelled startDate
    "labels_mid_period"   a week by its fourth day, a month by its 15th, a quarter by the 15th
                          of its middle month

"weeks_sunday" combines with one of the other three (with "labels_last_day": Saturdays).

Error kinds replace the answer; the row kinds, "truncate" and "repeat_cursor" only change 200
JSON answers (they are used up by any matching request all the same).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields

from . import builder
from .messages import Reply, Request

VENDORS = ("builder", "firebender", "codefresh")
ERROR_KINDS = ("429", "500", "502", "503", "432", "html")
LABEL_KINDS = builder.LABEL_KINDS  # Builder's period label conventions (see above)
ROW_KINDS = (
    "drift_missing",
    "drift_type",
    "drift_extra",
    "drift_strings",
    "drift_nulls",
    "drift_optional",
    "controls",
    "huge_text",
    "empty",
)
KINDS = (
    ERROR_KINDS
    + ROW_KINDS
    + LABEL_KINDS
    + ("slow", "trickle", "drop", "truncate", "repeat_cursor", "overlap")
)

DEFAULT_RETRY_AFTER = 1
DEFAULT_SLOW_SECONDS = 1.0
DEFAULT_TRICKLE_SECONDS = 0.05  # between two bytes
EXTRA_FIELD = "sandboxUnexpectedField"
WRONG_TYPE = "n/a"  # drift_type: a documented number sent as text that is not one
# drift_missing removes (drift_type replaces) the first of these paths a row has (one per dataset).
_DRIFT_MISSING = (("metrics", "linesAccepted"), ("agentPrompts",), ("costUsd",), ("value",))
_DRIFT_OPTIONAL = ("mode",)  # drift_optional removes these (optional by the vendor's docs)
_NOT_NULLED = ("date",)
_VENDOR_TEXT = ("model", "key", "spaceName")  # "controls" and "huge_text" change these
CONTROLS = "\x1b[2J\x07"  # clear the screen, ring the bell
HUGE_TEXT_CHARACTERS = 200 * 1024  # drift_nulls keeps a row's identity fields

_MESSAGES = {
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
}
_CODEFRESH_NAMES = {
    429: "TooManyRequestsError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
}

HTML_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class FaultRule:
    kind: str
    vendor: str | None = None
    path_contains: str | None = None
    times: int | None = None  # None: always
    after: int = 0  # skip the first N matching requests
    retry_after: float | None = None
    seconds: float | None = None
    message: str | None = None  # an error kind's text instead of the usual (control characters)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; expected one of {', '.join(KINDS)}"
            )
        if self.vendor not in (None,) + VENDORS:
            raise ValueError(
                f"unknown vendor {self.vendor!r}; expected one of {', '.join(VENDORS)}"
            )
        if self.times is not None and self.times < 0 or self.after < 0:
            raise ValueError("times and after must not be negative")

    @classmethod
    def from_dict(cls, raw: dict) -> FaultRule:
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
        return cls(**raw)

    def to_dict(self) -> dict:
        return asdict(self)

    def matches(self, vendor: str | None, path: str) -> bool:
        return self.vendor in (None, vendor) and (
            not self.path_contains or self.path_contains in path
        )


class FaultBook:
    """The active rules and how often each has matched and fired. Thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: list[list] = []  # [rule, matched, fired]

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._entries.append([rule, 0, 0])
        return rule

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [entry[0] for entry in self._entries]

    def fire(self, vendor: str | None, path: str) -> list[FaultRule]:
        """The rules that apply to this request (counting it against every matching rule)."""
        firing = []
        with self._lock:
            for entry in self._entries:
                rule = entry[0]
                if not rule.matches(vendor, path):
                    continue
                entry[1] += 1
                if entry[1] > rule.after and (rule.times is None or entry[2] < rule.times):
                    entry[2] += 1
                    firing.append(rule)
        return firing


def error_body(vendor: str | None, status: int, message: str) -> dict:
    """An error body in the vendor's own shape."""
    if vendor == "codefresh":
        return {"status": status, "name": _CODEFRESH_NAMES.get(status, "Error"), "message": message}
    return {"error": message}


def error_reply(rule: FaultRule, vendor: str | None) -> Reply:
    if rule.kind == "html":
        return Reply.html(502, HTML_PAGE)
    if rule.kind == "432":
        reply = Reply(
            432,
            {
                "status": 432,
                "name": "ReportExecutionError",
                "message": "analytics report not finished yet",
            },
        )
    else:
        status = int(rule.kind)
        reply = Reply(status, error_body(vendor, status, rule.message or _MESSAGES[status]))
    retry_after = rule.retry_after
    if rule.kind == "429" and retry_after is None:
        retry_after = DEFAULT_RETRY_AFTER
    if retry_after is not None:
        reply.headers["Retry-After"] = _seconds_text(retry_after)
    return reply


def _seconds_text(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else str(seconds)


def mutate(kinds, payload, req: Request) -> None:
    """Apply the row kinds and repeat_cursor to a 200 JSON payload, in place."""
    if not isinstance(payload, dict):
        return
    rows = payload.get("data")
    if "repeat_cursor" in kinds and "nextCursor" in payload:
        body = req.json(None)
        sent = body.get("cursor") if isinstance(body, dict) else None
        if sent:
            payload["nextCursor"] = sent
    if not isinstance(rows, list):
        return
    if "empty" in kinds:
        payload["data"] = []
        if "nextCursor" in payload:
            payload["nextCursor"] = None
        return
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        if "drift_missing" in kinds:
            _remove_documented_field(row)
        if "drift_type" in kinds:
            _remove_documented_field(row, replace_with=WRONG_TYPE)
        if "drift_extra" in kinds:
            row[EXTRA_FIELD] = "unexpected"
        for name in _VENDOR_TEXT if {"controls", "huge_text"} & set(kinds) else ():
            if isinstance(row.get(name), str):
                if "controls" in kinds:
                    row[name] = f"{CONTROLS}{row[name]}{CONTROLS}"
                if "huge_text" in kinds and index == 0:
                    row[name] = row[name] + "x" * HUGE_TEXT_CHARACTERS
        if "drift_optional" in kinds:
            for name in _DRIFT_OPTIONAL:
                row.pop(name, None)
        if "drift_nulls" in kinds:
            _null_some_numbers(row, index)
        if "drift_strings" in kinds:
            rows[index] = row = _numbers_as_strings(row)


def _remove_documented_field(row: dict, replace_with=None) -> None:
    for path in _DRIFT_MISSING:
        holder = row
        for part in path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and path[-1] in holder:
            if replace_with is None:
                del holder[path[-1]]
            else:
                holder[path[-1]] = replace_with
            return


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers_as_strings(value):
    if _is_number(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _numbers_as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers_as_strings(item) for item in value]
    return value


def _null_some_numbers(row: dict, index: int) -> None:
    """Null every third numeric leaf (offset by the row's index), identity fields kept."""
    leaves = []

    def walk(holder):
        for key, value in holder.items():
            if isinstance(value, dict):
                walk(value)
            elif _is_number(value) and key not in _NOT_NULLED:
                leaves.append((holder, key))

    walk(row)
    for position, (holder, key) in enumerate(leaves):
        if (position + index) % 3 == 0:
            holder[key] = None
