"""Organisations of any size: World(developers=N) keeps the demo's story and proportions, the
default world is the demo byte for byte, and the size reaches the server and its command line."""

from __future__ import annotations

import hashlib
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests
from test_sandbox_data import PROBES

from connectors import BuilderClient, CodefreshClient, FirebenderClient
from connectors.http import new_session
from connectors.sandbox import DATA_START, Sandbox, SandboxTransport, World, data, keys, roster
from connectors.sandbox.__main__ import main as sandbox_main
from connectors.sandbox.dates import DAY_MS, day_ms

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 23)
# The demo's bytes and roster before sized worlds existed: they must never move.
DEMO_PROBES_SHA256 = "45df47c0312eac26477318f93c6a170b08b4d8bb8cb66962b9b56823f275e59e"
DEMO_ROSTER_SHA256 = "b09aceda5f4995b71a4fe6531981fdd1631fdc8fa2215292922847116e2fb000"
BIG = World(developers=2000)  # shared: building it and its days is the costly part


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def probes_digest(sandbox: Sandbox) -> str:
    return sha256(b"".join(sandbox.handle(*probe).body for probe in PROBES))


def fingerprint(world: World) -> list:
    """A few days of every generator of `world`, with its roster, as comparable values."""
    picked = [DATA_START + timedelta(days=n) for n in (3, 400, 600)]
    return [
        world.developers,
        world.pipelines,
        world.spaces,
        *[world.firebender_usage(day) for day in picked],
        *[world.builder_activity(day) for day in picked],
        *[world.codefresh_day(day) for day in picked],
        world.model_requests(date(2026, 8, 5)).rows,
    ]


def sessions(sandbox: Sandbox) -> dict[str, requests.Session]:
    return {
        vendor: new_session(vendor, transport=SandboxTransport(sandbox))
        for vendor in ("builder", "firebender", "codefresh")
    }


# ---------------------------------------------------------------- the default is the demo


def test_the_default_world_is_the_demo_unchanged_byte_for_byte():
    for sandbox in (
        Sandbox(today=date(2026, 3, 15)),
        Sandbox(today=date(2026, 3, 15), developers=None),
    ):
        assert probes_digest(sandbox) == DEMO_PROBES_SHA256
        assert sandbox.world is data.DEMO and sandbox.developers is None
    assert sha256(repr((data.DEVELOPERS, data.PIPELINES)).encode()) == DEMO_ROSTER_SHA256
    assert World.get() is data.DEMO and World.get(developers=None) is data.DEMO
    assert (len(data.DEMO.developers), len(data.DEMO.pipelines)) == (36, 30)
    assert data.DEMO.spaces == keys.BUILDER_SPACES == keys.builder_spaces()


def test_any_size_even_36_is_a_sized_organisation_and_not_the_demo():
    sized = World(developers=36)
    assert World.get(developers=36) is not data.DEMO
    assert [dev.email for dev in sized.developers] == [dev.email for dev in data.DEVELOPERS]
    assert sized.spaces == keys.BUILDER_SPACES
    assert [pipe.name for pipe in sized.pipelines] == list(data.PIPELINE_NAMES)
    assert fingerprint(sized) != fingerprint(data.DEMO)
    assert repr(sized) == "World(scenario='demo', seed=0, developers=36)"


# ---------------------------------------------------------------- size and proportions


@pytest.mark.parametrize("developers", [10, 36, 200, 2000])
def test_pipelines_and_spaces_scale_with_the_developers_in_the_demos_proportions(developers):
    world = BIG if developers == 2000 else World(developers=developers)
    emails = [dev.email for dev in world.developers]
    names = [dev.name for dev in world.developers]
    assert len(set(emails)) == len(set(names)) == developers
    assert all(re.fullmatch(r"[a-z]+\.[a-z]+@example\.com", email) for email in emails)
    pipelines = [pipe.name for pipe in world.pipelines]
    assert len(set(pipelines)) == len(pipelines) == round(developers * 30 / 36)
    assert all(re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+", name) for name in pipelines)
    assert len(world.spaces) == round(developers * 5 / 36) == keys.space_count(developers)
    privates = [private for _, private in world.spaces.values()]
    assert len(set(privates)) == len(privates) and not set(privates) & set(world.spaces)
    assert list(world.spaces.items()) == list(keys.builder_spaces(developers).items())
    first = list(keys.BUILDER_SPACES.items())[: len(world.spaces)]
    assert list(world.spaces.items())[:5] == first  # the demo's spaces come first
    joiners = sum(dev.joined > DATA_START for dev in world.developers)
    assert joiners == round(developers * 10 / 36)
    assert {space for dev in world.developers for space in dev.spaces} <= set(world.spaces)


def test_names_stay_unique_and_plausible_past_every_first_and_last_name_pair():
    pairs = len(roster.FIRST_NAMES) * len(roster.LAST_NAMES)
    people = roster.names(pairs + 50)
    emails = roster.emails(people)
    assert len(set(people[:pairs])) == pairs  # each pair once before any name repeats
    assert len(set(emails)) == len(emails)
    assert emails[-1].split("@")[0][-1] == "2"  # a repeated name gets a number in its email


def test_in_a_world_of_2000_every_firebender_user_who_has_adopted_shows_up_over_half_a_year():
    days = [TODAY - timedelta(days=n) for n in range(180)]
    seen = {row["email"] for day in days for row in BIG.firebender_usage(day)}
    users = [dev for dev in BIG.developers if dev.uses_firebender]
    adopted = {dev.email for dev in users if dev.adopts_on and dev.adopts_on <= days[-1]}
    ever = {dev.email for dev in users if dev.adopts_on and dev.adopts_on <= TODAY}
    assert adopted <= seen <= ever  # nobody else: non-users and non-adopters never appear
    assert 0.5 * 2000 <= len(seen) <= 0.7 * 2000  # 70% use Firebender, 85% adopt at most
    builder = {item.email for day in days for item in BIG.builder_activity(day)}
    adopters = {dev.email for dev in BIG.developers if dev.adopts_on and dev.adopts_on <= days[-1]}
    assert adopters <= seen | builder  # everyone uses at least one tool once adopted
    assert len(seen | builder) >= 0.75 * 2000  # ~78% have adopted by November 2026


def test_a_large_world_tells_the_demos_story_per_developer():
    """Per developer and day, the large organisation looks like the demo: who is active, how
    much they do, how often they commit, what CI costs per committer."""
    days = [date(2026, 6, 1) + timedelta(days=n) for n in range(120)]

    def per_developer(world: World) -> dict[str, float]:
        heads = sum(world.headcount(day) for day in days)
        usage = [row for day in days for row in world.firebender_usage(day)]
        builder = [item for day in days for item in world.builder_activity(day)]
        ci = [world.codefresh_day(day) for day in days]
        commits = sum(len(day.committers) for day in ci)
        return {
            "firebender": len(usage) / heads,
            "prompts": sum(row["agentPrompts"] for row in usage) / len(usage),
            "builder": len(builder) / heads,
            "commits": commits / heads,
            "credits": sum(sum(day.credits_cents.values()) for day in ci) / commits,
            "builds": sum(sum(day.builds.values()) for day in ci) / commits,
        }

    demo, big = per_developer(data.DEMO), per_developer(BIG)
    for measure, value in demo.items():
        assert big[measure] == pytest.approx(value, rel=0.2), measure
    early = [date(2025, 1, 1) + timedelta(days=n) for n in range(31)]
    late = [date(2026, 10, 1) + timedelta(days=n) for n in range(31)]
    for month, low, high in ((early, 0.05, 0.2), (late, 0.65, 0.9)):
        active = set()
        for day in month:
            active |= {row["email"] for row in BIG.firebender_usage(day)}
            active |= {item.email for item in BIG.builder_activity(day)}
        assert low <= len(active) / BIG.headcount(month[-1]) <= high


# ---------------------------------------------------------------- determinism


def test_the_same_seed_and_size_make_the_same_organisation_and_another_seed_another():
    first = fingerprint(World("no_link", 3, developers=300))
    assert fingerprint(World("no_link", 3, developers=300)) == first
    assert fingerprint(World("no_link", 4, developers=300)) != first
    assert fingerprint(World("no_link", 3, developers=301)) != first


def test_another_process_with_another_hash_seed_makes_the_same_large_world():
    script = (
        "import hashlib, sys\nfrom datetime import date\nfrom connectors.sandbox import Sandbox\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_sandbox_data import PROBES\n"
        "sandbox = Sandbox(today=date(2026, 3, 15), scenario='effect', seed=5, developers=400)\n"
        "print(hashlib.sha256(b''.join(sandbox.handle(*p).body for p in PROBES)).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "777", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    sandbox = Sandbox(today=date(2026, 3, 15), scenario="effect", seed=5, developers=400)
    assert result.stdout.split() == [probes_digest(sandbox)]


# ---------------------------------------------------------------- serving a large world


def test_model_requests_of_a_large_world_page_every_row_once_in_order():
    sandbox = Sandbox(today=TODAY, developers=2000)
    sandbox.world = BIG  # the shared world: its days are already made
    start = day_ms(date(2026, 11, 2)) + 9 * 3_600_000
    window = {"startDate": start, "endDate": start + DAY_MS}
    expected = []
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        batch = BIG.model_requests(day)
        expected += [
            row for (ts, _), row in zip(batch.keys, batch.rows) if start <= ts <= start + DAY_MS
        ]
    rows = walk(sandbox, window, limit=500)
    assert rows == expected and len(rows) > 5_000
    keys_ = [(row["timestamp"], row["requestId"]) for row in rows]
    assert keys_ == sorted(keys_) and len(set(keys_)) == len(keys_)
    email = Counter(row["email"] for row in rows).most_common(1)[0][0]
    assert walk(sandbox, {**window, "email": email}, limit=7) == [
        row for row in rows if row["email"] == email
    ]
    assert walk(sandbox, {**window, "email": "nobody@example.com"}) == []


def walk(sandbox: Sandbox, window: dict, limit: int = 500) -> list[dict]:
    body, rows = {**window, "limit": limit}, []
    while True:
        answer = sandbox.handle(
            "POST",
            "https://api.firebender.com/v2/organization/model-requests",
            {"X-API-Key": keys.FIREBENDER_KEY},
            json.dumps(body).encode(),
        )
        assert answer.status == 200, answer.body
        page = answer.json()
        rows += page["data"]
        if not page["nextCursor"]:
            return rows
        body = {**body, "cursor": page["nextCursor"]}


def test_a_large_world_serves_every_endpoint_through_the_connectors():
    sandbox = Sandbox(today=TODAY, developers=2000)
    sandbox.world = BIG
    opened = sessions(sandbox)
    start = TODAY - timedelta(days=13)
    public = list(BIG.spaces)[150]
    private = BIG.spaces[public][1]
    builder = BuilderClient(keys.BUILDER_ORG_KEY, session=opened["builder"], today=TODAY)
    per_space = builder.org_space_metrics(start, TODAY)
    assert per_space["space_id"].nunique() == len(BIG.spaces) == 278
    users = builder.org_users(start, TODAY)
    assert 500 <= len(users) <= 2000 and users["user_email"].is_unique
    own = BuilderClient(
        None, space_public_key=public, space_private_key=private, session=opened["builder"]
    )
    assert len(own.space_metrics(start, TODAY)) == 14
    firebender = FirebenderClient(keys.FIREBENDER_KEY, session=opened["firebender"], today=TODAY)
    assert firebender.daily_usage(start, TODAY)["email"].nunique() >= 900
    codefresh = CodefreshClient(keys.CODEFRESH_KEY, session=opened["codefresh"], today=TODAY)
    credits = codefresh.pipeline_credit_consumption(start, TODAY, "day")
    assert credits["key"].nunique() >= 0.95 * len(BIG.pipelines)
    committers = codefresh.active_committers(date(2026, 1, 1), TODAY)
    assert committers["value"].max() <= 2000 and committers["value"].min() >= 1000
    for session in opened.values():
        session.close()


def test_a_large_worlds_space_keys_open_their_own_space_only():
    sandbox = Sandbox(today=TODAY, developers=2000)
    public, other = list(sandbox.world.spaces)[200], list(sandbox.world.spaces)[201]
    private = keys.builder_spaces(2000)[public][1]

    def status(space: str, key: str) -> int:
        url = (
            f"https://builder.io/api/v1/spaces/{space}/fusion/metrics"
            "?startDate=2026-11-01&endDate=2026-11-02"
        )
        return sandbox.handle("GET", url, {"Authorization": f"Bearer {key}"}).status

    assert status(public, private) == 200 and status(public, keys.BUILDER_ORG_KEY) == 200
    assert status(other, private) == 404
    assert (
        Sandbox(today=TODAY)
        .handle(  # the demo has no such space
            "GET",
            f"https://builder.io/api/v1/spaces/{public}/fusion/metrics"
            "?startDate=2026-11-01&endDate=2026-11-02",
            {"Authorization": f"Bearer {private}"},
        )
        .status
        == 404
    )


# ---------------------------------------------------------------- caches


def test_a_large_worlds_caches_are_bounded_inspectable_and_clearable():
    world = World(developers=2000)
    sizes = {name: info.maxsize for name, info in world.cache_info().items()}
    demo = {name: info.maxsize for name, info in data.DEMO.cache_info().items()}
    assert all(16 <= sizes[name] < demo[name] for name in data.CACHE_DAYS)
    day = date(2026, 11, 2)
    before = world.model_requests(day).rows
    for offset in range(sizes["model_requests"] + 5):
        world.model_requests(day - timedelta(days=offset))
    info = world.cache_info()["model_requests"]
    assert info.currsize == info.maxsize
    world.clear_caches()
    assert all(info.currsize == 0 for info in world.cache_info().values())
    assert world.model_requests(day).rows == before  # made again, identically
    wide = World(developers=2000, cache_days=4096)
    assert {info.maxsize for name, info in wide.cache_info().items() if name != "engaged"} == {4096}


def test_a_world_refuses_a_size_that_is_not_a_positive_whole_number():
    for bad in (0, -3, "10", 2.5, True):
        with pytest.raises(ValueError, match="developers"):
            World(developers=bad)
    with pytest.raises(ValueError, match="cache_days"):
        World(cache_days=0)
    for bad in ("0", "-1", "many"):
        with pytest.raises(SystemExit):
            sandbox_main(["--port", "0", "--developers", bad])


# ---------------------------------------------------------------- the command line


def test_the_server_command_line_accepts_developers_and_reports_the_size():
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_KEY", "_BASE_URL"))}
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, "-m", "connectors.sandbox", "--port", "0", "--developers", "300"]
    process = subprocess.Popen(
        [*command, "--today", TODAY.isoformat(), "--cache-days", "30"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        printed = _read_until_url(process)
        url = re.search(r"http://[\w.\-]+:\d+", printed).group(0)
        with urllib.request.urlopen(f"{url}/_sandbox/scenario", timeout=10) as answer:
            about = json.loads(answer.read())
        public = list(keys.builder_spaces(300))[41]
        private = keys.builder_spaces(300)[public][1]
        space = requests.get(
            f"{url}/api/v1/spaces/{public}/fusion/metrics",
            params={"startDate": "2026-11-01", "endDate": "2026-11-07"},
            headers={"Authorization": f"Bearer {private}"},
            timeout=10,
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        process.stdout.close()
    assert about == {
        "scenario": "demo",
        "seed": 0,
        "developers": 300,
        "headcount": 300,
        "spaces": 42,
        "pipelines": 250,
        "trueEffect": 1.5,
    }
    assert "300 developers, 42 Builder spaces, 250 Codefresh pipelines" in printed
    assert space.status_code == 200 and len(space.json()["data"]) == 7


def _read_until_url(process: subprocess.Popen, timeout: float = 30.0) -> str:
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    printed, deadline = b"", time.monotonic() + timeout
    while time.monotonic() < deadline and b"Press Ctrl-C" not in printed:
        assert process.poll() is None, "the sandbox server exited"
        if selector.select(timeout=0.2):
            printed += os.read(process.stdout.fileno(), 4096)
    return printed.decode()
