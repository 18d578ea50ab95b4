"""The synthetic organisation: determinism (across instances and processes) and its story."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from connectors.sandbox import DATA_START, Sandbox, data, keys
from connectors.sandbox.dates import add_months, within_interval

ROOT = Path(__file__).resolve().parents[2]
PROBES = [
    (
        "GET",
        "https://builder.io/api/v1/orgs/fusion/metrics?startDate=2026-01-01&endDate=2026-03-01"
        "&granularity=week",
        {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
        b"",
    ),
    (
        "POST",
        "https://api.firebender.com/v2/organization/model-requests",
        {"X-API-Key": keys.FIREBENDER_KEY},
        b'{"startDate":1767225600000,"endDate":1767484800000,"limit":500}',
    ),
    (
        "GET",
        "https://g.codefresh.io/api/analytics/reports/pipelineCreditConsumption?granularity=month"
        "&dateRange=2025-03-01&dateRange=2026-02-28",
        {"Authorization": keys.CODEFRESH_KEY},
        b"",
    ),
]
DIGEST_SCRIPT = """
import hashlib, sys
from datetime import date
from connectors.sandbox import Sandbox
sys.path.insert(0, {tests!r})
from test_sandbox_data import PROBES
sandbox = Sandbox(today=date(2026, 3, 15))
print(hashlib.sha256(b"".join(sandbox.handle(*p).body for p in PROBES)).hexdigest())
print("streamlit" in sys.modules)
"""


def digest(sandbox: Sandbox) -> str:
    return hashlib.sha256(b"".join(sandbox.handle(*probe).body for probe in PROBES)).hexdigest()


def test_same_request_twice_gives_the_same_bytes(sandbox):
    for probe in PROBES:
        first, second = sandbox.handle(*probe), sandbox.handle(*probe)
        assert first.status == 200 and first.body == second.body


def test_two_instances_and_a_cold_cache_agree(sandbox):
    before = digest(sandbox)
    assert digest(Sandbox(today=sandbox.today)) == before
    data.DEMO.clear_caches()
    assert all(info.currsize == 0 for info in data.DEMO.cache_info().values())
    assert digest(Sandbox(today=sandbox.today)) == before


def test_another_process_with_another_hash_seed_agrees(sandbox):
    script = DIGEST_SCRIPT.format(tests=str(Path(__file__).parent))
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [digest(sandbox), "False"]  # and streamlit was never imported


def test_roster():
    assert 30 <= len(data.DEVELOPERS) <= 40
    emails = [dev.email for dev in data.DEVELOPERS]
    assert len(set(emails)) == len(emails) and all(e.endswith("@example.com") for e in emails)
    assert sum(dev.joined > DATA_START for dev in data.DEVELOPERS) >= 5  # some join over time
    assert len(keys.BUILDER_SPACES) == 5
    assert {name for name, _ in keys.BUILDER_SPACES.values()} == {
        "Web app",
        "Mobile",
        "Design system",
        "Marketing site",
        "Internal tools",
    }


def active_share(first: date) -> float:
    last = add_months(first, 1) - timedelta(days=1)
    active, day = set(), first
    while day <= last:
        active |= {r["email"] for r in data.firebender_usage(day)}
        active |= {a.email for a in data.builder_activity(day)}
        day += timedelta(days=1)
    return len(active) / len(data.staff_on(last))


def test_adoption_grows_logistically():
    assert 0.05 <= active_share(date(2025, 1, 1)) <= 0.2
    assert 0.65 <= active_share(date(2026, 10, 1)) <= 0.9
    assert (
        data.adoption(date(2025, 1, 1))
        < data.adoption(date(2025, 11, 15))
        < data.adoption(date(2026, 10, 1))
    )


def test_interval_rules():
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert within_interval(date(2024, 2, 29), date(2025, 2, 27), "1 day", "1 year")
    assert not within_interval(date(2024, 2, 29), date(2025, 2, 28), "1 day", "1 year")
    assert within_interval(
        date(2026, 1, 31), date(2026, 4, 29), "3 months", "1 year"
    )  # 04-29 + 1 day = 01-31 + 3 months
    assert not within_interval(date(2026, 1, 31), date(2026, 4, 28), "3 months", "1 year")
    assert not within_interval(date(2026, 1, 2), date(2026, 1, 1), "1 day", "1 year")


def test_the_request_log_can_be_capped():
    from connectors.sandbox import Sandbox

    sandbox = Sandbox(log_limit=3)
    for n in range(5):
        sandbox.handle("GET", f"https://g.codefresh.io/api/analytics/metadata?n={n}", {})
    assert [r.query["n"] for r in sandbox.requests] == [["2"], ["3"], ["4"]]
