"""Hostile names (pipelines, teams, people) in alert and digest messages stay inert: no Slack
link, mention or formatting, no control character, and no link made of a vendor's URL in the
e-mail's HTML."""

from __future__ import annotations

import datetime as dt
import json

from alerts.deliver import DeliverySettings, _email, _html
from alerts.lifecycle import Alert
from alerts.messages import Digest, alerts_message, digest_message
from tests.alerts.test_messages import APP, anomaly
from tests.alerts.test_messages import budget as budget_alert

PLANTED = "<https://evil.example|click me> *bold* _it_ ~gone~ `code` <!channel> \x1b[31m\x07\u202e"


def pipeline_alert(subject: str = PLANTED, kind="pipeline_ci_credits", **changes) -> Alert:
    return anomaly(kind, subject, **{"link": f"{APP}/codefresh?pipeline=x", **changes})


def _slack_texts(message) -> list[str]:
    texts = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("type") == "mrkdwn":
                texts.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message.blocks)
    return texts


def _check_slack(message) -> None:
    payload = json.dumps(message.payload())
    # Slack's links and mentions are <...>: the planted ones arrive escaped, as text
    assert "<!channel>" not in payload and "<https://evil" not in payload
    for text in _slack_texts(message):
        assert "*bold*" not in text and "_it_" not in text and "~gone~" not in text
        assert "`" not in text
    for bad in ("\x1b", "\x07", "\u202e"):
        assert bad not in payload and bad not in message.text and bad not in message.subject


def test_a_hostile_pipeline_name_is_inert_in_the_alert_message():
    message = alerts_message([pipeline_alert()], APP)
    _check_slack(message)
    # the name is still there, readable: the marks are escaped, not dropped
    assert "click me" in message.blocks[1]["text"]["text"]
    assert "bold" in message.blocks[1]["text"]["text"]


def test_hostile_names_are_inert_when_said_under_an_organisation_spike():
    org = pipeline_alert("org", id="o1", kind="org_ci_credits")
    followers = [pipeline_alert(id=f"f{i}") for i in range(3)]
    message = alerts_message([org, *followers], APP)
    _check_slack(message)


def test_a_hostile_team_name_is_inert_in_a_budget_alert_and_the_digest():
    budget = budget_alert(scope=PLANTED, link=f"{APP}/alerts")
    _check_slack(alerts_message([budget], APP))
    digest = Digest(
        period=(dt.date(2026, 11, 2), dt.date(2026, 11, 8)),
        totals=[("CI credits", "12,300 credits")],
        verdict="No clear evidence *yet* for team " + PLANTED,
        open_alerts=[budget, pipeline_alert()],
        app_url=APP,
    )
    _check_slack(digest_message(digest))


def test_an_email_makes_links_only_of_the_apps_own_urls():
    message = alerts_message([pipeline_alert("deploy https://evil.example/login now")], APP)
    html = _html(message.text, message.links)
    assert f'<a href="{APP}/codefresh?pipeline=x">' in html
    assert 'href="https://evil.example' not in html
    assert "https://evil.example/login" in html  # shown as text
    email = _email(message, DeliverySettings.from_values({"ALERT_EMAIL_FROM": "a@ours.example"}))
    body = email.get_body(("html",)).get_content()
    assert "evil.example/login</a>" not in body and 'href="https://evil' not in body


def test_a_very_long_name_is_cut_in_the_message():
    message = alerts_message([pipeline_alert("x" * 10_000)], APP)
    assert len(message.text) < 2_000
    assert all(len(text) <= 3_000 for text in _slack_texts(message))
    assert "…" in message.text


def test_a_url_or_address_in_a_name_is_not_linked_by_slack_and_emails_stay_hidden():
    from safe.text import WORD_JOINER

    message = alerts_message([pipeline_alert("deploy https://evil.example ops@evil.example")], APP)
    text = message.blocks[1]["text"]["text"]
    assert "https://evil" not in text and f"https:{WORD_JOINER}//evil" in text
    assert "ops@evil" not in text
    hidden = alerts_message([pipeline_alert("owner ana@example.com")], APP, hide_emails=True)
    assert "ana" not in json.dumps(hidden.payload()) and "[person]" in json.dumps(hidden.payload())
