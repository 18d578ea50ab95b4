"""`alt`: altair, imported on its first use instead of when a page imports its chart modules.

Importing altair takes about a third of a second of CPU. Imported with the chart modules, at the
top of the Overview's script, it held back everything the page sends before its first chart
(the title, the sidebar's controls, the answer); imported when the first chart is built, the
browser draws those meanwhile. `import altair` inside a function would do the same, at every
one of the chart modules' many uses of `alt`.
"""

from __future__ import annotations

import importlib


class _Altair:
    """Every attribute is altair's (the import itself is thread-safe: Python's module locks)."""

    def __getattr__(self, name: str):
        return getattr(importlib.import_module("altair"), name)


alt = _Altair()
