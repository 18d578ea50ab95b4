"""What core hands a vendor module (a parsed Request, a Context) and gets back (a Reply)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from . import data

try:  # renders pages ~10x faster; byte-identical output
    import orjson
except ImportError:  # pragma: no cover
    orjson = None

_MISSING = object()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict  # name -> list of values, in order
    headers: dict  # lower-case name -> value
    body: bytes

    @classmethod
    def parse(cls, method: str, url: str, headers, body) -> Request:
        parts = urlsplit(url)
        if isinstance(body, str):
            body = body.encode()
        elif body is None:
            body = b""
        elif not isinstance(body, (bytes, bytearray)):
            body = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in body)
        return cls(
            method=method.upper(),
            path=parts.path or "/",
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={str(k).lower(): str(v) for k, v in dict(headers or {}).items()},
            body=bytes(body),
        )

    def param(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def bearer(self) -> str | None:
        """The token of an `Authorization: Bearer <token>` header, or None."""
        value = self.header("authorization") or ""
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def json(self, default=_MISSING):
        """The body parsed as JSON; `default` (or ValueError) when it is not JSON."""
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            if default is _MISSING:
                raise ValueError("body is not JSON") from None
            return default


@dataclass(frozen=True)
class Context:
    """What a vendor module needs besides the request."""

    today: date  # the last day with data
    now_ms: int  # the sandbox clock, epoch ms (only matters on `today`)
    overlap: bool = False  # fault: also serve the day before the requested window
    world: data.World = data.DEMO  # the organisation whose data is served
    labels: tuple[str, ...] = ()  # faults: Builder period-label conventions to serve


@dataclass
class Reply:
    status: int
    payload: object = None  # JSON-able; or None when `text` is set
    text: str | None = None
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)

    @classmethod
    def html(cls, status: int, text: str) -> Reply:
        return cls(status, None, text, "text/html; charset=utf-8")

    @property
    def is_json(self) -> bool:
        return self.text is None

    def render(self) -> bytes:
        if self.text is not None:
            return self.text.encode("utf-8")
        if orjson is not None:
            try:
                return orjson.dumps(self.payload)
            except TypeError:  # a value orjson does not take: the standard library does
                pass
        return json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def reason(status: int) -> str:
    """The reason phrase for a status, including the vendors' non-standard ones."""
    if status == 432:
        return "Report Not Finished"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
