"""`python -m sync --alert` against the sandbox's HTTP server with planted anomalies (scenario
"anomalies", seed 0): each planted event reaches a local webhook once, naming its day and person
or pipeline; a second run sends nothing new; a webhook that fails is retried on the next run."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alerts import lifecycle
from alerts.deliver import webhook_session
from connectors.sandbox import Sandbox, anomalies, keys
from connectors.sandbox.server import running_server
from store import Store
from sync import alerting
from teams.privacy import pseudonym
from tests.alerts.test_delivery import FakeClock, receiver

from .conftest import PROJECT

TODAY = dt.date(2026, 11, 13)  # the sandbox's last day; the sync holds through the day before
TOKEN = "XyZsecretWebhookToken123"
LABELS = anomalies.labels(0)
POSITIVE = [label for label in LABELS if label.event in anomalies.POSITIVE]


@pytest.fixture(scope="module")
def server():
    sandbox = Sandbox(today=TODAY, scenario="anomalies", seed=0)
    with running_server(sandbox) as url:
        yield url


def settings(url: str, hook: str) -> dict[str, str]:
    return {
        "APP_DOTENV": "",
        "FIREBENDER_API_KEY": keys.FIREBENDER_KEY,
        "CODEFRESH_API_KEY": keys.CODEFRESH_KEY,
        "FIREBENDER_BASE_URL": url,
        "CODEFRESH_BASE_URL": url,
        "ALERT_WEBHOOK_URL": f"{hook}/services/T0001/B0002/{TOKEN}",
        "APP_URL": "https://ours.example",
    }


def sync_alert(store, values, *extra: str) -> subprocess.CompletedProcess:
    command, env = sync_alert_command(store, values, *extra)
    return subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=PROJECT, timeout=240
    )


def sync_alert_command(store, values, *extra: str) -> tuple[list[str], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALERT_", "HISTORY_DIR"))}
    env.update(values)
    return (
        [
            sys.executable,
            "-m",
            "sync",
            "--only",
            "firebender",
            "--only",
            "codefresh",
            "--since",
            "2026-08-01",
            "--until",
            str(TODAY - dt.timedelta(days=1)),
            "--alert",
            "--store",
            str(store),
            *extra,
        ],
        env,
    )


def test_sync_alert_sends_each_planted_anomaly_once_and_a_second_run_nothing_new(server, tmp_path):
    store = tmp_path / "store"
    with receiver((200, "ok")) as hook:
        values = settings(server, hook.url)
        first = sync_alert(store, values)
        assert first.returncode == 0, first.stderr[-2000:]
        assert len(hook.bodies) == 1
        payload = json.loads(hook.bodies[0])
        assert payload["text"] and payload["blocks"]
        table = lifecycle.typed(Store(str(store)).alerts())
        assert table[["notified_webhook"]].notna().all().all()
        # the org spike's people and teams are said under it: fewer sections than alerts
        sections = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
        assert len(sections) < len(table)
        assert any("*the organisation*" in t and "Also out of range" in t for t in sections)
        for label in POSITIVE:
            kind, subject = label.required[0]
            mine = table[(table["kind"] == kind) & (table["subject"] == subject)]
            started = mine[
                (mine["first_day"] >= str(label.first_day))
                & (mine["first_day"] <= str(label.first_day + dt.timedelta(days=2)))
            ]
            assert len(started) == 1, (label, mine)
            name = "the organisation" if subject == "org" else subject
            assert name in payload["text"]
            assert f"{label.first_day.day} Nov 2026" in payload["text"]
        second = sync_alert(store, values, "--digest")
        assert second.returncode == 0, second.stderr[-2000:]
        assert "0 new" in second.stdout
        assert len(hook.bodies) == 2  # no alert again: the weekly digest only
        digest = json.loads(hook.bodies[1])["text"]
        assert digest.startswith("AI and CI, week of 2 Nov 2026")  # the last settled week
        assert "AI model spend: $" in digest and "November 2026 projection" in digest
        assert "docs/build" in digest  # the shifted pipeline is still open
        third = sync_alert(store, values, "--digest")
        assert third.returncode == 0 and len(hook.bodies) == 2  # the week's digest went
    for output in (
        first.stdout,
        first.stderr,
        second.stdout,
        second.stderr,
        hook.bodies[0].decode(),
    ):
        assert TOKEN not in output
        assert keys.FIREBENDER_KEY not in output and keys.CODEFRESH_KEY not in output


def test_a_webhook_that_fails_keeps_the_alerts_and_the_next_run_delivers_them_once(
    server, tmp_path
):
    store = tmp_path / "store"
    with receiver((200, "ok")) as quiet:
        values = {**settings(server, quiet.url)}
        values.pop("ALERT_WEBHOOK_URL")
        done = sync_alert(store, values)  # fills the store; no channel yet
        assert done.returncode == 0, done.stderr[-2000:]
    found = lifecycle.typed(Store(str(store)).alerts())
    assert len(found) >= len(POSITIVE)
    clock = FakeClock()
    with webhook_session(clock=clock.time, sleeper=clock.sleep) as session:
        with receiver((500, "down")) as broken:
            values = settings(server, broken.url)
            out, err = io.StringIO(), io.StringIO()
            code = alerting.run(Store(str(store)), values, TODAY, out, err, session=session)
            assert code == 1 and "kept for the next run" in err.getvalue()
            assert len(broken.bodies) > 1  # retried within the run's budget
            assert TOKEN not in err.getvalue()
        table = lifecycle.typed(Store(str(store)).alerts())
        assert table["notified_webhook"].isna().all()
        assert (table["attempts"] == 1).all() and table["last_error"].notna().all()
        with receiver((200, "ok")) as working:
            values = settings(server, working.url)
            for _ in range(2):
                code = alerting.run(
                    Store(str(store)), values, TODAY, io.StringIO(), io.StringIO(), session=session
                )
                assert code == 0
            assert len(working.bodies) == 1
            text = json.loads(working.bodies[0])["text"]
    assert str(len(found)) in text.splitlines()[0]
    table = lifecycle.typed(Store(str(store)).alerts())
    assert table["notified_webhook"].notna().all()


def test_with_pseudonyms_on_no_email_reaches_the_store_or_the_webhook(server, tmp_path):
    store = tmp_path / "store"
    with receiver((200, "ok")) as hook:
        values = {**settings(server, hook.url), "PSEUDONYMIZE_PEOPLE": "true"}
        values["PSEUDONYM_SALT"] = "alert-test-salt-77"
        done = sync_alert(store, values)
        assert done.returncode == 0, done.stderr[-2000:]
        (body,) = hook.bodies
    text = body.decode() + done.stdout + done.stderr
    assert "@example.com" not in text and "%40example.com" not in text
    table = lifecycle.typed(Store(str(store)).alerts())
    people = table[table["kind"] == "person_ai_spend_usd"]["subject"]
    assert len(people) and people.str.fullmatch(r"person-[0-9a-f]{10}").all()
    runaway = next(label for label in POSITIVE if label.event == "runaway")
    assert pseudonym(runaway.subject, "alert-test-salt-77") in set(people)


def test_a_run_killed_while_sending_never_sends_the_same_alerts_twice(server, tmp_path):
    """It used to send the same 12 alerts again on the next run."""
    store, received, running = tmp_path / "store", [], {}

    class KillingReceiver(BaseHTTPRequestHandler):
        """Takes the message, then kills the sender before it can record the delivery."""

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.headers.get("Idempotency-Key"), body))
            running["sync"].kill()
            running["sync"].wait()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), KillingReceiver)
    threading.Thread(target=hook.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{hook.server_port}"
        command, env = sync_alert_command(store, settings(server, url))
        running["sync"] = subprocess.Popen(
            command, env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert running["sync"].wait(timeout=240) == -signal.SIGKILL
    finally:
        hook.shutdown()
        hook.server_close()
    ((key, _),) = received
    assert key and key.startswith("alerts-")  # the receiver can tell a repeat by it
    with receiver((200, "ok")) as working:
        again = sync_alert(store, settings(server, working.url))
        assert again.returncode == 0, again.stderr[-2000:]
        assert working.bodies == []  # not a second message
    assert "were being sent by webhook when a run was interrupted: not sent again" in again.stderr
    assert key in again.stderr
    table = lifecycle.typed(Store(str(store)).alerts())
    assert table["notified_webhook"].notna().all() and table["sending_webhook"].isna().all()
