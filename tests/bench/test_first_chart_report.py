"""The first-chart table tells the truth: a failed round is a FAILED row and takes no part in
any ratio; the ratio is the demo's first chart over the bare page's of the same round."""

from __future__ import annotations

from bench import first_chart
from bench.first_chart import FirstChartReport, Round


def _round(which, number, seconds, cpu=1.0, error=None):
    return Round(
        which,
        number,
        first_chart=seconds,
        from_launch=None if seconds is None else seconds + 1,
        server_start=1.0,
        cpu=cpu,
        browser_cpu=0.5,
        machine_cpu=2.0,
        error=error,
        cache_empty=number == 1,
    )


def test_a_failed_round_is_a_failed_row_and_never_a_ratio():
    report = FirstChartReport("ok", load=(1.0, 1.0, 1.0))
    report.rounds = [
        _round("bare", 1, 2.0),
        _round("demo", 1, 8.0),  # the first start ever: reported apart
        _round("bare", 2, 2.0),
        _round("demo", 2, None, error="TimeoutError: no chart"),
        _round("bare", 3, 2.0),
        _round("demo", 3, 3.0, cpu=1.5),
    ]
    text, targets = first_chart.section(report)
    assert "**FAILED**: TimeoutError: no chart" in text
    assert "**FAILED** (no ratio)" in text
    # only round 3 counts: 3.0 / 2.0
    assert "median **1.50×** (min 1.50, max 1.50, 1 rounds)" in text
    assert "demo ÷ bare 4.00×" in text  # round 1, cache empty
    [target] = targets
    assert target.measured == "1.50×" and target.met


def test_every_round_failed_gives_no_target_at_all():
    report = FirstChartReport("ok")
    report.rounds = [_round("bare", 1, None, error="x"), _round("demo", 1, None, error="y")]
    text, targets = first_chart.section(report)
    assert targets == []
    assert "×**" not in text


def test_skipped_without_chromium_says_why():
    text, targets = first_chart.section(FirstChartReport("skipped", "no Chromium at /x"))
    assert "Skipped: no Chromium at /x" in text and targets == []
