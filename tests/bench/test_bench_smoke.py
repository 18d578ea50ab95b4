"""The benchmark's parts at tiny sizes: they run, they count what they claim to count, and the
frame comparison is between equal content. No timing is asserted."""

from __future__ import annotations

import orjson
import pytest

from bench import cold_load, frame_build, frame_paths, model_pages, overview_rerun, report


def test_cold_load_counts_requests_and_chains():
    loads = ["Builder org_metrics (day)", "Firebender model_requests", cold_load.ALL_AT_ONCE]
    result = cold_load.run(days=20, latency_ms=10, repeat=1, only=loads, log=lambda _: None)
    by_name = {r.name: r for r in result.results}
    assert list(by_name) == loads
    assert by_name["Builder org_metrics (day)"].requests == 1
    requests = by_name["Firebender model_requests"]
    assert requests.requests >= 3 and requests.chain >= 2  # 20 days: 3 windows, paged
    everything = by_name[cold_load.ALL_AT_ONCE]
    assert everything.requests >= requests.requests + 8  # one or more per endpoint
    assert everything.chain == requests.chain
    for r in result.results:
        assert r.walls[0] > 0 and r.rows > 0
        assert r.bound == pytest.approx(max(r.chain, r.requests / r.pool) * 0.010)
    text, targets = report.cold_load_section(result)
    assert "| Firebender model_requests |" in text and len(targets) == 2 * len(loads)


def test_count_takes_the_longest_cursor_chain():
    page = {"path": cold_load.MODEL_REQUESTS_PATH}
    log = [
        {**page, "json": {"startDate": 1, "endDate": 2}},
        {**page, "json": {"startDate": 1, "endDate": 2, "cursor": "a"}},
        {**page, "json": {"startDate": 3, "endDate": 4}},
        {"path": "/api/v1/orgs/fusion/metrics", "json": None},
    ]
    assert cold_load.count(log) == (4, 2)


def test_pages_look_like_the_api():
    pages = model_pages.make_pages(1_200, per_page=500)
    parsed = [orjson.loads(p) for p in pages]
    assert [len(p["data"]) for p in parsed] == [500, 500, 200]
    assert all(isinstance(p["nextCursor"], str) for p in parsed[:-1])
    assert parsed[-1]["nextCursor"] is None
    first = parsed[0]["data"][0]
    assert list(first) == [
        "requestId",
        "timestamp",
        "email",
        "model",
        "inputTokens",
        "cacheReadTokens",
        "outputTokens",
        "cacheWriteTokens",
        "totalTokens",
        "costUsd",
        "spendType",
        "mode",
    ]
    assert first["totalTokens"] == sum(
        first[k] for k in ("inputTokens", "cacheReadTokens", "outputTokens", "cacheWriteTokens")
    )
    assert first["timestamp"].endswith("Z") and first["requestId"].startswith("mr_")


def test_frame_paths_agree_and_memory_is_probed():
    result = frame_build.run(records=2_000, per_page=500, repeat=1, log=lambda _: None)
    assert result.differences == []
    assert result.ours_summary["rows"] == 2_000
    assert result.ours_summary["distinct request ids"] == 2_000
    assert set(result.times) == {"floor", "ours", "baseline"}
    assert set(result.memory) == {"floor", "ours", "baseline"}
    assert all(m["json_bytes"] == result.json_bytes for m in result.memory.values())
    assert result.dtypes["timestamp"] == "datetime64[ns, UTC]"
    text, targets = report.frames_section(result)
    assert "**equal**" in text and len(targets) == 3


def test_a_difference_is_caught():
    pages = model_pages.make_pages(1_000, per_page=500)
    ours = frame_paths.summary(frame_paths.ours(pages))
    fewer = frame_paths.summary(frame_paths.baseline(pages[:1]), camel=True)
    assert "rows: 1000 != 500" in frame_paths.differences(ours, fewer)


def test_overview_probe_runs_or_says_why():
    result = overview_rerun.run(
        reruns=1, days=30, granularities=("month",), profile=False, log=lambda _: None
    )
    text, _ = report.overview_section(result)
    if result.status == "missing":
        pytest.skip(result.detail)
    if result.status == "error":
        pytest.skip(f"the app raised (it is not the benchmark's code): {result.detail}")
    assert result.raw["demo"] is True
    assert result.median_ms > 0
    assert result.raw["charts"]["default"], "no chart found on the Overview page"
    assert all(chart["rows"] > 0 for chart in result.raw["charts"]["default"])
    # by granularity every tab's charts are measured, each once (one tab is drawn at a time)
    titles = [chart["chart"] for chart in result.raw["charts"]["month"]]
    assert len(titles) == len(set(titles)) >= 4, titles
    assert "warm rerun" in text


def test_verdict_rates_run_and_report_every_scenario_for_both_sources():
    from bench import report, verdict_rates

    picked = ("no_link", "effect", "team_effect")
    results = verdict_rates.run(seeds=1, log=lambda _: None, scenarios=picked)
    assert [r.scenario for r in results] == list(picked)
    assert all(len(r.openings["both"]) == len(r.openings["firebender"]) == 1 for r in results)
    text, targets = report.verdict_section(results)
    assert "### AI use from either tool, each person counted once ('both')" in text
    assert "| `no_link` | +0.0% |" in text and "| `team_effect` | — |" in text
    # no_link held to the false-evidence target, effect to detection, team_effect reported only
    assert [t.what for t in targets] == [
        "overview: no_link: says evidence",
        "overview: effect: finds the planted effect",
    ]


def test_team_verdict_rates_run_and_report_every_method():
    from bench import report, team_verdict_rates

    results = team_verdict_rates.run(
        seeds=1, log=lambda _: None, scenarios=("team_no_link", "team_effect")
    )
    for r in results:
        assert set(r.openings) == set(team_verdict_rates.METHODS)
        assert all(len(found) == 1 for found in r.openings.values())
        assert r.shapes == [(4, 51)]
    text, targets = report.teams_section(results)
    assert (
        "### team + week FE, each team's trend, the wider of Driscoll-Kraay and classical errors (app)"
        in text
    )
    # the app's method is the one held to the targets
    assert [t.what for t in targets] == [
        "teams: team_no_link: says evidence",
        "teams: team_effect: finds the planted effect",
    ]


def test_anomaly_rates_run_and_report_every_method():
    from bench import anomaly_rates

    result = anomaly_rates.run(seeds=1, log=lambda _: None, workers=1)
    assert set(result.scores) == set(anomaly_rates.METHODS)
    ours = result.scores["ours"]
    assert sum(planted for _, planted in ours.found.values()) == 3  # runaway, shift, org spike
    assert ours.alerts >= ours.true >= 1
    text, targets = anomaly_rates.section(result)
    assert "| **ours**: same weekday" in text and "cursor-usage-tracker z-score" in text
    assert [t.what for t in targets][:2] == [
        "anomalies (ours): precision",
        "anomalies (ours): recall",
    ]


def test_anomaly_alerts_are_scored_against_the_labels():
    import datetime as dt

    import pandas as pd

    from bench import anomaly_rates
    from connectors.sandbox import anomalies as planted

    labels = planted.labels(0)
    runaway = next(label for label in labels if label.event == "runaway")
    holiday = next(label for label in labels if label.event == "holiday")

    def alert(kind, subject, day):
        return {"kind": kind, "subject": subject, "first_day": pd.Timestamp(day), "value": 1.0}

    sent = pd.DataFrame(
        [
            alert("person_ai_spend_usd", runaway.subject, runaway.first_day),  # found
            alert("org_ai_spend_usd", "org", runaway.first_day),  # allowed
            alert("pipeline_ci_credits", "api/build", holiday.first_day),  # false, on a holiday
            alert("person_ai_spend_usd", runaway.subject, dt.date(2026, 6, 1)),  # false
        ]
    )
    score = anomaly_rates.score(sent, labels)
    assert (score.alerts, score.true, score.on_holiday) == (4, 2, 1)
    assert score.recall_of("runaway") == 1.0 and score.recall_of("level_shift") == 0.0
    assert score.precision == 0.5
