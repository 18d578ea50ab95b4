"""The app's own modules are imported by one script run at a time.

A click during the first page load can start a second script run while the first is still
importing. Two threads entering the same package cycle at once (connectors/__init__ -> builder
-> base -> connectors) can each be handed the other's half-initialised module by Python's
import locks, and the page fails with "partially initialized module 'connectors.base'". So
app.py calls `load()` before anything else: the first run imports every module the pages use
while any other run waits, and later runs find them imported.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from pathlib import Path

PACKAGE = "analytics"  # the pages' only way in: it imports connectors, store, sync, teams, alerts
_lock = threading.Lock()
_loaded = False


def load() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        importlib.import_module(PACKAGE)
        folder = Path(__file__).resolve().parent / PACKAGE
        for module in pkgutil.walk_packages([str(folder)], f"{PACKAGE}."):
            importlib.import_module(module.name)
        _loaded = True
