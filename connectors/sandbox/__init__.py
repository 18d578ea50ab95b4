"""A deterministic simulator of the Builder.io, Firebender and Codefresh APIs.

One `Sandbox` answers all three, for one organisation: `Sandbox(scenario=..., seed=...)` picks a
story whose truth is known (scenarios.py) and a draw of it (data.World), and
`Sandbox(developers=N)` an organisation of N developers (default: the demo's 36), its Builder
spaces' keys given by `keys.builder_spaces(N)`. Use it in-process by
mounting `SandboxTransport(sandbox)` on a requests session, or over loopback with
`running_server()` / `python -m connectors.sandbox`.
"""

from __future__ import annotations

from safe.lazy import exports

# Public name -> the submodule that defines it, imported on first use (PEP 562; see
# connectors/__init__.py for why nothing is imported eagerly). `keys` and `scenarios` are
# submodules: `from connectors.sandbox import keys` imports them by itself.
_EXPORTS = {
    "DATA_START": "data",
    "World": "data",
    "DEFAULT_HOSTS": "core",
    "Sandbox": "core",
    "SandboxResponse": "core",
    "FaultRule": "faults",
    "SandboxTransport": "adapter",
    "running_server": "server",
}

__all__ = [*_EXPORTS, "keys", "scenarios"]


__getattr__, __dir__ = exports(__name__, _EXPORTS, submodules=("keys", "scenarios"))
