"""What an alert and the weekly digest say: a subject, a plain text and Slack blocks.

One `Message` serves both channels: `text` is Slack's `text` (the notification and fallback) and
the email's body, `subject` the email's subject, `blocks` Slack's Block Kit layout. Messages are
built from alerts and figures only: they never receive a key. Two last-line guards still apply:
`hide_emails=True` replaces anything that looks like an email address (also URL-encoded, in
links) with "[person]", and `scrub(text, secrets)`, which `deliver.send` runs on everything it
sends, replaces any secret value with "[redacted]".

Numbers are written for people: "$1,234.50", "12,300 credits", "x8.2 usual"; days are UTC
calendar days, e.g. "Tue 3 Nov 2026".

Names from outside (people, teams, pipelines, the verdict) reach Slack through `safe.text.slack`
(no link, mention or formatting mark survives) and the text without control characters; the
email's HTML makes links only of the app's own URLs (`Message.links`), never of a URL that came
in with vendor data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from safe.text import WORD_JOINER, plain
from safe.text import slack as _slack
from teams.privacy import EMAIL

from . import MEASURES, SERIES_KINDS
from .lifecycle import Alert

PERSON = "[person]"
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would redact ordinary words
# Slack allows 50 blocks per message; the rest of a long list is counted, not shown.
MAX_LISTED = 40
HEADER_LIMIT = 150  # Slack's limit for a header block's text
SECTION_LIMIT = 3000  # Slack's limit for a section's text
# An email address as safe.text writes it for Slack (a word joiner after the @, against autolinks).
EMAIL_JOINED = re.compile(EMAIL.pattern.replace("@", "@" + WORD_JOINER))
# An email address written into a URL (?person=a%40b.org).
EMAIL_IN_URL = re.compile(r"[A-Za-z0-9._%+'-]+%40[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
SETTLED_NOTE = "Days are UTC calendar days the vendors no longer revise."


@dataclass
class Message:
    subject: str  # the email's subject
    text: str  # plain text: Slack's `text` and the email's body
    blocks: list[dict] = field(default_factory=list)  # Slack Block Kit
    # The same for every attempt to deliver these alerts: the webhook's Idempotency-Key header
    # and the email's Message-ID, so a receiver can drop a repeat.
    key: str | None = None
    links: tuple[str, ...] = ()  # the app's own URLs in `text`: the only ones made links

    def payload(self) -> dict:
        """The JSON body for a Slack-compatible incoming webhook."""
        return {"text": _escape(self.text), "blocks": self.blocks}


@dataclass(frozen=True)
class ProjectionRow:
    scope: str  # "org" or a team
    measure: str  # a key of MEASURES
    actual: float  # the month so far (settled days)
    expected: float  # the month-end projection
    low: float  # its 80% interval
    high: float
    budget: float | None = None

    @property
    def unit(self) -> str:
        return "credits" if self.measure == "ci_credits" else "USD"


@dataclass
class Digest:
    period: tuple[dt.date, dt.date]  # first and last day of the week, inclusive
    totals: list[tuple[str, str]]  # (label, formatted value), e.g. ("AI model spend", "$1.00")
    verdict: str | None = None  # the overview's verdict sentence
    projections: list[ProjectionRow] = field(default_factory=list)
    open_alerts: list[Alert] = field(default_factory=list)
    app_url: str | None = None
    month: dt.date | None = None  # the projections' month (any day in it)


# --- numbers and days ---------------------------------------------------------------------


def amount(value: float | None, unit: str) -> str:
    """ "$1,234.50" or "12,300 credits" (credits below 100 keep one decimal: "7.5 credits")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if unit == "USD":
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.2f}"
    if abs(value) >= 100:
        number = f"{value:,.0f}"
    else:
        number = f"{value:,.1f}".removesuffix(".0")
    return f"{number} {unit}"


def amount_range(low: float, high: float, unit: str) -> str:
    if unit == "USD":
        return f"{amount(low, unit)}–{amount(high, unit)}"
    return f"{amount(low, unit).removesuffix(' ' + unit)}–{amount(high, unit)}"


def times(value: float, usual: float) -> str | None:
    """ "x8.2 usual", or None when the usual value is zero or unknown."""
    if not usual or usual <= 0 or math.isnan(usual) or math.isnan(value):
        return None
    ratio = value / usual
    return f"x{ratio:,.0f} usual" if ratio >= 100 else f"x{ratio:.1f} usual"


def day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def span(first: dt.date, last: dt.date) -> str:
    """ "2–4 Nov 2026", "30 Oct – 2 Nov 2026", "30 Dec 2026 – 2 Jan 2027"."""
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def _date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:  # a pandas Timestamp or NaT
        return None if value != value else value.date()
    except AttributeError:
        return None


def measure_name(measure: str | None) -> str:
    """ "AI model spend" for ai_spend_usd (the unit is in the amounts)."""
    name = MEASURES.get(measure or "", measure or "spend")
    return name.removesuffix(" (USD)")


def scope_name(scope: str) -> str:
    return "the organisation" if scope == "org" else f"team {plain(scope)}"


def _who(alert: Alert) -> str:
    role = SERIES_KINDS[alert.kind][1] if alert.kind in SERIES_KINDS else ""
    if role == "organisation" or alert.subject == "org":
        return "the organisation"
    if role in ("pipeline", "team"):
        return f"{role} {plain(alert.subject)}"
    return plain(alert.subject)


# --- one alert ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Said:
    title: str  # short: a subject line or a header
    plain: str  # the full sentence(s), plain text
    markdown: str  # the same for a Slack section (mrkdwn)


def _anomaly(alert: Alert) -> _Said:
    what = SERIES_KINDS[alert.kind][0] if alert.kind in SERIES_KINDS else alert.kind
    who = _who(alert)
    first, last = _date(alert.first_day), _date(alert.last_day)
    peak = _date(alert.peak_day) or last or first
    unit = alert.unit
    value = amount(alert.value, unit)
    ratio = times(alert.value, alert.expected)
    usual = (
        f"usually {amount(alert.expected, unit)}, "
        f"usual range {amount_range(alert.usual_low, alert.usual_high, unit)}"
    )
    days = (last - first).days + 1 if first and last else 1
    more = []
    if days > 1:
        more.append(f"out of range {span(first, last)} ({days} days)")
    resolved = _date(getattr(alert, "resolved_on", None))
    if resolved or alert.state == "resolved":
        more.append(f"back in range on {day(resolved)}" if resolved else "back in range")
    tail = ("; " + "; ".join(more)) if more else ""
    headline = f"{value}" + (f", {ratio}" if ratio else ", above its usual range")
    plain = f"{what} for {who} on {day(peak)}: {headline} ({usual}){tail}."
    markdown = (
        f"*{_slack(what)}* for *{_slack(who)}* on *{day(peak)}*: *{value}*"
        + (f", {ratio}" if ratio else ", above its usual range")
        + f"\n{usual[0].upper()}{usual[1:]}{tail}."
    )
    title = f"{what} for {who}: " + (ratio or value) + f" on {peak.day} {peak:%b}"
    return _Said(title, plain, markdown)


def _budget(alert: Alert) -> _Said:
    what = measure_name(alert.measure)
    who = scope_name(alert.subject)
    unit = alert.unit
    last = _date(alert.last_day) or _date(alert.first_day)
    month = f"{last:%B %Y}" if last else "this month"
    projected = amount(alert.value, unit)
    interval = amount_range(alert.usual_low, alert.usual_high, unit)
    budget = amount(alert.expected, unit)
    over = alert.usual_low - alert.expected
    over_text = amount(over, unit) if over > 0 else None
    settled = f"Projected from settled days up to {day(last)}." if last else ""
    low_end = "even the low end of the projection passes the budget" + (
        f" (by {over_text})" if over_text else ""
    )
    plain = (
        f"Budget: {what} for {who} is projected to end {month} at {projected} "
        f"(80% interval {interval}), over its monthly budget of {budget}; {low_end}. {settled}"
    ).strip()
    markdown = (
        f"*Budget: {_slack(what)}* for *{_slack(who)}* is projected to end {month} at "
        f"*{projected}* (80% interval {interval}), over its monthly budget of *{budget}*.\n"
        f"{low_end[0].upper()}{low_end[1:]}. {settled}"
    ).strip()
    title = f"{what} for {who} will pass its {month} budget"
    return _Said(title, plain, markdown)


def _said(alert: Alert) -> _Said:
    return _budget(alert) if alert.kind == "budget" else _anomaly(alert)


def _section(markdown: str, link: str | None = None) -> dict:
    text = markdown + (f"\n<{_escape(link)}|View in the app>" if link else "")
    block: dict = {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}
    if link:
        block["accessory"] = {
            "type": "button",
            "text": {"type": "plain_text", "text": "View"},
            "url": link,
        }
    return block


def _header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_LIMIT]}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _more(count: int, app_url: str | None) -> dict:
    where = f" <{_escape(app_url)}|Open the app> to see them all." if app_url else ""
    return {"type": "section", "text": {"type": "mrkdwn", "text": f"…and {count} more.{where}"}}


# --- one event, many series ---------------------------------------------------------------

# An organisation-wide spike also lifts the people, teams and pipelines it is made of; their
# alerts are kept apart (each has its own lifecycle) but said once, under the organisation's.
FOLLOWERS = {
    "org_ai_spend_usd": ("person_ai_spend_usd", "team_ai_spend_usd"),
    "org_ci_credits": ("pipeline_ci_credits", "team_ci_credits"),
}
MAX_NAMED = 8  # followers named in a grouped section; the rest are counted


def _grouped(alerts: list[Alert]) -> list[tuple[Alert, list[Alert]]]:
    """Each alert with the alerts said under it: an organisation anomaly takes the same-family
    anomalies that began on its first day; everything else stands alone. Order is kept."""
    leaders = {
        (alert.kind, _date(alert.first_day)): alert
        for alert in alerts
        if alert.kind in FOLLOWERS and alert.subject == "org"
    }
    under: dict[str, list[Alert]] = {leader.id: [] for leader in leaders.values()}
    taken = set()
    for alert in alerts:
        for kind, followers in FOLLOWERS.items():
            leader = leaders.get((kind, _date(alert.first_day)))
            if alert.kind in followers and leader is not None:
                under[leader.id].append(alert)
                taken.add(id(alert))
    return [(alert, under.get(alert.id, [])) for alert in alerts if id(alert) not in taken]


def _counted(groups: list[tuple[Alert, list[Alert]]]) -> int:
    """The alerts in `groups`: each leader and those said under it."""
    return sum(1 + len(followers) for _, followers in groups)


def _follower(alert: Alert) -> str:
    ratio = times(alert.value, alert.expected)
    usual = ratio or f"usually {amount(alert.expected, alert.unit)}"
    return f"{_who(alert)} {amount(alert.value, alert.unit)} ({usual})"


def _also(count: int) -> str:
    return f"Also out of range from that day ({count}):"


def _view(alert: Alert) -> str:
    return f" View: {alert.link}" if alert.link else ""


def _plain_lines(alert: Alert, one: _Said, followers: list[Alert]) -> list[str]:
    """The email's lines for one group: the leader's bullet, then one sub-line per follower."""
    lines = [f"• {one.plain}{_view(alert)}"]
    if followers:
        lines.append(f"  {_also(len(followers))}")
        lines += [f"  – {_follower(f)}.{_view(f)}" for f in followers]
    return lines


def _markdown(one: _Said, followers: list[Alert]) -> str:
    """The Slack section for one group: followers named (linked) after the leader, at most
    MAX_NAMED of them, the rest counted."""
    if not followers:
        return one.markdown
    named = [
        f"<{_escape(f.link)}|{_slack(_follower(f))}>" if f.link else _slack(_follower(f))
        for f in followers[:MAX_NAMED]
    ]
    rest = len(followers) - len(named)
    return (
        f"{one.markdown}\n{_also(len(followers))} "
        + ", ".join(named)
        + (f" and {rest} more." if rest else ".")
    )


# --- messages -----------------------------------------------------------------------------


def alerts_message(
    alerts: Sequence[Alert], app_url: str | None = None, *, hide_emails: bool = False
) -> Message:
    """The message for new alerts: one section each (the first MAX_LISTED, then a count), an
    organisation anomaly's section also naming the people, teams or pipelines that rose with it
    (see FOLLOWERS). The header and the subject count every alert."""
    count = len(alerts)
    groups = _grouped(list(alerts))
    alerts = [leader for leader, _ in groups]
    said = [_said(leader) for leader in alerts]
    noun = "alert" if count == 1 else "alerts"
    if count == 1:
        subject = f"AI & CI alert: {said[0].title}"
    elif count:
        subject = f"AI & CI alerts: {count} new ({said[0].title}, …)"
    else:
        subject = "AI & CI alerts: nothing new"
    shown = said[:MAX_LISTED]
    hidden = _counted(groups[MAX_LISTED:])
    lines = [f"{count} {noun} from the AI and CI dashboard:" if count else "No new alerts."]
    for (alert, followers), one in zip(groups, shown):
        lines += _plain_lines(alert, one, followers)
    if hidden:
        lines.append(f"…and {hidden} more." + (f" See them all: {app_url}" if app_url else ""))
    elif app_url:
        lines.append(f"App: {app_url}")
    blocks = [_header(f"AI and CI: {count} new {noun}" if count else "AI and CI: no new alerts")]
    blocks += [
        _section(_markdown(one, followers), alert.link)
        for (alert, followers), one in zip(groups, shown)
    ]
    if hidden:
        blocks.append(_more(hidden, app_url))
    blocks.append(
        _context(SETTLED_NOTE + (f" <{_escape(app_url)}|Open the app>" if app_url else ""))
    )
    message = Message(
        subject=subject, text="\n".join(lines), blocks=blocks, links=_links(alerts, app_url)
    )
    message = _map_message(message, _no_controls)
    return without_emails(message) if hide_emails else message


def _standing(row: ProjectionRow) -> str:
    if row.budget is None:
        return "no budget set"
    budget = amount(row.budget, row.unit)
    if row.low > row.budget:
        return f"budget {budget}: over budget (even the low end of the projection)"
    if row.expected > row.budget:
        return f"budget {budget}: likely over budget"
    if row.high > row.budget:
        return f"budget {budget}: could pass it"
    return f"budget {budget}: within budget"


def _projection(row: ProjectionRow) -> str:
    return (
        f"{scope_name(row.scope)[0].upper()}{scope_name(row.scope)[1:]}, "
        f"{measure_name(row.measure)}: {amount(row.actual, row.unit)} so far, projected "
        f"{amount(row.expected, row.unit)} (80%: {amount_range(row.low, row.high, row.unit)}); "
        f"{_standing(row)}"
    )


def digest_message(digest: Digest, *, hide_emails: bool = False) -> Message:
    """The weekly digest: the week's totals, the verdict, the month's projections against
    budget and the open alerts."""
    first, last = digest.period
    title = f"AI and CI, week of {first.day} {first:%b %Y}"
    rows = [r if isinstance(r, ProjectionRow) else ProjectionRow(*r) for r in digest.projections]
    month = digest.month or last
    month_title = f"{month:%B %Y} projection (from settled days)"
    open_count = len(digest.open_alerts)
    groups = _grouped(list(digest.open_alerts))
    alerts = [leader for leader, _ in groups]
    said = [_said(leader) for leader in alerts]
    shown = said[:MAX_LISTED]
    hidden = _counted(groups[MAX_LISTED:])

    lines = [f"{title} ({span(first, last)})", "", "Totals"]
    lines += [f"• {label}: {value}" for label, value in digest.totals] or ["• no data"]
    if digest.verdict:
        lines += ["", f"Verdict: {digest.verdict}"]
    if rows:
        lines += ["", month_title] + [f"• {_projection(row)}" for row in rows]
    lines += ["", f"Open alerts ({open_count})" if alerts else "No open alerts."]
    for (alert, followers), one in zip(groups, shown):
        lines += _plain_lines(alert, one, followers)
    if hidden:
        lines.append(f"…and {hidden} more.")
    if digest.app_url:
        lines += ["", f"App: {digest.app_url}"]

    totals = "\n".join(f"• {_slack(label)}: *{_slack(value)}*" for label, value in digest.totals)
    blocks = [
        _header(title),
        _section(f"*Totals, {span(first, last)}*\n{totals or 'no data'}"),
    ]
    if digest.verdict:
        blocks.append(_section(f"*Verdict*\n{_slack(digest.verdict, SECTION_LIMIT)}"))
    if rows:
        listed = "\n".join(f"• {_slack(_projection(row), None)}" for row in rows)
        blocks.append(_section(f"*{month_title}*\n{listed}"))
    heading = f"*Open alerts ({open_count})*" if alerts else "*No open alerts.*"
    blocks.append(_section(heading))
    room = 50 - len(blocks) - 2  # the "more" line and the context
    blocks += [
        _section(_markdown(one, followers), alert.link)
        for (alert, followers), one in zip(groups[:room], shown[:room])
    ]
    if len(alerts) > room:
        blocks.append(_more(_counted(groups[room:]), digest.app_url))
    app = f" <{_escape(digest.app_url)}|Open the app>" if digest.app_url else ""
    blocks.append(_context(SETTLED_NOTE + app))
    message = Message(
        subject=title,
        text="\n".join(lines),
        blocks=blocks,
        links=_links(digest.open_alerts, digest.app_url),
    )
    message = _map_message(message, _no_controls)
    return without_emails(message) if hide_emails else message


# --- guards -------------------------------------------------------------------------------


def _no_controls(text: str) -> str:
    """The last guard: no control or invisible character anywhere in a message (but the word
    joiners safe.text.slack puts inside URLs and addresses so that Slack does not link them)."""
    return WORD_JOINER.join(plain(part, None, lines=True) for part in text.split(WORD_JOINER))


def _links(alerts: Iterable[Alert], app_url: str | None) -> tuple[str, ...]:
    return tuple(x for x in [app_url, *(a.link for a in alerts)] if x)


def _escape(text: str) -> str:
    """Slack's three control characters, escaped for `text` and mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _map_strings(value, change: Callable[[str], str]):
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value


def _map_message(message: Message, change: Callable[[str], str]) -> Message:
    return replace(
        message,
        subject=change(message.subject),
        text=change(message.text),
        blocks=_map_strings(message.blocks, change),
        links=tuple(change(link) for link in message.links),
    )


def hide_email_addresses(text: str) -> str:
    """`text` with every email address (plain, with safe.text's word joiner after its @, or
    URL-encoded in a link) as "[person]"."""
    text = EMAIL_JOINED.sub(PERSON, text)
    return EMAIL_IN_URL.sub(PERSON, EMAIL.sub(PERSON, text))


def without_emails(message: Message) -> Message:
    return _map_message(message, hide_email_addresses)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value (keys, the webhook URL, the SMTP password) replaced by
    "[redacted]", longest first so a secret inside another goes with it. Values shorter than
    MIN_SECRET_LENGTH characters are left alone (they would redact ordinary words)."""
    for secret in sorted({s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}, key=len)[::-1]:
        text = text.replace(secret, REDACTED)
    return text


def scrub_message(message: Message, secrets: Iterable[str]) -> Message:
    """`message` scrubbed everywhere, including secrets as Slack-escaped in its blocks."""
    secrets = tuple(secrets)
    secrets += tuple(_escape(secret) for secret in secrets if secret)
    return _map_message(message, lambda text: scrub(text, secrets))
