"""Cross-vendor metrics, by topic. Pure pandas: frames in, frames out, no Streamlit.

- `definitions`: what each measure means (labels, units, definitions)
- `calendar`:    period labels, the period index, whole and unfinished periods
- `overview`:    the joined overview table and the derived metrics
- `tiles`:       KPI tiles (latest whole period against the one before; range totals)
- `coverage`:    which days each vendor has data for (outside: empty, never 0)
- `verdict`:     the overview's answer, with its uncertainty
- `answer_weeks`: the weeks the answer reads (last 52 finished, days off left out)
- `comparison`:  lagged pairs and the levels correlation (a picture)
- `vendors`:     the reshaping behind each vendor's page
- `explore`:     Explore's filters
- `paying_off`:  what AI costs per developer and per line, and an answer in money

Everything public is re-exported here, so callers write `metrics.overview_table(...)`. Nothing
is imported until a name is asked for (PEP 562): a package `__init__` that imports its
submodules eagerly hands a second thread importing one of them at the same moment a half-built
module (or a deadlock).
"""

from __future__ import annotations

import importlib

# Searched in this order for a name asked of the package.
_TOPICS = (
    "definitions",
    "calendar",
    "overview",
    "tiles",
    "coverage",
    "verdict",
    "comparison",
    "vendors",
    "explore",
    "paying_off",
    "answer_weeks",
)
_ELSEWHERE = {"period_floor": "connectors.base"}


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _ELSEWHERE:
        value = getattr(importlib.import_module(_ELSEWHERE[name]), name)
    elif name in _TOPICS:
        value = importlib.import_module(f".{name}", __name__)
    else:
        for topic in _TOPICS:
            module = importlib.import_module(f".{topic}", __name__)
            if name in vars(module):
                value = vars(module)[name]
                break
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
