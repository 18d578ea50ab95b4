"""Is AI paying off, in money: what the AI costs per unit of use against the range before, and
what the overview's answer means in CI money per month. No return is computed from assumed
hours saved: only measured spend, measured use, and the answer's own estimate.

Spend is Firebender's model spend (Builder.io reports no spend), so it is set against
Firebender's own people and accepted lines: a cost per unit of one vendor's use, not a mix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import verdict as verdict_module
from .tiles import Kpi

# column -> (label, numerator, denominator, how the denominator is taken, scale, definition).
# Per developer is over the whole range, as the totals' "AI spend per developer" (per active
# committer) is: the range's spend over the average {period}'s AI-active people.
COSTS = {
    "ai_spend_per_ai_developer": (
        "AI spend per AI-active developer",
        "model_spend_usd",
        "firebender_active_users",
        "mean",
        1.0,
        "Firebender model spend in the range / Firebender's AI-active people (the average of "
        "the range's finished {period}s).",
    ),
    "ai_spend_per_1k_lines": (
        "AI spend per 1,000 accepted AI lines",
        "model_spend_usd",
        "firebender_accepted_lines",
        "sum",
        1000.0,
        "Firebender model spend / Firebender's accepted lines (agent and inline) x 1,000, over "
        "the range's finished {period}s.",
    ),
}


def cost_tiles(history: pd.DataFrame, start, granularity: str) -> list[Kpi]:
    """Each cost over the finished periods from `start` on, against as many periods just before
    (as `tiles.range_totals` counts them). Unknown (None) when any period's part is unknown."""
    rows = history.reset_index(drop=True)
    inside = np.flatnonzero(
        (rows["period"] >= pd.Timestamp(start)).to_numpy() & rows["complete"].to_numpy()
    )
    out = []
    for column, (name, top, bottom, how, scale, text) in COSTS.items():
        value = previous = None
        if len(inside):
            first, last = int(inside[0]), int(inside[-1])
            count = last - first + 1
            value = _ratio(rows, top, bottom, how, first, last, scale)
            if first - count >= 0:
                previous = _ratio(rows, top, bottom, how, first - count, first - 1, scale)
        out.append(
            Kpi(
                column,
                name,
                value,
                previous,
                None,
                None,
                text.format(period=granularity),
                "usd",
            )
        )
    return out


def _ratio(rows: pd.DataFrame, top: str, bottom: str, how: str, lo: int, hi: int, scale: float):
    part = rows.iloc[lo : hi + 1]
    if top not in part or bottom not in part:
        return None
    a = pd.to_numeric(part[top], errors="coerce")
    b = pd.to_numeric(part[bottom], errors="coerce")
    below = float(b.mean() if how == "mean" else b.sum())
    if a.isna().any() or b.isna().any() or below <= 0:
        return None
    return float(a.sum() / below * scale)


@dataclass(frozen=True)
class Money:
    """The answer's estimate in CI money per month: for 10 more points of AI-active share."""

    per_month: float
    low: float
    high: float
    credits_per_month: float
    usd_per_credit: float

    def sentence(self) -> str:
        return (
            f"≈ {_usd(self.per_month)}/month, 95%: {_usd(self.low)} to {_usd(self.high)}: what "
            f"10 more points of AI-active share went with, at today's "
            f"{self.credits_per_month:,.0f} CI credits a month and "
            f"${self.usd_per_credit:,.4g} per credit."
        )


def estimate(answer) -> tuple[float, float, float] | None:
    """(effect, low, high) in % per +10 points of AI-active share when the answer found
    evidence, else None. The one place that reads the verdict's fields."""
    if answer is None or answer.opening not in (verdict_module.MORE, verdict_module.FEWER):
        return None
    if answer.effect is None or answer.low is None or answer.high is None:
        return None
    return answer.effect, answer.low, answer.high


def verdict_money(answer, monthly: pd.DataFrame, usd_per_credit: float | None) -> Money | None:
    """The answer's estimate as CI money per month at the latest finished month's credits and
    the current price; None without evidence, a price, or a finished month with credits."""
    found = estimate(answer)
    if found is None or usd_per_credit is None or monthly is None or monthly.empty:
        return None
    done = monthly.loc[monthly["complete"].astype(bool)]
    credits = pd.to_numeric(done.get("ci_credits"), errors="coerce").dropna()
    if credits.empty:
        return None
    base = float(credits.iloc[-1]) * usd_per_credit
    effect, low, high = (v / 100.0 * base for v in found)
    return Money(effect, low, high, float(credits.iloc[-1]), usd_per_credit)


def _usd(value: float) -> str:
    return f"{'+' if value >= 0 else '-'}${abs(value):,.0f}"
