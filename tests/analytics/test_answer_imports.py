"""The answers' regressions load statsmodels' OLS, not `statsmodels.api`: the app's server keeps
every module it imports, and `statsmodels.api` (about 370 modules) held 26 MB more of it than
the OLS module does (bench/results-store.md). Each answer is computed in a fresh process, on the
same planted data as the answers' own tests, and the modules it loaded are read there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
{setup}
loaded = sorted(m for m in sys.modules if m.startswith("statsmodels"))
print(json.dumps({{"opening": answer.opening, "loaded": loaded}}))
"""
OVERVIEW = """
from tests.analytics.test_verdict import ask, rows
answer = ask(*rows(52, effect=0.8))
"""
TEAMS = """
from analytics.metrics import team_verdict as tv
from tests.analytics.test_team_verdict import panel
answer = tv.team_verdict(panel(effect=0.6))
"""


def _loaded(setup: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(setup=setup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_overviews_answer_fits_without_statsmodels_api():
    found = _loaded(OVERVIEW)
    assert found["opening"].startswith("Evidence of more")  # the fit ran: the effect found
    assert "statsmodels.regression.linear_model" in found["loaded"]
    assert "statsmodels.api" not in found["loaded"]
    assert len(found["loaded"]) < 100  # `statsmodels.api` alone brings about 370


def test_the_teams_answer_fits_without_statsmodels_api():
    found = _loaded(TEAMS)
    assert found["opening"].startswith("Evidence of more")
    assert "statsmodels.regression.linear_model" in found["loaded"]
    assert "statsmodels.api" not in found["loaded"]
    assert len(found["loaded"]) < 100  # `statsmodels.api` alone brings about 370
