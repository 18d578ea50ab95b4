"""The store-at-scale part (bench/scale_store.py) at a tiny size: it runs end to end in live
mode against the sandbox server, counts what it claims to count and renders its report. The real
measurement (365 days, 36 and 2,000 developers) is `python -m bench --only scale_store`; no
timing is asserted here."""

from __future__ import annotations

import pytest

from bench import report, scale_sandbox, scale_store, store_browser


def test_scale_store_runs_at_a_tiny_size():
    browser = store_browser.available() is None
    result = scale_store.run(
        sizes=(None,),
        days=14,
        latency_ms=5,
        reruns=1,
        sessions=1,
        export_rows=2_000,
        browser=browser,
        exports=(("writer", "csv"),),
        profile=False,
        pages=("Overview", "Teams", "Connections"),
        first_chart_rounds=1,
        log=lambda _: None,
    )
    size = result.sizes[0]
    assert size.sync.get("status") != "error", size.sync
    first, following = size.sync["first"], size.sync["next"]
    assert not first["failed"] and not following["failed"]
    # every answer the clients got is one the server logged (the report list included)
    assert first["requests"] == first["server_requests"] > 0
    assert first["requests"] == first["sync_requests"] + 1
    # model requests are paged: a cursor chain longer than one page somewhere
    assert max(t["chain"] for t in first["per_task"]) >= 2
    assert scale_store.serial(size) >= scale_store.bound(size) > 0
    assert first["unattributed"] == 0  # every answer belongs to a task (or the report list)
    # the next day fetches the new day and the unsettled tail, far less than a reload
    assert scale_store.next_day_met(size)
    assert following["requests"] < first["requests"]
    assert all(t["lacking"] + t["tail"] >= 1 for t in following["per_task"])

    overview = size.overview
    assert overview.get("status") == "ok", overview
    assert overview["live"] is True
    assert overview["cold_requests"] == 0 and overview["rerun_requests"] == 0
    assert scale_store.aggregate_rows(size) > 0 and scale_store.raw_rows(size) > 0

    assert size.export_range["rows"] >= 2_000
    (export,) = size.exports
    assert export["status"] == "ok" and export["bytes"] > 0 and export["seconds"] > 0

    if browser:
        assert size.browser["status"] == "ok", size.browser
        visits = size.browser["visits"]
        assert [v["name"] for v in visits] == ["Overview", "Teams", "Connections"]
        assert all(v["error"] is None for v in visits), visits
        assert size.browser["after_tour_rss_mb"] > 0 and size.browser["after_sessions_rss_mb"] > 0
        assert len(size.browser["first_chart"]) == 1
        assert size.teams["teams"] == 5 and size.teams["people"] > 30  # the demo's mapping
        chart = size.first_chart
        assert chart["status"] == "ok", chart
        assert [(r["which"], r["error"]) for r in chart["rounds"]] == [
            ("bare", None),
            ("app", None),
        ]
        assert all(r["first_chart"] > 0 and r["cpu"] > 0 for r in chart["rounds"])
        assert scale_store.first_chart_ratio(size) > 0

    text, targets = report.scale_store_section(result)
    assert "### 1. The first full sync" in text and "### 6." in text
    assert any("next day's sync" in t.what for t in targets)
    again = scale_store.from_json(scale_store.to_json(result))
    assert report.scale_store_section(again)[0] == text


def test_bound_is_the_slowest_vendors_critical_path():
    size = scale_store.SizeRun(None, 36, 5, "2026-01-01", "2026-01-31", 100.0)
    size.sync = {
        "first": {
            "wall": 3.0,
            "requests": 30,
            "vendors": {
                "builder": {"bound_rounds": 20, "serial_rounds": 80},
                "firebender": {"bound_rounds": 12, "serial_rounds": 13},
            },
        },
        "next": {"requests": 3, "per_task": [{"lacking": 1, "tail": 2}]},
    }
    assert scale_store.bound(size) == pytest.approx(2.0)
    assert scale_store.serial(size) == pytest.approx(8.0)
    assert scale_store.over_bound(size) == pytest.approx(1.5)
    assert scale_store.next_day_met(size)
    size.sync["next"]["per_task"].append({"lacking": 30, "tail": 0})
    assert not scale_store.next_day_met(size)


def test_scale_part_renders_the_sandbox_at_scale():
    result = scale_sandbox.run(sizes=(None,), days=3, log=lambda _: None)
    text, targets = report.scale_section(result)
    assert "## The sandbox at scale" in text and targets == []
