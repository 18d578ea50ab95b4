"""The connectors' error tree.

Every error names the vendor and says what a person can do about it. Messages are built from
our own words and the API's error text only: request headers (where keys live) never enter them,
and any text that came back from a vendor is passed through `redact` first.
"""

from __future__ import annotations

from config.names import VENDOR_NAMES  # noqa: F401  (re-exported: connectors name vendors)


class ConnectorError(Exception):
    """A vendor call that did not give data. `str(err)` is the message for a person.

    Fields: `vendor` (builder, firebender, codefresh), `message` (our words, what to do),
    `status` (the HTTP status, None when no answer came), `api_message` (what the API said,
    redacted), `request_id` (the vendor's request id when its answer carried one, for support),
    `body_excerpt` (the start of an answer that was not JSON, redacted)."""

    def __init__(
        self,
        vendor: str,
        message: str,
        status: int | None = None,
        *,
        api_message: str | None = None,
        request_id: str | None = None,
        body_excerpt: str | None = None,
    ):
        self.vendor = vendor
        self.message = message
        self.status = status
        self.api_message = api_message
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        super().__init__(message)

    @property
    def vendor_name(self) -> str:
        return VENDOR_NAMES.get(self.vendor, self.vendor)

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status else ""
        request = f" [request id {self.request_id}]" if self.request_id else ""
        return f"{self.vendor_name}{status}: {self.message}{request}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(vendor={self.vendor!r}, status={self.status!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


class InvalidRangeError(ConnectorError, ValueError):
    """A date range or granularity the API cannot serve. Raised before any request is sent."""


class AuthError(ConnectorError):
    """The key was missing, wrong, or not allowed (401/403, and Builder's 404)."""


class RateLimitError(ConnectorError):
    """Still rate limited (429) when the retry budget ran out."""


class ReportPendingError(ConnectorError):
    """Codefresh kept answering 432 "report not finished yet" until the retry budget ran out."""


class ServerError(ConnectorError):
    """The vendor failed (5xx), or could not be reached, after the retries."""


class ResponseFormatError(ConnectorError):
    """The answer was not JSON, or not the documented shape."""


class RequestRejectedError(ConnectorError):
    """The vendor refused the request as invalid (400) although our range rules let it through."""


def redact(text: str, secrets) -> str:
    """`text` with every non-empty secret replaced, for anything that echoes vendor output."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return text
