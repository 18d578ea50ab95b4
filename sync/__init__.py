"""Keep the store current: plan from the ledger, fetch through the connectors, write partitions.
The command line (`python -m sync`) and the app (a view that lacks days) use the same two steps:

    tasks = sync.plan(store, targets, since, until)     # pure: what the ledger lacks + the tail
    summary = sync.run(store, tasks, make_client)       # fetch and replace partitions

Names are imported from their submodules on first use (PEP 562).
"""

from __future__ import annotations

from safe.lazy import exports

_EXPORTS = {
    "Target": "planner",
    "targets": "planner",
    "plan": "planner",
    "DEFAULT_HISTORY_DAYS": "planner",
    "Task": "tasks",
    "Summary": "runner",
    "ClientFactory": "runner",
    "run": "runner",
}
__all__ = list(_EXPORTS)

__getattr__, __dir__ = exports(__name__, _EXPORTS)
