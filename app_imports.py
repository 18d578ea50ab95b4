"""Imported first by app.py and by every page: the app's own modules are imported by one script
run at a time.

A click during the first page load can start a second script run (a legacy run of the page, see
analytics/entry.py) while the first is still importing. Two threads entering the same package
cycle at once (connectors/__init__ -> builder -> base -> connectors) can each be handed the
other's half-initialised module by Python's import locks, and the page fails with "partially
initialized module 'connectors.base'". This module's body imports every module the pages use;
Python runs a module's body once, and another thread importing it meanwhile waits for that to
finish (it holds no other import lock yet, so it never deadlocks), then finds them all imported.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

PACKAGE = "analytics"  # the pages' only way in: it imports connectors, store, sync, teams, alerts

importlib.import_module(PACKAGE)
for _module in pkgutil.walk_packages(
    [str(Path(__file__).resolve().parent / PACKAGE)], f"{PACKAGE}."
):
    importlib.import_module(_module.name)
