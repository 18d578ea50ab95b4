"""Clients for the Builder.io Fusion, Firebender and Codefresh usage APIs.

    from connectors import FirebenderClient
    usage = FirebenderClient(api_key).daily_usage(date(2026, 1, 1), date(2026, 3, 31))

Each method returns a typed pandas DataFrame; see README.md for columns and each API's limits.
This package never imports Streamlit, so it works the same in a notebook.
"""

from .builder import BuilderClient
from .codefresh import CodefreshClient
from .errors import (
    AuthError,
    ConnectorError,
    InvalidRangeError,
    RateLimitError,
    ReportPendingError,
    RequestRejectedError,
    ResponseFormatError,
    ServerError,
)
from .firebender import FirebenderClient

__all__ = [
    "BuilderClient",
    "FirebenderClient",
    "CodefreshClient",
    "ConnectorError",
    "InvalidRangeError",
    "AuthError",
    "RateLimitError",
    "ReportPendingError",
    "ServerError",
    "ResponseFormatError",
    "RequestRejectedError",
]
