"""python -m bench.forecast_coverage [--months N]: how often the month-end forecast's 80%
interval holds the month's true total, by how far into the month the forecast is made (days
1-7, 8-14, 15 on), and whether each stretch reaches alerts.forecast.MIN_COVERAGE.

Two kinds of series, each projected from every day of each month:
- simulated months as in tests/alerts/test_forecast.py (a random weekday pattern, level, growth
  and 10-40% noise; once independent, once AR(1) at rho 0.5: busy and quiet weeks);
- the sandbox's demo organisation through the real connectors: Codefresh CI credits per day
  (May 2025 to November 2026) and Firebender AI model spend per day (November 2025 on).

Writes bench/results-forecast.md; alerts.forecast.COVERAGE_BY_DAY holds its pooled figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from alerts import forecast

RESULTS = Path(__file__).resolve().parent / "results-forecast.md"
LAST_MONTH = dt.date(2026, 11, 1)


def stretch(day: int) -> tuple[int, int]:
    return next(s for s in forecast.COVERAGE_BY_DAY if s[0] <= day <= s[1])


def _month_end(month: dt.date) -> dt.date:
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


def backtest(daily: pd.Series, months: list[dt.date]) -> dict[tuple[int, int], list[int]]:
    """stretch -> [hits, forecasts] over every day of each month."""
    found = {s: [0, 0] for s in forecast.COVERAGE_BY_DAY}
    for month in months:
        last = _month_end(month)
        inside = (daily.index >= pd.Timestamp(month)) & (daily.index <= pd.Timestamp(last))
        truth = float(daily[inside].sum())
        for day in range(1, last.day):
            p = forecast.project(daily, month, month.replace(day=day))
            if p is None:
                continue
            found[stretch(day)][0] += p.low <= truth <= p.high
            found[stretch(day)][1] += 1
    return found


def simulated(n: int, seed: int, persistent: bool) -> dict:
    rng = np.random.default_rng(seed)
    total = {s: [0, 0] for s in forecast.COVERAGE_BY_DAY}
    for _ in range(n):
        month = dt.date(2026, int(rng.integers(1, 13)), 1)
        days = pd.date_range(month - dt.timedelta(days=70), _month_end(month), freq="D")
        level = 10 ** rng.uniform(0, 5)
        pattern = level * np.r_[rng.uniform(0.8, 1.2, 5), rng.uniform(0.0, 0.15, 2)]
        slope, sd = rng.uniform(-0.003, 0.006), rng.uniform(0.1, 0.4)
        shocks = rng.standard_normal(len(days))
        if persistent:
            for i in range(1, len(shocks)):
                shocks[i] = 0.5 * shocks[i - 1] + np.sqrt(0.75) * shocks[i]
        values = pattern[days.day_of_week] * (1 + slope * np.arange(len(days))) * (1 + sd * shocks)
        for s, (hits, count) in backtest(
            pd.Series(np.maximum(values, 0.0), index=days), [month]
        ).items():
            total[s][0] += hits
            total[s][1] += count
    return total


def sandbox_series() -> dict[str, tuple[pd.Series, list[dt.date]]]:
    from config.settings import resolve
    from sync import clients

    demo = resolve({}, {}, {}, {})
    end = _month_end(LAST_MONTH)
    credits = clients.build(demo["codefresh"]).credit_consumption(dt.date(2025, 3, 1), end, "day")
    ci = credits.groupby(pd.DatetimeIndex(credits["period"]).tz_localize(None))["value"].sum()
    requests = clients.build(demo["firebender"]).model_requests(dt.date(2025, 9, 1), end)
    when = requests["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    ai = requests.groupby(when)["cost_usd"].sum()
    ci_months = list(pd.date_range("2025-05-01", LAST_MONTH, freq="MS").date)
    ai_months = list(pd.date_range("2025-11-01", LAST_MONTH, freq="MS").date)
    return {"sandbox CI credits": (ci, ci_months), "sandbox AI spend": (ai, ai_months)}


def run(months: int = 60) -> dict[str, dict]:
    rows = {
        "simulated, independent noise": simulated(months, 2026, False),
        "simulated, AR(1) noise": simulated(months, 7, True),
    }
    for name, (daily, chosen) in sandbox_series().items():
        rows[name] = backtest(daily, chosen)
    pooled = {s: [0, 0] for s in forecast.COVERAGE_BY_DAY}
    for found in rows.values():
        for s, (hits, count) in found.items():
            pooled[s][0] += hits
            pooled[s][1] += count
    rows["pooled"] = pooled
    return rows


def markdown(rows: dict[str, dict]) -> str:
    heads = [f"days {a}-{b}" if b < 31 else f"days {a}+" for a, b in forecast.COVERAGE_BY_DAY]
    lines = [
        "# Forecast: coverage of the 80% interval by day of the month",
        "",
        "`python -m bench.forecast_coverage`. Share of forecasts whose 80% interval held the "
        "month's true total (forecasts made). A stretch below "
        f"{forecast.MIN_COVERAGE:.0%} (pooled) shows no projection.",
        "",
        "| series | " + " | ".join(heads) + " |",
        "|---|" + "---|" * len(heads),
    ]
    for name, found in rows.items():
        cells = [f"{h / c:.3f} ({c})" if c else "-" for h, c in found.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.forecast_coverage")
    parser.add_argument("--months", type=int, default=60, help="simulated months per kind")
    args = parser.parse_args(argv)
    text = markdown(run(args.months))
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
