"""The one HTTP policy: sessions, timeouts, retries, status -> error, concurrent windows.

Retries are urllib3's own (`Retry` on the session's adapter), extended only by a total time
budget and an injectable clock/sleep so tests never wait. The in-process sandbox transport is an
`HTTPAdapter` too, so demo mode and tests go through this very retry loop.

Worst case for one request: the first attempt (at most the connect + read timeout), then retries
for at most `RETRY_BUDGET_SECONDS` measured from the first failure, plus the last attempt's
timeout. A response must also arrive whole within `RESPONSE_DEADLINE_SECONDS` of being sent
(`_read`): a vendor that trickles its answer a byte at a time never trips the per-read timeout,
so this is what bounds it (overrun by at most one socket read). A load (one client call, all its windows and pages) starts no request after
`LOAD_BUDGET_SECONDS`, and stops at the first window that fails for good (`fetch_windows`), so it
ends within LOAD_BUDGET_SECONDS + one request's worst case.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    DecodeError,
    MaxRetryError,
    NameResolutionError,
    ProtocolError,
    ReadTimeoutError,
    ResponseError,
)
from urllib3.util.retry import Retry

from config.names import BASE_URL_SETTINGS, KEY_SETTINGS
from safe import text as safe_text

from .errors import (
    VENDOR_NAMES,
    AuthError,
    ConnectorError,
    RateLimitError,
    ReportPendingError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
    redact,
)

try:  # the fastest JSON parser when it is installed (it is in requirements.txt)
    import orjson as _json

    _JSONDecodeError = _json.JSONDecodeError
except ImportError:  # pragma: no cover - plain json is a correct fallback
    import json as _json

    _JSONDecodeError = ValueError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
RESPONSE_DEADLINE_SECONDS = 60.0  # one response, headers to last byte, however it trickles
RETRY_BUDGET_SECONDS = 30.0
LOAD_BUDGET_SECONDS = 120.0  # no new request starts later than this into one load
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 8.0
BACKOFF_JITTER = 0.5
MAX_ATTEMPTS = 25  # a count cap under the time budget; the budget usually ends first
MAX_WORKERS = 10  # windows fetched side by side for one load
MAX_RESPONSE_BYTES = 64 * 2**20

# Statuses worth another try, per vendor. Codefresh's 500 means "no data for this combination"
# [doc], so retrying it only wastes the budget.
RETRY_STATUSES = {
    "builder": frozenset({429, 500, 502, 503, 504}),
    "firebender": frozenset({429, 500, 502, 503, 504}),
    "codefresh": frozenset({429, 432, 502, 503, 504}),
}

# Response headers that carry the vendor's request id, for a support ticket [guess: common names].
REQUEST_ID_HEADERS = ("X-Request-Id", "Request-Id", "X-Amzn-Requestid", "X-Trace-Id")


class BudgetRetry(Retry):
    """urllib3's Retry with a total time budget, counted from the first failure.

    `clock` and `sleeper` are injectable so tests run the real retry loop without waiting.
    """

    def __init__(
        self,
        *args,
        budget: float = RETRY_BUDGET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        sleeper: Callable[[float], None] = time.sleep,
        deadline: float | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.clock = clock
        self.sleeper = sleeper
        self.deadline = deadline
        self.planned_wait = 0.0

    def new(self, **kw) -> BudgetRetry:
        kw.setdefault("budget", self.budget)
        kw.setdefault("clock", self.clock)
        kw.setdefault("sleeper", self.sleeper)
        kw.setdefault("deadline", self.deadline)
        return super().new(**kw)

    def increment(
        self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None
    ):
        if isinstance(error, NameResolutionError):
            # A host name that does not resolve (a typo in *_BASE_URL, no network) will not
            # resolve a few seconds later either: say so now instead of after the budget.
            raise MaxRetryError(_pool, url, error)
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        now = self.clock()
        new.deadline = self.deadline if self.deadline is not None else now + self.budget
        retry_after = (
            new.get_retry_after(response)
            if (response is not None and self.respect_retry_after_header)
            else None
        )
        new.planned_wait = retry_after if retry_after is not None else new.get_backoff_time()
        if now + new.planned_wait > new.deadline:
            # Past the budget: for a status retry urllib3 then hands back the last response,
            # which maps to the right error below; for a connection error it raises.
            raise MaxRetryError(
                _pool, url, error or ResponseError(f"retry budget of {self.budget:.0f}s used up")
            )
        return new

    def sleep(self, response=None) -> None:
        self.sleeper(self.planned_wait)  # urllib3 retries the first failure at once (0 s)


def retry_policy(
    vendor: str,
    *,
    budget: float = RETRY_BUDGET_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleeper: Callable[[float], None] = time.sleep,
    statuses: frozenset[int] | None = None,
) -> BudgetRetry:
    """The retry policy for `vendor`'s requests. `statuses` replaces the vendor's retried
    statuses, for a destination that is not a vendor (the alerts' webhook)."""
    return BudgetRetry(
        total=MAX_ATTEMPTS,
        connect=MAX_ATTEMPTS,
        read=MAX_ATTEMPTS,
        status=MAX_ATTEMPTS,
        other=0,
        redirect=3,
        status_forcelist=RETRY_STATUSES[vendor] if statuses is None else statuses,
        allowed_methods=frozenset({"GET", "POST"}),  # Firebender's POSTs only read
        backoff_factor=BACKOFF_FACTOR,
        backoff_max=BACKOFF_MAX,
        backoff_jitter=BACKOFF_JITTER,
        respect_retry_after_header=True,
        raise_on_status=False,
        budget=budget,
        clock=clock,
        sleeper=sleeper,
    )


def new_session(
    vendor: str, transport: HTTPAdapter | None = None, retry: Retry | None = None
) -> requests.Session:
    """A session carrying the vendor's retry policy; `transport` replaces the network (the
    sandbox's in-process adapter) but keeps the same policy."""
    session = requests.Session()
    adapter = transport or HTTPAdapter(pool_connections=4, pool_maxsize=MAX_WORKERS)
    adapter.max_retries = retry or retry_policy(vendor)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def check_base_url(vendor: str, url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConnectorError(
            vendor,
            f"the base URL {safe_text.url(url)!r} is not an http(s) URL; set "
            f"{BASE_URL_SETTINGS[vendor]} to e.g. https://host or leave "
            f"it unset.",
        )
    return url.rstrip("/")


def check_key(vendor: str, key: str) -> None:
    """A key is printable ASCII: a character pasted from a document (a typographic hyphen,
    U+2010) cannot go into an HTTP header, and would fail every request with a traceback. The
    message gives the character's position and code, never the key."""
    for position, char in enumerate(key, start=1):
        if not " " < char < "\x7f":
            raise AuthError(
                vendor,
                f"the key has a character that is not printable ASCII at position {position} "
                f"(U+{ord(char):04X}, {unicodedata.name(char, 'a control character').lower()}); "
                f"keys are printable ASCII. Retype it in "
                f"{KEY_SETTINGS[vendor]} (environment, .env, Streamlit secrets or the "
                f"Connections page).",
            )


def api_message(payload) -> str | None:
    """The vendor's own error text from a JSON error body, whatever its shape."""
    if isinstance(payload, dict):
        for key in ("error", "message", "detail"):
            value = payload.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
    return None


class VendorAPI:
    """Sends one vendor's requests and turns every failure into a `ConnectorError`."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth_headers: dict[str, str],
        session: requests.Session | None = None,
        not_found_is_auth: bool = False,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        max_workers: int = MAX_WORKERS,
    ):
        self.vendor = vendor
        self.base_url = check_base_url(vendor, base_url)
        self._headers = dict(auth_headers)
        self._secrets = tuple(v.split(" ")[-1] for v in auth_headers.values())
        for secret in self._secrets:
            check_key(vendor, secret)
        self.session = session or new_session(vendor)
        self.not_found_is_auth = not_found_is_auth
        self.timeout = timeout
        self.max_workers = max_workers
        self.max_response_bytes = MAX_RESPONSE_BYTES
        self.response_deadline = RESPONSE_DEADLINE_SECONDS
        self.clock: Callable[[], float] = time.monotonic
        self.load_budget = LOAD_BUDGET_SECONDS

    def load(self) -> Load:
        """A new load (one client call: all its windows and pages) with its own time budget."""
        return Load(self, self.clock() + self.load_budget)

    def __repr__(self) -> str:
        return f"VendorAPI(vendor={self.vendor!r}, base_url={safe_text.url(self.base_url)!r})"

    @property
    def name(self) -> str:
        return VENDOR_NAMES[self.vendor]

    def get(self, path: str, params=None, *, deadline=None, no_data: NoData | None = None):
        return self.request("GET", path, params=params, deadline=deadline, no_data=no_data)

    def post(self, path: str, body: dict, *, deadline=None):
        return self.request("POST", path, json=body, deadline=deadline)

    def request(
        self,
        method: str,
        path: str,
        params=None,
        json=None,
        *,
        deadline: float | None = None,
        no_data: NoData | None = None,
    ):
        """The answer's JSON. Starts nothing after `deadline` (the load's, on `clock`). An error
        that `no_data` declares as the endpoint's way of saying "no rows" gives None."""
        if deadline is not None and self.clock() > deadline:
            raise ServerError(
                self.vendor,
                f"the load took longer than {self.load_budget:.0f} s "
                f"of retries and pages; try again later or choose a "
                f"shorter range.",
            )
        url = self.base_url + path
        started = time.monotonic()
        try:
            with self.session.request(
                method,
                url,
                params=params,
                json=json,
                headers={**self._headers, "Accept": "application/json"},
                timeout=self.timeout,
                stream=True,
            ) as response:
                content = self._read(response, started)
                status = response.status_code
                content_type = response.headers.get("Content-Type", "")
                request_id = next(
                    (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers),
                    None,
                )
        except requests.exceptions.RetryError as err:
            raise ServerError(
                self.vendor,
                f"kept failing until the retry budget ran out ({_reason(err)}); try again later.",
            ) from None
        except requests.exceptions.Timeout:
            raise ServerError(
                self.vendor,
                f"did not answer within {self.timeout[1]:.0f} s, "
                f"even after retrying; try again later or choose a "
                f"shorter range.",
            ) from None
        except requests.exceptions.ConnectionError as err:
            raise ServerError(
                self.vendor,
                f"could not be reached at {safe_text.url(self.base_url)} "
                f"({_reason(err)}). Check the network, or "
                f"{BASE_URL_SETTINGS[self.vendor]} if you set it.",
            ) from None
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
            raise ResponseFormatError(
                self.vendor, "the response was cut off before it ended; try again."
            ) from None
        except requests.exceptions.RequestException as err:
            raise ConnectorError(
                self.vendor, f"the request could not be sent ({type(err).__name__})."
            ) from None
        log.debug(
            "%s %s %s -> %s in %.2fs", self.vendor, method, path, status, time.monotonic() - started
        )
        payload = self._parse(content, content_type, status)
        if status >= 400:
            err = self._error(status, payload, request_id)
            if no_data is not None and no_data.matches(err):
                return None
            raise err
        return payload

    def _read(self, response: requests.Response, started: float) -> bytes:
        """The body, refused once it has taken longer than `response_deadline` since `started`.
        `read1` returns whatever one socket read gave, so the clock is checked between reads
        even when the vendor sends one byte at a time (iter_content would wait for 64 KiB)."""
        chunks, size = [], 0
        deadline = started + self.response_deadline
        while True:
            if time.monotonic() > deadline:
                raise ServerError(
                    self.vendor,
                    f"was still sending its answer after {self.response_deadline:.0f} s "
                    f"({size:,} bytes so far); try again later or choose a shorter range.",
                    status=response.status_code,
                )
            try:
                chunk = response.raw.read1(1 << 16, decode_content=True)
            except ReadTimeoutError:
                raise requests.exceptions.Timeout() from None
            except ProtocolError as err:
                raise requests.exceptions.ChunkedEncodingError(err) from None
            except DecodeError as err:
                raise requests.exceptions.ContentDecodingError(err) from None
            if not chunk:
                break
            size += len(chunk)
            if size > self.max_response_bytes:
                raise ResponseFormatError(
                    self.vendor,
                    f"the response is larger than {self.max_response_bytes:,} bytes; "
                    f"choose a shorter range.",
                    status=response.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _parse(self, content: bytes, content_type: str, status: int):
        try:
            return _json.loads(content) if content else None
        except _JSONDecodeError:
            if status >= 400:
                return None  # an HTML error page: the status says enough
            excerpt = redact(content[:160].decode("utf-8", "replace"), self._secrets)
            raise ResponseFormatError(
                self.vendor,
                f"answered with something that is not JSON ({content_type or 'no content type'}): "
                f"{excerpt!r}. Check {BASE_URL_SETTINGS[self.vendor]} if you set it.",
                status=status,
                body_excerpt=excerpt,
            ) from None

    def _error(self, status: int, payload, request_id: str | None) -> ConnectorError:
        said = api_message(payload)
        said = redact(said, self._secrets) if said else None
        request_id = redact(request_id[:80], self._secrets) if request_id else None
        quoted = f' The API said: "{said}".' if said else ""
        key = KEY_SETTINGS[self.vendor]
        if status in (401, 403) or (status == 404 and self.not_found_is_auth):
            what = (
                "not found, or the key is not authorised for it"
                if status == 404
                else "the key was refused"
                if status == 401
                else "the key is not allowed to read this"
            )
            cls, message = (
                AuthError,
                f"{what}.{quoted} Check {key} (environment, .env, "
                f"Streamlit secrets or the Connections page).",
            )
        elif status == 429:
            cls, message = (
                RateLimitError,
                f"still rate limited after retrying for up to "
                f"{RETRY_BUDGET_SECONDS:.0f} s.{quoted} Wait a minute and refresh.",
            )
        elif status == 432:
            cls, message = (
                ReportPendingError,
                f"the report is still being prepared after {RETRY_BUDGET_SECONDS:.0f} s of "
                f"retries. Try again in a few minutes, or a shorter range.",
            )
        elif status == 400:
            cls, message = RequestRejectedError, f"rejected the request as invalid.{quoted}"
        elif status >= 500:
            cls, message = ServerError, f"had a server error.{quoted} Try again later."
        else:
            cls, message = ConnectorError, f"answered with HTTP {status}.{quoted}"
        return cls(self.vendor, message, status, api_message=said, request_id=request_id)


class Load:
    """One load's view of a VendorAPI: the same requests, refused once the load's deadline has
    passed. Each client call makes its own, so concurrent loads never share a budget."""

    def __init__(self, api: VendorAPI, deadline: float):
        self.api = api
        self.deadline = deadline

    def get(self, path: str, params=None, no_data: NoData | None = None):
        return self.api.get(path, params, deadline=self.deadline, no_data=no_data)

    def post(self, path: str, body: dict):
        return self.api.post(path, body, deadline=self.deadline)


@dataclass(frozen=True)
class NoData:
    """An error status (and words in the API's message) that an endpoint documents as its way
    of saying "no rows" rather than a failure (Codefresh: 500 "Could not get analytics report")."""

    status: int
    says: str

    def matches(self, err: ConnectorError) -> bool:
        return err.status == self.status and self.says in (err.api_message or "").lower()


def _reason(err: Exception) -> str:
    """A short, key-free cause for a transport error (the exception chain holds no headers)."""
    cause = err.args[0] if err.args else err
    reason = getattr(cause, "reason", cause)
    text = type(reason).__name__ if isinstance(reason, Exception) else str(reason)
    if isinstance(reason, Exception) and reason.args:
        text += f": {str(reason.args[-1])[:240]}"
    return text


def fetch_windows(
    fetch: Callable,
    windows: Sequence,
    *,
    max_workers: int = MAX_WORKERS,
    progress: Callable[[int, int], None] | None = None,
) -> list:
    """`fetch(window)` for every window, side by side in a bounded pool, results in window order.
    The first failure cancels what has not started and is raised; `progress(done, total)` is
    called from the calling thread (Streamlit widgets may be updated from it)."""
    total = len(windows)
    if total == 1:
        result = [fetch(windows[0])]
        if progress:
            progress(1, 1)
        return result
    results: list = [None] * total
    with ThreadPoolExecutor(max_workers=min(max_workers, total)) as pool:
        pending = {pool.submit(fetch, window): i for i, window in enumerate(windows)}
        done_count = 0
        while pending:
            done, _ = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                index = pending.pop(future)
                if future.exception() is not None:
                    for other in pending:
                        other.cancel()
                    raise future.exception()
                results[index] = future.result()
                done_count += 1
                if progress:
                    progress(done_count, total)
    return results
