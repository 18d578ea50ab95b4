"""What an alert and the weekly digest say: plain text, email subject and Slack blocks."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from alerts import SERIES_KINDS
from alerts.lifecycle import Alert
from alerts.messages import (
    Digest,
    Message,
    ProjectionRow,
    alerts_message,
    amount,
    digest_message,
    scrub,
    scrub_message,
    span,
    times,
)

APP = "https://ours.example"
EMAIL_PATTERN = re.compile(r"[\w.+-]+(@|%40)[\w-]+\.[\w.]+")


def anomaly(kind="person_ai_spend_usd", subject="ana@example.com", **changes) -> Alert:
    unit = SERIES_KINDS[kind][2]
    values = dict(
        id="a1",
        kind=kind,
        subject=subject,
        first_day=dt.date(2026, 11, 3),
        last_day=dt.date(2026, 11, 3),
        value=412.8 if unit == "USD" else 12_300.0,
        expected=50.1 if unit == "USD" else 1_500.0,
        usual_low=30.0 if unit == "USD" else 1_100.0,
        usual_high=71.2 if unit == "USD" else 1_900.0,
        unit=unit,
        peak_day=dt.date(2026, 11, 3),
        link=f"{APP}/firebender?person=ana%40example.com",
    )
    values.update(changes)
    return Alert(**values)


def budget(scope="org", measure="ci_credits", unit="credits", **changes) -> Alert:
    values = dict(
        id="b1",
        kind="budget",
        subject=scope,
        first_day=dt.date(2026, 11, 1),
        last_day=dt.date(2026, 11, 21),
        value=123_400.0,
        expected=100_000.0,
        usual_low=118_000.0,
        usual_high=129_000.0,
        unit=unit,
        measure=measure,
        link=f"{APP}/alerts",
    )
    values.update(changes)
    return Alert(**values)


def everything(message: Message) -> str:
    return message.subject + "\n" + message.text + "\n" + json.dumps(message.blocks)


# --- numbers ---------------------------------------------------------------------------------


def test_amounts_are_written_for_people():
    assert amount(1234.5, "USD") == "$1,234.50"
    assert amount(-3.0, "USD") == "-$3.00"
    assert amount(12_300.4, "credits") == "12,300 credits"
    assert amount(7.5, "credits") == "7.5 credits"
    assert amount(7.0, "credits") == "7 credits"
    assert amount(float("nan"), "USD") == "unknown"


def test_times_usual_reads_as_a_multiple_and_is_absent_without_a_usual_value():
    assert times(412.8, 50.1) == "x8.2 usual"
    assert times(12_000.0, 100.0) == "x120 usual"
    assert times(5.0, 0.0) is None


def test_spans_name_the_month_once_when_they_can():
    assert span(dt.date(2026, 11, 2), dt.date(2026, 11, 4)) == "2–4 Nov 2026"
    assert span(dt.date(2026, 10, 30), dt.date(2026, 11, 2)) == "30 Oct – 2 Nov 2026"
    assert span(dt.date(2026, 12, 30), dt.date(2027, 1, 2)) == "30 Dec 2026 – 2 Jan 2027"


# --- an anomaly ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, subject, what, who, value, usual",
    [
        (
            "org_ai_spend_usd",
            "org",
            "AI model spend",
            "the organisation",
            "$412.80",
            "$30.00–$71.20",
        ),
        (
            "org_ci_credits",
            "org",
            "CI credits",
            "the organisation",
            "12,300 credits",
            "1,100–1,900 credits",
        ),
        (
            "person_ai_spend_usd",
            "person-3f2a9c01de",
            "AI model spend",
            "person-3f2a9c01de",
            "$412.80",
            "$30.00–$71.20",
        ),
        (
            "pipeline_ci_credits",
            "web/deploy",
            "CI credits",
            "pipeline web/deploy",
            "12,300 credits",
            "1,100–1,900 credits",
        ),
        (
            "team_ai_spend_usd",
            "Mobile",
            "AI model spend",
            "team Mobile",
            "$412.80",
            "$30.00–$71.20",
        ),
        (
            "team_ci_credits",
            "Mobile",
            "CI credits",
            "team Mobile",
            "12,300 credits",
            "1,100–1,900 credits",
        ),
    ],
)
def test_each_anomaly_kind_says_what_who_the_day_the_value_the_usual_range_and_the_link(
    kind, subject, what, who, value, usual
):
    link = f"{APP}/view?kind={kind}"
    message = alerts_message([anomaly(kind, subject, link=link)], APP)
    line = message.text.splitlines()[1]
    assert line.startswith(f"• {what} for {who} on Tue 3 Nov 2026: {value}, x8.2 usual")
    assert f"usual range {usual}" in line
    assert line.endswith(f"View: {link}")
    section = message.blocks[1]
    assert section["type"] == "section"
    assert (
        f"*{what}* for *{who}* on *Tue 3 Nov 2026*: *{value}*, x8.2 usual"
        in (section["text"]["text"])
    )
    assert f"<{link}|View in the app>" in section["text"]["text"]
    assert section["accessory"] == {
        "type": "button",
        "text": {"type": "plain_text", "text": "View"},
        "url": link,
    }
    assert message.subject == f"AI & CI alert: {what} for {who}: x8.2 usual on 3 Nov"


def test_an_anomaly_over_several_days_names_the_peak_day_and_the_span():
    alert = anomaly(
        first_day=dt.date(2026, 11, 2),
        last_day=dt.date(2026, 11, 4),
        peak_day=dt.date(2026, 11, 3),
    )
    text = alerts_message([alert]).text
    assert "on Tue 3 Nov 2026" in text
    assert "out of range 2–4 Nov 2026 (3 days)" in text


def test_an_anomaly_without_a_link_has_no_button_and_no_view():
    message = alerts_message([anomaly(link=None)])
    assert "View" not in message.text
    assert "accessory" not in message.blocks[1]


def test_an_anomaly_over_a_usual_zero_says_above_its_usual_range():
    text = alerts_message([anomaly(expected=0.0, usual_low=0.0, usual_high=0.0)]).text
    assert "$412.80, above its usual range (usually $0.00" in text
    assert "x" not in text.split("$412.80")[1].split("(")[0]


def test_an_anomaly_already_back_in_range_says_so():
    alert = anomaly(state="resolved", resolved_on=dt.date(2026, 11, 4))
    assert "back in range on Wed 4 Nov 2026" in alerts_message([alert]).text


def test_pipeline_names_are_escaped_for_slack_but_plain_in_the_email_text():
    message = alerts_message([anomaly("pipeline_ci_credits", "build <main> & test")])
    assert "pipeline build <main> & test" in message.text
    assert "build &lt;main&gt; &amp; test" in message.blocks[1]["text"]["text"]
    assert "build &lt;main&gt; &amp; test" in message.payload()["text"]


# --- a budget alert --------------------------------------------------------------------------


def test_a_budget_alert_says_scope_measure_projection_interval_budget_and_the_low_end():
    message = alerts_message([budget()], APP)
    line = message.text.splitlines()[1]
    assert line.startswith(
        "• Budget: CI credits for the organisation is projected to end November 2026 at "
        "123,400 credits (80% interval 118,000–129,000 credits), over its monthly budget of "
        "100,000 credits; even the low end of the projection passes the budget "
        "(by 18,000 credits)."
    )
    assert "settled days up to Sat 21 Nov 2026" in line
    assert line.endswith(f"View: {APP}/alerts")
    section = message.blocks[1]["text"]["text"]
    assert "*Budget: CI credits* for *the organisation*" in section
    assert "Even the low end of the projection passes the budget" in section
    assert (
        message.subject
        == "AI & CI alert: CI credits for the organisation will pass its November 2026 budget"
    )


def test_a_team_budget_in_dollars_reads_as_money():
    alert = budget(
        "Web",
        "ai_spend_usd",
        "USD",
        value=17_900.0,
        expected=15_000.0,
        usual_low=16_800.0,
        usual_high=19_100.0,
    )
    text = alerts_message([alert]).text
    assert (
        "Budget: AI model spend for team Web is projected to end November 2026 at $17,900.00"
        in text
    )
    assert "(80% interval $16,800.00–$19,100.00)" in text
    assert "monthly budget of $15,000.00" in text


# --- many alerts, the payload ----------------------------------------------------------------


def test_several_alerts_have_one_header_one_section_each_and_a_context():
    message = alerts_message([anomaly(), budget(), anomaly("pipeline_ci_credits", "web")], APP)
    types = [block["type"] for block in message.blocks]
    assert types == ["header", "section", "section", "section", "context"]
    assert message.blocks[0]["text"]["text"] == "AI and CI: 3 new alerts"
    assert message.subject.startswith("AI & CI alerts: 3 new (AI model spend for ana@example.com")
    assert message.text.startswith("3 alerts from the AI and CI dashboard:")
    assert f"<{APP}|Open the app>" in message.blocks[-1]["elements"][0]["text"]


def test_a_hundred_alerts_stay_within_slacks_limits_and_count_the_rest():
    alerts = [anomaly("pipeline_ci_credits", f"pipeline-{i:03d}", id=str(i)) for i in range(100)]
    message = alerts_message(alerts, APP)
    assert len(message.blocks) <= 50
    assert "…and 60 more" in message.text
    assert any("…and 60 more" in json.dumps(b, ensure_ascii=False) for b in message.blocks)
    assert all(
        len(b["text"]["text"]) <= (150 if b["type"] == "header" else 3000)
        for b in message.blocks
        if "text" in b
    )


def test_the_slack_payload_is_valid_json_with_text_and_blocks():
    payload = alerts_message([anomaly(), budget()], APP).payload()
    again = json.loads(json.dumps(payload))
    assert set(again) == {"text", "blocks"}
    assert isinstance(again["text"], str) and again["text"]
    assert all(block["type"] in ("header", "section", "context") for block in again["blocks"])
    for block in again["blocks"]:
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn"


def test_no_alerts_make_a_message_that_says_nothing_is_new():
    message = alerts_message([])
    assert message.text == "No new alerts."
    assert message.blocks[0]["text"]["text"] == "AI and CI: no new alerts"


def spike_day_alerts() -> list[Alert]:
    """An org AI spike on 4 Nov, three people and a team rising with it, a pipeline's unrelated
    shift the same day and a person's runaway the day before."""
    day4 = dict(first_day=dt.date(2026, 11, 4), last_day=dt.date(2026, 11, 4))
    day4["peak_day"] = day4["first_day"]
    return [
        anomaly("person_ai_spend_usd", "ana@example.com", id="p1", value=30.0, **day4),
        anomaly("org_ai_spend_usd", "org", id="o1", value=71.5, link=f"{APP}/firebender", **day4),
        anomaly("pipeline_ci_credits", "docs/build", id="c1", **day4),
        anomaly("person_ai_spend_usd", "bo@example.com", id="p2", value=20.0, link=None, **day4),
        anomaly("team_ai_spend_usd", "Web", id="t1", value=55.0, expected=0.0, **day4),
        anomaly("person_ai_spend_usd", "cy@example.com", id="p3", value=99.0),  # 3 Nov
    ]


def test_an_org_spike_is_said_once_with_the_people_and_teams_that_rose_with_it():
    message = alerts_message(spike_day_alerts(), APP)
    assert message.blocks[0]["text"]["text"] == "AI and CI: 6 new alerts"  # every alert counted
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    # the org's section, the pipeline (another family) and the day-before runaway stand alone
    assert len(sections) == 3
    # read as Slack shows them (safe.text puts an invisible word joiner after each @)
    sections = [text.replace("\u2060", "") for text in sections]
    org = next(text for text in sections if "*the organisation*" in text)
    assert "Also out of range from that day (3):" in org
    assert f"<{APP}/firebender?person=ana%40example.com|ana@example.com $30.00 (x0.6 usual)>" in org
    assert "bo@example.com $20.00 (x0.4 usual)" in org  # no link, named plainly
    assert "team Web $55.00 (usually $0.00)" in org  # no multiple of nothing
    assert "docs/build" not in org and "cy@example.com" not in org
    assert any("pipeline docs/build" in text for text in sections)
    assert any("cy@example.com" in text and "Tue 3 Nov" in text for text in sections)

    lines = message.text.splitlines()
    org_line = next(i for i, line in enumerate(lines) if "for the organisation" in line)
    assert lines[org_line].endswith(f"View: {APP}/firebender")
    assert lines[org_line + 1] == "  Also out of range from that day (3):"
    assert lines[org_line + 2] == (
        f"  – ana@example.com $30.00 (x0.6 usual). View: {APP}/firebender?person=ana%40example.com"
    )
    assert lines[org_line + 3] == "  – bo@example.com $20.00 (x0.4 usual)."
    assert sum(line.startswith("• ") for line in lines) == 3


def test_without_the_org_alert_people_and_teams_stand_alone():
    alone = [a for a in spike_day_alerts() if a.kind != "org_ai_spend_usd"]
    message = alerts_message(alone, APP)
    assert sum(b["type"] == "section" for b in message.blocks) == 5
    assert "Also out of range" not in message.text


def test_a_grouped_section_names_at_most_eight_and_counts_the_rest():
    day4 = dict(first_day=dt.date(2026, 11, 4), last_day=dt.date(2026, 11, 4))
    day4["peak_day"] = day4["first_day"]
    alerts = [anomaly("org_ci_credits", "org", id="o", **day4)] + [
        anomaly("pipeline_ci_credits", f"p{i:02d}", id=f"p{i}", **day4) for i in range(11)
    ]
    message = alerts_message(alerts, APP)
    section = message.blocks[1]["text"]["text"]
    assert "Also out of range from that day (11):" in section
    assert "pipeline p07" in section and "pipeline p08" not in section
    assert " and 3 more.\n<" in section  # then the org's own link
    assert "  – pipeline p10 12,300 credits (x8.2 usual)." in message.text  # email lists all


# --- privacy and secrets ---------------------------------------------------------------------


def test_with_hide_emails_no_email_appears_anywhere_in_an_alert_message():
    alerts = [anomaly(), anomaly("team_ai_spend_usd", "Web", link=f"{APP}/?who=bo@example.org")]
    assert EMAIL_PATTERN.search(everything(alerts_message(alerts, APP)))  # the premise
    hidden = alerts_message(alerts, APP, hide_emails=True)
    assert not EMAIL_PATTERN.search(everything(hidden))
    assert "AI model spend for [person] on" in hidden.text


def test_with_hide_emails_no_email_appears_anywhere_in_the_digest():
    digest = Digest(
        period=(dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        totals=[("AI model spend", "$4,120.00")],
        verdict="Most spend is from ana@example.com.",
        open_alerts=[anomaly()],
        app_url=APP,
    )
    assert not EMAIL_PATTERN.search(everything(digest_message(digest, hide_emails=True)))


def test_scrub_replaces_every_secret_longest_first_and_leaves_short_values_alone():
    url = "https://hooks.slack.com/services/T1/B2/abcdefTOKEN123"
    text = f"posting to {url} (token abcdefTOKEN123) with key sk-live-9999 and pw abc"
    cleaned = scrub(text, [url, "abcdefTOKEN123", "sk-live-9999", "abc", ""])
    assert cleaned == "posting to [redacted] (token [redacted]) with key [redacted] and pw abc"


def test_scrub_message_reaches_the_subject_text_and_every_block_including_escaped_secrets():
    secret = "pa<ss>&word"
    message = Message(
        subject=f"s {secret}",
        text=f"t {secret}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "pa&lt;ss&gt;&amp;word"}}],
    )
    cleaned = scrub_message(message, [secret])
    assert "word" not in everything(cleaned)
    assert cleaned.text == "t [redacted]"


# --- the weekly digest -----------------------------------------------------------------------


def week_digest(**changes) -> Digest:
    values = dict(
        period=(dt.date(2026, 11, 16), dt.date(2026, 11, 22)),
        totals=[
            ("AI model spend", "$4,120.00"),
            ("CI credits", "123,000 credits"),
            ("CI spend", "$73.80"),
        ],
        verdict="No clear evidence that AI use moves CI credits (n = 40 weeks).",
        projections=[
            ProjectionRow("org", "ai_spend_usd", 8_100.0, 17_900.0, 16_800.0, 19_100.0, 15_000.0),
            ProjectionRow(
                "org", "ci_credits", 300_000.0, 480_000.0, 440_000.0, 520_000.0, 500_000.0
            ),
            ProjectionRow("Web", "ci_credits", 40_000.0, 60_000.0, 50_000.0, 70_000.0, 55_000.0),
            ProjectionRow("Web", "ci_spend_usd", 24.0, 36.0, 30.0, 42.0, 100.0),
            ("Mobile", "ai_spend_usd", 1_000.0, 2_000.0, 1_800.0, 2_200.0, None),
        ],
        open_alerts=[anomaly("pipeline_ci_credits", "web/deploy", link=None), budget()],
        app_url=APP,
        month=dt.date(2026, 11, 1),
    )
    values.update(changes)
    return Digest(**values)


def test_the_digest_is_titled_by_its_week():
    message = digest_message(week_digest())
    assert message.subject == "AI and CI, week of 16 Nov 2026"
    assert message.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "AI and CI, week of 16 Nov 2026"},
    }
    assert message.text.startswith("AI and CI, week of 16 Nov 2026 (16–22 Nov 2026)")


def test_the_digest_renders_totals_verdict_projections_against_budget_and_open_alerts():
    message = digest_message(week_digest())
    text = message.text
    for line in (
        "• AI model spend: $4,120.00",
        "• CI credits: 123,000 credits",
        "• CI spend: $73.80",
    ):
        assert line in text
    assert "Verdict: No clear evidence that AI use moves CI credits (n = 40 weeks)." in text
    assert "November 2026 projection (from settled days)" in text
    assert (
        "• The organisation, AI model spend: $8,100.00 so far, projected $17,900.00 "
        "(80%: $16,800.00–$19,100.00); budget $15,000.00: over budget (even the low end of the "
        "projection)"
    ) in text
    assert "The organisation, CI credits: 300,000 credits so far" in text
    assert "budget 500,000 credits: could pass it" in text
    assert "Team Web, CI credits: 40,000 credits so far, projected 60,000 credits" in text
    assert "budget 55,000 credits: likely over budget" in text
    assert "Team Web, CI spend: $24.00 so far" in text and "budget $100.00: within budget" in text
    assert "Team Mobile, AI model spend: $1,000.00 so far" in text and "no budget set" in text
    assert "Open alerts (2)" in text
    assert "• CI credits for pipeline web/deploy on Tue 3 Nov 2026: 12,300 credits" in text
    assert "• Budget: CI credits for the organisation is projected" in text
    assert text.rstrip().endswith(f"App: {APP}")
    blocks = json.dumps(message.blocks, ensure_ascii=False)
    assert "*Totals, 16–22 Nov 2026*" in blocks
    assert "*Verdict*" in blocks and "*November 2026 projection (from settled days)*" in blocks
    assert "*Open alerts (2)*" in blocks
    assert message.blocks[-1]["type"] == "context"


def test_a_quiet_week_without_verdict_projections_or_alerts_says_so():
    message = digest_message(
        week_digest(verdict=None, projections=[], open_alerts=[], app_url=None)
    )
    assert "Verdict" not in message.text and "projection" not in message.text
    assert "No open alerts." in message.text
    assert "App:" not in message.text
    assert json.loads(json.dumps(message.payload()))["blocks"]


def test_a_digest_with_many_open_alerts_stays_within_slacks_block_limit():
    alerts = [anomaly("pipeline_ci_credits", f"p{i}", id=str(i)) for i in range(80)]
    message = digest_message(week_digest(open_alerts=alerts))
    assert len(message.blocks) <= 50
    assert "Open alerts (80)" in message.text


def test_the_digest_groups_an_open_org_spike_with_what_rose_with_it_and_counts_every_alert():
    message = digest_message(week_digest(open_alerts=spike_day_alerts()))
    assert "Open alerts (6)" in message.text
    after = message.text.split("Open alerts (6)")[1]
    assert sum(line.startswith("• ") for line in after.splitlines()) == 3
    assert "  Also out of range from that day (3):" in after
    assert "*Open alerts (6)*" in json.dumps(message.blocks, ensure_ascii=False)
