"""Delivery against real receivers on loopback: a webhook (http.server in a thread) and an SMTP
server (aiosmtpd), both started by the tests. Retry waits go to a fake clock: counted, not slept."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import smtplib
import socket
import ssl
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

from alerts.deliver import DeliverySettings, Outcome, send, webhook_session  # noqa: E402
from alerts.lifecycle import Alert  # noqa: E402
from alerts.messages import Message, alerts_message  # noqa: E402

TOKEN = "xoxTokenSecret0123456789"
PASSWORD = "correct-horse-battery"
VENDOR_KEY = "fb_live_key_0123456789abcdef"


def alert(**changes) -> Alert:
    values = dict(
        id="a1",
        kind="pipeline_ci_credits",
        subject="web/deploy",
        first_day=dt.date(2026, 11, 3),
        last_day=dt.date(2026, 11, 3),
        value=12_300.0,
        expected=1_500.0,
        usual_low=1_100.0,
        usual_high=1_900.0,
        unit="credits",
        peak_day=dt.date(2026, 11, 3),
        link="https://ours.example/codefresh?pipeline=web%2Fdeploy",
    )
    values.update(changes)
    return Alert(**values)


MESSAGE = alerts_message([alert()], "https://ours.example")


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(clock):
    with webhook_session(clock=clock.time, sleeper=clock.sleep) as session:
        yield session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the webhook receiver -------------------------------------------------------------------


class Receiver:
    """Answers with `plan` in order (the last answer repeats) and records every body."""

    def __init__(self, plan):
        self.plan = list(plan)
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        self.accepted: list[dict] = []
        self.url = ""

    def answer(self):
        return self.plan.pop(0) if len(self.plan) > 1 else self.plan[0]


@contextmanager
def receiver(*plan):
    """`plan`: (status, body) or (status, body, headers) answers."""
    record = Receiver(plan or [(200, "ok")])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status, text, *rest = record.answer()
            record.bodies.append(body)
            record.paths.append(self.path)
            if 200 <= status < 300:
                record.accepted.append(json.loads(body))
            data = text.encode()
            self.send_response(status)
            for name, value in (rest[0] if rest else {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    record.url = f"http://127.0.0.1:{server.server_port}/services/T0001/B0002/{TOKEN}"
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def webhook_settings(url: str) -> DeliverySettings:
    return DeliverySettings.from_values({"ALERT_WEBHOOK_URL": url})


def test_the_webhook_receives_one_json_post_with_text_and_blocks(session):
    with receiver((200, "ok")) as hook:
        outcomes = send(MESSAGE, webhook_settings(hook.url), session=session)
    assert outcomes == [Outcome("webhook", True, None)]
    assert len(hook.accepted) == 1
    body = hook.accepted[0]
    assert set(body) == {"text", "blocks"}
    assert "12,300 credits" in body["text"] and "web/deploy" in body["text"]
    assert body["blocks"][0]["type"] == "header"
    assert hook.paths == [f"/services/T0001/B0002/{TOKEN}"]


def test_a_receiver_that_fails_first_gets_the_message_once_and_the_waits_are_counted_not_slept(
    session, clock
):
    plan = [(500, "rollup_error"), (429, "rate_limited", {"Retry-After": "7"}), (200, "ok")]
    with receiver(*plan) as hook:
        started = time.monotonic()
        outcomes = send(MESSAGE, webhook_settings(hook.url), session=session)
        took = time.monotonic() - started
    assert outcomes == [Outcome("webhook", True, None)]
    assert len(hook.bodies) == 3  # two failures, then the one that arrived
    assert len(hook.accepted) == 1
    assert clock.sleeps == [0.0, 7.0]  # urllib3 retries the first failure at once; Retry-After
    assert took < 5


def test_a_receiver_that_always_fails_gives_a_clear_outcome_without_the_url_or_token(
    session, clock
):
    with receiver((503, "service unavailable")) as hook:
        outcomes = send(MESSAGE, webhook_settings(hook.url), session=session)
    [outcome] = outcomes
    assert not outcome.ok
    assert outcome.error.startswith("webhook (127.0.0.1): HTTP 503")
    assert "kept for the next run" in outcome.error
    assert TOKEN not in outcome.error and "/services/" not in outcome.error
    assert len(hook.bodies) > 2 and not hook.accepted
    assert 0 < sum(clock.sleeps) <= 30  # the time budget, on the fake clock


def test_a_400_invalid_payload_fails_at_once_and_quotes_slack(session, clock):
    with receiver((400, "invalid_payload")) as hook:
        [outcome] = send(MESSAGE, webhook_settings(hook.url), session=session)
    assert not outcome.ok
    assert 'HTTP 400 "invalid_payload"' in outcome.error
    assert "a fault in the message" in outcome.error
    assert len(hook.bodies) == 1 and clock.sleeps == []


def test_a_revoked_webhook_says_to_set_a_new_url_without_showing_it(session):
    with receiver((404, "no_service")) as hook:
        [outcome] = send(MESSAGE, webhook_settings(hook.url), session=session)
    assert not outcome.ok and "no_service" in outcome.error
    assert "ALERT_WEBHOOK_URL" in outcome.error and TOKEN not in outcome.error


def test_a_long_error_body_is_cut_short(session):
    with receiver((400, "x" * 5000)) as hook:
        [outcome] = send(MESSAGE, webhook_settings(hook.url), session=session)
    assert len(outcome.error) < 400


def test_nothing_listening_at_the_webhook_gives_a_clear_outcome(session, clock):
    url = f"http://127.0.0.1:{free_port()}/services/T0001/B0002/{TOKEN}"
    [outcome] = send(MESSAGE, webhook_settings(url), session=session)
    assert not outcome.ok
    assert "could not be reached" in outcome.error and "refused" in outcome.error.lower()
    assert TOKEN not in outcome.error and "/services/" not in outcome.error


def test_secrets_in_a_message_are_redacted_before_it_is_sent(session):
    leaky = Message(
        subject="s",
        text=f"key {VENDOR_KEY} and the hook {TOKEN}",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": f"key {VENDOR_KEY}"}}],
    )
    with receiver((200, "ok")) as hook:
        send(leaky, webhook_settings(hook.url), session=session, secrets=[VENDOR_KEY])
    sent = hook.bodies[0].decode()
    assert VENDOR_KEY not in sent and TOKEN not in sent
    assert sent.count("[redacted]") == 3


# --- settings -------------------------------------------------------------------------------


def test_settings_list_what_a_half_configuration_lacks_by_setting_name():
    settings = DeliverySettings.from_values(
        {
            "ALERT_WEBHOOK_URL": f"hooks.slack.com/services/{TOKEN}",
            "ALERT_SMTP_HOST": "smtp.example.com",
            "ALERT_SMTP_PORT": "five-eight-seven",
            "ALERT_SMTP_PASSWORD": PASSWORD,
        }
    )
    problems = " ".join(settings.problems())
    assert settings.channels == ("webhook", "email")
    for name in ("ALERT_WEBHOOK_URL", "ALERT_SMTP_PORT", "ALERT_SMTP_USER", "ALERT_EMAIL_TO"):
        assert name in problems
    assert "ALERT_EMAIL_FROM" in problems
    assert TOKEN not in problems and PASSWORD not in problems


def test_email_settings_without_a_host_ask_for_the_host():
    settings = DeliverySettings.from_values(
        {"ALERT_EMAIL_TO": "lead@example.com", "ALERT_EMAIL_FROM": "alerts@example.com"}
    )
    assert settings.channels == ("email",)
    [problem] = settings.problems()
    assert problem.startswith(
        "ALERT_SMTP_HOST is not set, but ALERT_EMAIL_FROM, ALERT_EMAIL_TO are"
    )


def test_full_settings_have_no_problems_and_defaults():
    settings = DeliverySettings.from_values(
        {
            "ALERT_SMTP_HOST": "smtp.example.com",
            "ALERT_SMTP_USER": "alerts@example.com",
            "ALERT_SMTP_PASSWORD": PASSWORD,
            "ALERT_EMAIL_TO": "lead@example.com, Ops <ops@example.com>",
            "ALERT_WEBHOOK_URL": "",
        }
    )
    assert settings.problems() == []
    assert settings.channels == ("email",)
    assert settings.smtp_port == 587 and settings.starttls is None
    assert settings.email_from == "alerts@example.com"  # the user, when it is an address
    assert settings.email_to == ("lead@example.com", "ops@example.com")


def test_nothing_configured_means_no_channel_and_no_outcome():
    settings = DeliverySettings.from_values({})
    assert settings.channels == () and settings.problems() == []
    assert send(MESSAGE, settings) == []


def test_the_settings_repr_never_shows_the_webhook_url_or_password():
    settings = DeliverySettings.from_values(
        {
            "ALERT_WEBHOOK_URL": f"https://hooks.slack.com/services/T1/B2/{TOKEN}",
            "ALERT_SMTP_HOST": "smtp.example.com",
            "ALERT_SMTP_USER": "alerts@example.com",
            "ALERT_SMTP_PASSWORD": PASSWORD,
            "ALERT_EMAIL_TO": "lead@example.com",
        }
    )
    for text in (repr(settings), str(settings), repr(settings.only("email"))):
        assert TOKEN not in text and PASSWORD not in text and "/services/" not in text
    assert "hooks.slack.com" in repr(settings)
    assert settings.only("email").channels == ("email",)


def test_a_misconfigured_channel_is_a_failed_outcome_and_the_other_still_sends(session):
    with receiver((200, "ok")) as hook:
        settings = DeliverySettings.from_values(
            {"ALERT_WEBHOOK_URL": hook.url, "ALERT_SMTP_HOST": "smtp.example.com"}
        )
        outcomes = send(MESSAGE, settings, session=session)
    assert outcomes[0] == Outcome("webhook", True, None)
    assert outcomes[1].channel == "email" and not outcomes[1].ok
    assert "ALERT_EMAIL_TO" in outcomes[1].error
    assert len(hook.accepted) == 1


# --- the SMTP server ------------------------------------------------------------------------


class Sink:
    """An aiosmtpd handler that keeps every message and refuses chosen recipients."""

    def __init__(self, refuse=()):
        self.messages: list[tuple] = []
        self.refuse = set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.ssl)
        )
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login == b"alerts" and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


@contextmanager
def smtp_server(handler=None, **options):
    handler = handler or Sink()
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def email_settings(port: int, **more) -> DeliverySettings:
    values = {
        "ALERT_SMTP_HOST": "127.0.0.1",
        "ALERT_SMTP_PORT": str(port),
        "ALERT_EMAIL_FROM": "AI and CI <alerts@example.com>",
        "ALERT_EMAIL_TO": "lead@example.com, ops@example.com",
    }
    values.update(more)
    return DeliverySettings.from_values(values)


def parsed(content: bytes):
    return message_from_bytes(content, policy=policy.default)


def test_the_email_arrives_with_subject_from_to_and_text():
    with smtp_server() as (sink, port):
        outcomes = send(MESSAGE, email_settings(port))
    assert outcomes == [Outcome("email", True, None)]
    [(sender, recipients, content, _)] = sink.messages
    assert sender == "alerts@example.com"
    assert recipients == ["lead@example.com", "ops@example.com"]
    email = parsed(content)
    assert email["Subject"].strip() == MESSAGE.subject  # the parser keeps a folded space
    assert email["From"] == "AI and CI <alerts@example.com>"
    assert email["To"] == "lead@example.com, ops@example.com"
    text = email.get_body(("plain",)).get_content()
    assert "CI credits for pipeline web/deploy" in text and "12,300 credits" in text
    html = email.get_body(("html",)).get_content()
    assert '<a href="https://ours.example/codefresh?pipeline=web%2Fdeploy">' in html


def test_the_email_logs_in_when_a_user_is_set():
    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (sink, port):
        settings = email_settings(port, ALERT_SMTP_USER="alerts", ALERT_SMTP_PASSWORD=PASSWORD)
        outcomes = send(MESSAGE, settings)
    assert outcomes == [Outcome("email", True, None)]
    assert len(sink.messages) == 1


def test_a_wrong_smtp_password_gives_a_clear_outcome_without_the_password():
    wrong = "not-the-password-42"
    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (sink, port):
        settings = email_settings(port, ALERT_SMTP_USER="alerts", ALERT_SMTP_PASSWORD=wrong)
        [outcome] = send(MESSAGE, settings)
    assert not outcome.ok
    assert outcome.error.startswith(f"email via 127.0.0.1:{port}: the server refused the login")
    assert "535" in outcome.error and "ALERT_SMTP_PASSWORD" in outcome.error
    assert wrong not in outcome.error
    assert sink.messages == []


def test_a_refused_connection_gives_a_clear_outcome_quickly():
    started = time.monotonic()
    [outcome] = send(MESSAGE, email_settings(free_port()))
    assert time.monotonic() - started < 3
    assert not outcome.ok
    assert "connection refused" in outcome.error and "ALERT_SMTP_PORT" in outcome.error


def test_every_recipient_refused_is_a_clear_outcome():
    sink = Sink(refuse={"lead@example.com", "ops@example.com"})
    with smtp_server(sink) as (_, port):
        [outcome] = send(MESSAGE, email_settings(port))
    assert not outcome.ok
    assert "refused every recipient" in outcome.error and "550" in outcome.error
    assert "ALERT_EMAIL_TO" in outcome.error


def test_one_recipient_refused_still_delivers_to_the_others_and_says_so():
    with smtp_server(Sink(refuse={"ops@example.com"})) as (sink, port):
        [outcome] = send(MESSAGE, email_settings(port))
    assert outcome.ok and "ops@example.com" in outcome.error
    assert sink.messages[0][1] == ["lead@example.com"]


def test_the_password_is_not_sent_unencrypted_to_a_remote_server():
    with smtp_server(authenticator=authenticator, auth_require_tls=False) as (sink, port):

        def to_loopback(host, port_, timeout, context):  # smtp.example.com is this server
            return smtplib.SMTP("127.0.0.1", port, timeout=timeout)

        settings = DeliverySettings.from_values(
            {
                "ALERT_SMTP_HOST": "smtp.example.com",
                "ALERT_SMTP_USER": "alerts",
                "ALERT_SMTP_PASSWORD": PASSWORD,
                "ALERT_EMAIL_TO": "lead@example.com",
                "ALERT_EMAIL_FROM": "alerts@example.com",
            }
        )
        [outcome] = send(MESSAGE, settings, smtp=to_loopback)
        allowed = settings.__class__.from_values(
            {
                "ALERT_SMTP_HOST": "smtp.example.com",
                "ALERT_SMTP_USER": "alerts",
                "ALERT_SMTP_PASSWORD": PASSWORD,
                "ALERT_EMAIL_TO": "lead@example.com",
                "ALERT_EMAIL_FROM": "alerts@example.com",
                "ALERT_SMTP_STARTTLS": "false",
            }
        )
        [trusted] = send(MESSAGE, allowed, smtp=to_loopback)
    assert not outcome.ok and "unencrypted" in outcome.error
    assert "ALERT_SMTP_STARTTLS=false" in outcome.error
    assert trusted.ok and len(sink.messages) == 1


def test_starttls_required_but_not_offered_is_a_clear_outcome():
    with smtp_server() as (sink, port):
        [outcome] = send(MESSAGE, email_settings(port, ALERT_SMTP_STARTTLS="true"))
    assert not outcome.ok and "does not offer STARTTLS" in outcome.error
    assert sink.messages == []


# --- TLS: STARTTLS when offered, implicit TLS on 465, certificates verified -----------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert file, key file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def server_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_starttls_is_used_when_offered_and_the_certificate_is_verified(certificate, monkeypatch):
    with smtp_server(tls_context=server_context(certificate)) as (sink, port):
        [untrusted] = send(MESSAGE, email_settings(port))
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # now the client trusts it
        [trusted] = send(MESSAGE, email_settings(port))
    assert not untrusted.ok and "certificate could not be verified" in untrusted.error
    assert trusted.ok
    [(_, _, _, tls)] = sink.messages
    assert tls is not None  # the message travelled over TLS


def test_port_465_uses_implicit_tls_with_a_verified_certificate_and_logs_in(
    certificate, monkeypatch
):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    used = []
    options = dict(
        ssl_context=server_context(certificate),
        authenticator=authenticator,
        auth_require_tls=False,  # aiosmtpd counts only STARTTLS as TLS
    )
    with smtp_server(**options) as (sink, port):

        def implicit_tls(host, port_, timeout, context):  # "465" is this server's port
            used.append((port_, context))
            return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)

        settings = email_settings(465, ALERT_SMTP_USER="alerts", ALERT_SMTP_PASSWORD=PASSWORD)
        [outcome] = send(MESSAGE, settings, smtp=implicit_tls)
    assert outcome.ok
    [(asked_port, context)] = used
    assert asked_port == 465
    assert context is not None and context.verify_mode.name == "CERT_REQUIRED"
    assert len(sink.messages) == 1  # SMTP_SSL with a verifying context got through


def test_a_failing_webhook_does_not_stop_the_email(session):
    with receiver((400, "invalid_payload")) as hook, smtp_server() as (sink, port):
        settings = DeliverySettings.from_values(
            {
                "ALERT_WEBHOOK_URL": hook.url,
                "ALERT_SMTP_HOST": "127.0.0.1",
                "ALERT_SMTP_PORT": str(port),
                "ALERT_EMAIL_FROM": "alerts@example.com",
                "ALERT_EMAIL_TO": "lead@example.com",
            }
        )
        webhook, email = send(MESSAGE, settings, session=session)
    assert (webhook.channel, webhook.ok) == ("webhook", False)
    assert email == Outcome("email", True, None)
    assert len(sink.messages) == 1
