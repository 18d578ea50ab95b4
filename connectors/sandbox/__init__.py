"""A deterministic simulator of the Builder.io, Firebender and Codefresh APIs.

One `Sandbox` answers all three; use it in-process by mounting `SandboxTransport(sandbox)` on a
requests session, or over loopback with `running_server()` / `python -m connectors.sandbox`.
"""

from . import keys
from .adapter import SandboxTransport
from .core import DEFAULT_HOSTS, Sandbox, SandboxResponse
from .data import DATA_START
from .faults import FaultRule
from .server import running_server

__all__ = [
    "DATA_START",
    "DEFAULT_HOSTS",
    "FaultRule",
    "Sandbox",
    "SandboxResponse",
    "SandboxTransport",
    "keys",
    "running_server",
]
