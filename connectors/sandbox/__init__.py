"""A deterministic simulator of the Builder.io, Firebender and Codefresh APIs.

One `Sandbox` answers all three, for one organisation: `Sandbox(scenario=..., seed=...)` picks a
story whose truth is known (scenarios.py) and a draw of it (data.World), and
`Sandbox(developers=N)` an organisation of N developers (default: the demo's 36), its Builder
spaces' keys given by `keys.builder_spaces(N)`. Use it in-process by
mounting `SandboxTransport(sandbox)` on a requests session, or over loopback with
`running_server()` / `python -m connectors.sandbox`.
"""

from . import keys, scenarios
from .adapter import SandboxTransport
from .core import DEFAULT_HOSTS, Sandbox, SandboxResponse
from .data import DATA_START, World
from .faults import FaultRule
from .server import running_server

__all__ = [
    "DATA_START",
    "DEFAULT_HOSTS",
    "FaultRule",
    "Sandbox",
    "SandboxResponse",
    "SandboxTransport",
    "World",
    "keys",
    "running_server",
    "scenarios",
]
