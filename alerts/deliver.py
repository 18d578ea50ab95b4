"""Delivering a message: a Slack-compatible incoming webhook and email over SMTP.

`DeliverySettings.from_values(values)` reads the ALERT_* settings (config/names.py)
and never raises: what is wrong is listed by `problems()`, naming the setting to fix and never
its secret value (the webhook URL carries its token; the SMTP password). `send(message,
settings)` tries every configured channel and gives one `Outcome` each: a failure is an outcome
with a sentence a person can act on, never an exception, and one channel failing never stops the
other. Everything sent and every error is scrubbed of the secrets it knows of.

The webhook goes through the one HTTP policy (connectors/http.py): urllib3's Retry on 429, 5xx
and connection errors, `Retry-After` honoured, within a total time budget, with a short timeout.
Email uses smtplib: implicit TLS on port 465, otherwise STARTTLS whenever the server offers it
(ALERT_SMTP_STARTTLS=true requires it, false never uses it), certificates verified, and the
password is never sent unencrypted to a host other than this machine unless
ALERT_SMTP_STARTTLS=false says the network is trusted.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import json
import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from urllib.parse import urlsplit

import requests

from config.names import (
    ALERT_EMAIL_FROM,
    ALERT_EMAIL_TO,
    ALERT_SMTP_HOST,
    ALERT_SMTP_PASSWORD,
    ALERT_SMTP_PORT,
    ALERT_SMTP_STARTTLS,
    ALERT_SMTP_USER,
    ALERT_WEBHOOK_URL,
)
from connectors.http import api_message, new_session, retry_policy

from .messages import Message, scrub, scrub_message

WEBHOOK = "webhook"
EMAIL = "email"
CHANNELS = (WEBHOOK, EMAIL)

WEBHOOK_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
WEBHOOK_BUDGET_SECONDS = 30.0
WEBHOOK_TIMEOUT = (5.0, 10.0)  # connect, read
WEBHOOK_BODY_LIMIT = 4096  # read at most this much of an answer
SAID_LIMIT = 80  # characters of the receiver's error text quoted in an outcome
SMTP_TIMEOUT = 20.0
DEFAULT_SMTP_PORT = 587
IMPLICIT_TLS_PORT = 465

ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off"}
EMAIL_SETTINGS = (
    ALERT_SMTP_HOST,
    ALERT_SMTP_PORT,
    ALERT_SMTP_USER,
    ALERT_SMTP_PASSWORD,
    ALERT_EMAIL_FROM,
    ALERT_EMAIL_TO,
    ALERT_SMTP_STARTTLS,
)


@dataclass(frozen=True)
class Outcome:
    channel: str  # "webhook" or "email"
    ok: bool
    error: str | None = None  # why it failed (or, when ok, what still went wrong: a refused
    # recipient among several)


@dataclass(frozen=True, repr=False)
class DeliverySettings:
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = DEFAULT_SMTP_PORT
    smtp_user: str | None = None
    smtp_password: str | None = None
    email_from: str | None = None
    email_to: tuple[str, ...] = ()
    starttls: bool | None = None  # None: whenever the server offers it
    email_set: bool = False  # some email setting is given (the channel is meant to be used)
    found: tuple[tuple[str, str], ...] = ()  # (channel, problem) found reading the values
    disabled: frozenset[str] = frozenset()

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> DeliverySettings:
        def get(name: str) -> str | None:
            value = values.get(name)
            return (str(value).strip() or None) if value is not None else None

        found: list[tuple[str, str]] = []
        webhook_url = get(ALERT_WEBHOOK_URL)
        if webhook_url:
            parts = urlsplit(webhook_url)
            if parts.scheme not in ("http", "https") or not parts.hostname or " " in webhook_url:
                found.append(
                    (
                        WEBHOOK,
                        f"{ALERT_WEBHOOK_URL} is not an http(s) URL (an incoming webhook looks "
                        f"like https://hooks.slack.com/services/...); its value is not shown "
                        f"because it is a secret.",
                    )
                )

        email_set = any(get(name) for name in EMAIL_SETTINGS)
        host, user, password = get(ALERT_SMTP_HOST), get(ALERT_SMTP_USER), get(ALERT_SMTP_PASSWORD)
        port, port_text = DEFAULT_SMTP_PORT, get(ALERT_SMTP_PORT)
        starttls, starttls_text = None, get(ALERT_SMTP_STARTTLS)
        sender, recipients = get(ALERT_EMAIL_FROM), get(ALERT_EMAIL_TO)
        to: tuple[str, ...] = ()
        if email_set:
            given = [name for name in EMAIL_SETTINGS if get(name) and name != ALERT_SMTP_HOST]
            if not host:
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_SMTP_HOST} is not set, but {', '.join(given)} "
                        f"{'is' if len(given) == 1 else 'are'}: set {ALERT_SMTP_HOST} to the "
                        f"mail server (e.g. smtp.example.com), or remove the email settings.",
                    )
                )
            elif "/" in host or " " in host or (":" in host and not _is_ip(host)):
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_SMTP_HOST} should be a host name such as smtp.example.com "
                        f"(no scheme, path or port: the port goes in {ALERT_SMTP_PORT}).",
                    )
                )
            if port_text:
                if port_text.isdigit() and 0 < int(port_text) < 65536:
                    port = int(port_text)
                else:
                    found.append(
                        (
                            EMAIL,
                            f"{ALERT_SMTP_PORT} must be a port number such as 587 (STARTTLS) or "
                            f"465 (TLS), not {port_text[:20]!r}.",
                        )
                    )
            if starttls_text:
                if starttls_text.lower() in TRUE | FALSE:
                    starttls = starttls_text.lower() in TRUE
                else:
                    found.append(
                        (
                            EMAIL,
                            f"{ALERT_SMTP_STARTTLS} must be true (required) or false (never), or "
                            f"unset (whenever the server offers it), not {starttls_text[:20]!r}.",
                        )
                    )
            if password and not user:
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_SMTP_PASSWORD} is set but {ALERT_SMTP_USER} is not: set the "
                        f"user to log in as, or remove the password.",
                    )
                )
            if user and not password:
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_SMTP_USER} is set but {ALERT_SMTP_PASSWORD} is not: set the "
                        f"password, or remove the user to send without logging in.",
                    )
                )
            if not recipients:
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_EMAIL_TO} is not set: set it to one address, or several "
                        f"separated by commas.",
                    )
                )
            else:
                to = tuple(address for _, address in getaddresses([recipients]) if address)
                wrong = [a for a in to if not ADDRESS.match(a)]
                if wrong or not to:
                    found.append(
                        (
                            EMAIL,
                            f"{ALERT_EMAIL_TO} should be addresses separated by commas; "
                            f"{', '.join(repr(a[:60]) for a in wrong) or 'none was found'} "
                            f"{'is' if len(wrong) == 1 else 'are'} not.",
                        )
                    )
            if not sender and user and ADDRESS.match(user):
                sender = user
            if not sender:
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_EMAIL_FROM} is not set (and {ALERT_SMTP_USER} is not an address "
                        f"to send from): set it to the sender's address.",
                    )
                )
            elif not ADDRESS.match(parseaddr(sender)[1]):
                found.append(
                    (
                        EMAIL,
                        f"{ALERT_EMAIL_FROM} should be an address such as "
                        f"alerts@example.com, not {sender[:60]!r}.",
                    )
                )
        return cls(
            webhook_url=webhook_url,
            smtp_host=host,
            smtp_port=port,
            smtp_user=user,
            smtp_password=password,
            email_from=sender,
            email_to=to,
            starttls=starttls,
            email_set=email_set,
            found=tuple(found),
        )

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels configured (fully or not: `problems()` says what is missing)."""
        configured = {WEBHOOK: bool(self.webhook_url), EMAIL: self.email_set}
        return tuple(c for c in CHANNELS if configured[c] and c not in self.disabled)

    def only(self, channel: str) -> DeliverySettings:
        """These settings with every other channel switched off."""
        return replace(self, disabled=frozenset(c for c in CHANNELS if c != channel))

    def problems(self, channel: str | None = None) -> list[str]:
        """What keeps the configured channels (or `channel`) from working, setting by setting."""
        wanted = self.channels if channel is None else (channel,)
        return [text for where, text in self.found if where in wanted]

    @property
    def webhook_host(self) -> str | None:
        return urlsplit(self.webhook_url).hostname if self.webhook_url else None

    @property
    def secrets(self) -> tuple[str, ...]:
        """The secret values to scrub: the webhook URL (and its path and token) and the
        password."""
        found = [self.smtp_password] if self.smtp_password else []
        if self.webhook_url:
            path = urlsplit(self.webhook_url).path
            token = path.rstrip("/").rsplit("/", 1)[-1]
            found += [self.webhook_url, self.webhook_url.split("?")[0]]
            found += [part for part in (path, token) if len(part) >= 8]
        return tuple(found)

    def __repr__(self) -> str:
        webhook = f"<set: {self.webhook_host}>" if self.webhook_url else None
        password = "<set>" if self.smtp_password else None
        return (
            f"DeliverySettings(channels={self.channels!r}, webhook={webhook}, "
            f"smtp={self.smtp_host}:{self.smtp_port}, user={self.smtp_user!r}, "
            f"password={password}, from={self.email_from!r}, to={self.email_to!r}, "
            f"starttls={self.starttls!r})"
        )

    __str__ = __repr__


def webhook_session(
    *,
    budget: float = WEBHOOK_BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleeper: Callable[[float], None] = time.sleep,
) -> requests.Session:
    """A session with the one HTTP policy, retrying what a webhook receiver may get over."""
    retry = retry_policy(
        WEBHOOK, statuses=WEBHOOK_RETRY_STATUSES, budget=budget, clock=clock, sleeper=sleeper
    )
    return new_session(WEBHOOK, retry=retry)


# (host, port, timeout, TLS context for implicit TLS or None) -> a connected smtplib.SMTP
SmtpFactory = Callable[..., smtplib.SMTP]


def send(
    message: Message,
    settings: DeliverySettings,
    *,
    session: requests.Session | None = None,
    smtp: SmtpFactory | None = None,
    secrets: Iterable[str] = (),
) -> list[Outcome]:
    """Send `message` on every configured channel: one Outcome each, never an exception.

    `session` replaces the webhook's session (tests: a fake clock); `smtp(host, port, timeout,
    context)` replaces the SMTP connection (context is given for implicit TLS, port 465);
    `secrets` are more values never to send or report (the vendors' keys)."""
    known = tuple(s for s in secrets if s) + settings.secrets
    message = scrub_message(message, known)
    outcomes = []
    for channel in settings.channels:
        problems = settings.problems(channel)
        if problems:
            outcome = Outcome(channel, False, f"{channel}: not sent: " + " ".join(problems))
        else:
            try:
                if channel == WEBHOOK:
                    outcome = _post(message, settings, session)
                else:
                    outcome = _mail(message, settings, smtp)
            except Exception as err:  # the last line: one channel never stops the other
                outcome = Outcome(
                    channel, False, f"{channel}: failed ({type(err).__name__}: {str(err)[:160]})"
                )
        if outcome.error:
            outcome = replace(outcome, error=scrub(outcome.error, known))
        outcomes.append(outcome)
    return outcomes


# --- webhook ------------------------------------------------------------------------------


def _post(message: Message, settings: DeliverySettings, session) -> Outcome:
    where = f"webhook ({settings.webhook_host})"
    own = session is None
    session = session or webhook_session()
    body = json.dumps(message.payload(), ensure_ascii=False).encode()
    try:
        with session.post(
            settings.webhook_url,
            data=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                **({"Idempotency-Key": message.key} if message.key else {}),
            },
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,  # a redirected POST would become a GET
            stream=True,
        ) as response:
            status = response.status_code
            answer = next(response.iter_content(WEBHOOK_BODY_LIMIT), b"")
    except requests.exceptions.RetryError as err:
        return Outcome(
            WEBHOOK,
            False,
            f"{where}: kept failing until the {WEBHOOK_BUDGET_SECONDS:.0f} s retry budget ran "
            f"out ({_cause(err)}); it is kept for the next run.",
        )
    except requests.exceptions.Timeout:
        return Outcome(
            WEBHOOK,
            False,
            f"{where}: did not answer within {WEBHOOK_TIMEOUT[1]:.0f} s, even after retrying; "
            f"it is kept for the next run.",
        )
    except requests.exceptions.ConnectionError as err:
        return Outcome(
            WEBHOOK,
            False,
            f"{where}: could not be reached ({_cause(err)}). Check the network, or "
            f"{ALERT_WEBHOOK_URL}.",
        )
    except requests.exceptions.RequestException as err:
        return Outcome(
            WEBHOOK, False, f"{where}: the message could not be sent ({type(err).__name__})."
        )
    finally:
        if own:
            session.close()
    if 200 <= status < 300:
        return Outcome(WEBHOOK, True)
    said = _said(answer)
    quoted = f' "{said}"' if said else ""
    if status == 400:
        advice = (
            "the receiver refused the message as invalid: a fault in the message, not in "
            "the settings; please report it."
        )
    elif status in (401, 403, 404, 410):
        advice = (
            "the webhook was refused, removed or never existed: create a new incoming webhook "
            f"and set {ALERT_WEBHOOK_URL} to it."
        )
    elif status == 429:
        advice = (
            f"still rate limited after retrying for up to {WEBHOOK_BUDGET_SECONDS:.0f} s; it is "
            f"kept for the next run."
        )
    elif status >= 500:
        advice = (
            f"the receiver kept failing after retrying for up to "
            f"{WEBHOOK_BUDGET_SECONDS:.0f} s; it is kept for the next run."
        )
    elif 300 <= status < 400:
        advice = f"the receiver redirects elsewhere: set {ALERT_WEBHOOK_URL} to the final address."
    else:
        advice = f"an answer a webhook should not give: check {ALERT_WEBHOOK_URL}."
    return Outcome(WEBHOOK, False, f"{where}: HTTP {status}{quoted}: {advice}")


def _said(answer: bytes) -> str | None:
    """The receiver's short error text: Slack's plain "invalid_payload", or a JSON error."""
    text = answer.decode("utf-8", "replace").strip()
    if not text or text.startswith("<"):  # nothing, or an HTML error page
        return None
    with contextlib.suppress(ValueError):
        text = api_message(json.loads(text)) or text
    text = " ".join(text.split())
    return text if len(text) <= SAID_LIMIT else text[: SAID_LIMIT - 1] + "…"


def _cause(err: BaseException) -> str:
    """A short cause for a transport error, without the URL that urllib3 puts in its text."""
    text = str(err)
    if "NameResolutionError" in text or "Name or service not known" in text:
        return "the host name does not resolve"
    errno = re.search(r"\[Errno -?\d+\] [^'\")\]]+", text)
    if errno:
        return errno.group(0).strip()
    reason = err.args[0] if err.args else err
    reason = getattr(reason, "reason", reason)
    return type(reason).__name__ if isinstance(reason, BaseException) else type(err).__name__


# --- email --------------------------------------------------------------------------------


def _connect(host: str, port: int, timeout: float, context: ssl.SSLContext | None):
    if context is not None:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    return smtplib.SMTP(host, port, timeout=timeout)


def _mail(message: Message, settings: DeliverySettings, smtp: SmtpFactory | None) -> Outcome:
    host, port, user = settings.smtp_host, settings.smtp_port, settings.smtp_user
    where = f"email via {host}:{port}"

    def failed(text: str) -> Outcome:
        return Outcome(EMAIL, False, f"{where}: {text}")

    email = _email(message, settings)
    implicit = port == IMPLICIT_TLS_PORT
    try:
        client = (smtp or _connect)(
            host, port, SMTP_TIMEOUT, ssl.create_default_context() if implicit else None
        )
        with client:
            encrypted = implicit
            if not implicit:
                client.ehlo()
                offered = client.has_extn("starttls")
                if settings.starttls is True and not offered:
                    return failed(
                        f"the server does not offer STARTTLS, which {ALERT_SMTP_STARTTLS}=true "
                        f"requires. Use port {IMPLICIT_TLS_PORT} (TLS) or another server."
                    )
                if offered and settings.starttls is not False:
                    client.starttls(context=ssl.create_default_context())
                    client.ehlo()
                    encrypted = True
            if user:
                if not encrypted and settings.starttls is None and not _is_loopback(host):
                    return failed(
                        "the server does not offer STARTTLS, so the password would travel "
                        f"unencrypted; not sent. Use port {IMPLICIT_TLS_PORT} (TLS), or set "
                        f"{ALERT_SMTP_STARTTLS}=false if the network is trusted."
                    )
                client.login(user, settings.smtp_password or "")
            refused = client.send_message(email)
    except smtplib.SMTPAuthenticationError as err:
        return failed(
            f"the server refused the login of {user!r} ({_smtp_said(err)}). Check "
            f"{ALERT_SMTP_USER} and {ALERT_SMTP_PASSWORD}."
        )
    except smtplib.SMTPNotSupportedError:
        return failed(
            f"the server does not offer a login (AUTH) here. Remove {ALERT_SMTP_USER} and "
            f"{ALERT_SMTP_PASSWORD}, or use the server's submission port (587 or 465)."
        )
    except smtplib.SMTPRecipientsRefused as err:
        refused = "; ".join(
            f"{address} ({_smtp_said(answer)})" for address, answer in err.recipients.items()
        )
        return failed(f"the server refused every recipient: {refused}. Check {ALERT_EMAIL_TO}.")
    except smtplib.SMTPSenderRefused as err:
        return failed(
            f"the server refused the sender {err.sender!r} ({_smtp_said(err)}). Check "
            f"{ALERT_EMAIL_FROM}: many servers only send from the logged-in user's address."
        )
    except smtplib.SMTPConnectError as err:
        return failed(f"the server refused the connection ({_smtp_said(err)}).")
    except smtplib.SMTPResponseException as err:
        return failed(f"the server refused the message ({_smtp_said(err)}).")
    except smtplib.SMTPException as err:
        return failed(f"the conversation with the server failed ({type(err).__name__}).")
    except ssl.SSLCertVerificationError as err:
        return failed(
            f"the server's TLS certificate could not be verified ({err.verify_message}). Check "
            f"that {ALERT_SMTP_HOST} is the name on the server's certificate."
        )
    except ssl.SSLError as err:
        return failed(
            f"TLS failed ({err.reason or type(err).__name__}). Port {IMPLICIT_TLS_PORT} expects "
            f"TLS from the start, 587 and 25 STARTTLS: check {ALERT_SMTP_PORT}."
        )
    except ConnectionRefusedError:
        return failed(
            f"nothing accepted the connection (connection refused). Check {ALERT_SMTP_HOST} "
            f"and {ALERT_SMTP_PORT}."
        )
    except socket.gaierror:
        return failed(f"the host name does not resolve. Check {ALERT_SMTP_HOST}.")
    except TimeoutError:
        return failed(
            f"the server did not answer within {SMTP_TIMEOUT:.0f} s. Check {ALERT_SMTP_HOST}, "
            f"{ALERT_SMTP_PORT} and the network."
        )
    except OSError as err:
        return failed(
            f"could not talk to the server ({err.strerror or type(err).__name__}). Check "
            f"{ALERT_SMTP_HOST} and {ALERT_SMTP_PORT}."
        )
    if refused:
        listed = "; ".join(f"{a} ({_smtp_said(answer)})" for a, answer in refused.items())
        return Outcome(
            EMAIL, True, f"{where}: sent, but the server refused {listed}. Check {ALERT_EMAIL_TO}."
        )
    return Outcome(EMAIL, True)


def _smtp_said(err) -> str:
    """ "535 5.7.8 Authentication failed" from an smtplib error or a (code, text) pair."""
    code, text = (err if isinstance(err, tuple) else (err.smtp_code, err.smtp_error))[:2]
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())
    return f"{code} {text[:SAID_LIMIT]}".strip()


def _email(message: Message, settings: DeliverySettings) -> EmailMessage:
    email = EmailMessage()
    email["Subject"] = " ".join(message.subject.split())
    email["From"] = settings.email_from
    email["To"] = ", ".join(settings.email_to)
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(settings.email_from or "")[1].rpartition("@")[2] or "localhost"
    # One Message-ID per set of alerts: mail systems drop a second copy of the same message.
    email["Message-ID"] = (
        f"<{message.key}@{domain}>" if message.key else make_msgid("alerts", domain=domain)
    )
    email.set_content(message.text)
    email.add_alternative(_html(message.text, message.links), subtype="html")
    return email


LINK = re.compile(r"https?://[^\s<>\"]+")


def _html(text: str, links: tuple[str, ...] = ()) -> str:
    """The plain text as simple HTML: paragraphs, line breaks, and the app's own URLs (`links`)
    as clickable links; any other URL (one that came in with a vendor's data) stays text."""

    def line(raw: str) -> str:
        out, at = [], 0
        for found in LINK.finditer(raw):
            url = found.group(0).rstrip(".,;)")
            if url not in links:
                continue
            end = found.start() + len(url)
            out.append(html.escape(raw[at : found.start()]))
            out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
            at = end
        out.append(html.escape(raw[at:]))
        return "".join(out)

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(line(x) for x in p.split("\n")) + "</p>" for p in paragraphs
    )
    return (
        f'<!doctype html>\n<html><body style="font-family: sans-serif">\n{body}\n</body></html>\n'
    )


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
