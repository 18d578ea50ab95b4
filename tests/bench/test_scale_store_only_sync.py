"""`python -m bench.scale_store --only-sync` at a tiny size: the first and the next day's syncs
are measured, nothing else is started (no Overview, browser or export), and the report says
"not measured" for the rest, never a failure nor a figure."""

from __future__ import annotations

from bench import report, scale_store


def test_only_sync_measures_the_syncs_and_reports_the_rest_as_not_measured():
    result = scale_store.run(
        sizes=(None,),
        days=14,
        latency_ms=5,
        reruns=1,
        sessions=1,
        export_rows=2_000,
        browser=True,
        profile=False,
        log=lambda _: None,
        only_sync=True,
    )
    size = result.sizes[0]
    first, following = size.sync["first"], size.sync["next"]
    assert not first["failed"] and not following["failed"]
    assert first["requests"] > following["requests"] > 0
    assert size.overview == size.prime == {"status": "skipped", "detail": "--only-sync"}
    assert size.browser["status"] == "skipped" and not size.exports and not size.export_range

    text, _ = report.scale_store_section(result)
    assert "wall / bound (critical path) = ratio" in text
    assert "FAILED" not in text
    cold = next(line for line in text.splitlines() if "Overview cold" in line)
    assert "not measured" in cold
