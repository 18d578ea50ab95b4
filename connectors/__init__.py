"""Clients for the Builder.io Fusion, Firebender and Codefresh usage APIs.

    from connectors import FirebenderClient
    usage = FirebenderClient(api_key).daily_usage(date(2026, 1, 1), date(2026, 3, 31))

Each method returns a typed pandas DataFrame; see README.md for columns and each API's limits.
This package never imports Streamlit, so it works the same in a notebook.
"""

from __future__ import annotations

from safe.lazy import exports

# Public name -> the submodule that defines it. Nothing is imported until a name is asked for
# (PEP 562): a package that imports its submodules eagerly while they import each other hands a
# second thread importing at the same moment a half-built module.
_EXPORTS = {
    "BuilderClient": "builder",
    "FirebenderClient": "firebender",
    "CodefreshClient": "codefresh",
    **{
        name: "errors"
        for name in (
            "ConnectorError",
            "InvalidRangeError",
            "AuthError",
            "RateLimitError",
            "ReportPendingError",
            "ServerError",
            "ResponseFormatError",
            "RequestRejectedError",
        )
    },
}

__all__ = list(_EXPORTS)


__getattr__, __dir__ = exports(__name__, _EXPORTS)
