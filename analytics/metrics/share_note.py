"""Why a shown AI share of people passes 100%, in one sentence beside it (display only: the
answer's statistics are not changed here)."""

from __future__ import annotations

import pandas as pd

from .calendar import period_name


def over_full_note(monthly: pd.DataFrame, ai_source: str, column: str = "ai_adoption_rate"):
    """A caption for the months whose finished share is above 100%, or None."""
    if monthly is None or monthly.empty or column not in monthly:
        return None
    done = monthly.loc[monthly["complete"].astype(bool)] if "complete" in monthly else monthly
    over = done.loc[done[column] > 1.0]
    if over.empty:
        return None
    worst = over.loc[over[column].idxmax()]
    months = f"{len(over)} month{'s' if len(over) > 1 else ''}"
    top = f"{worst[column]:.0%} in {period_name(worst['period'], 'month')}"
    why = "more people used AI than committed code (people use AI without committing)"
    if ai_source == "both":
        why += (
            "; from either tool each person is counted once (estimated), so a tool's own "
            "users outnumbered the committers"
        )
    return f"Above 100% in {months} (up to {top}): {why}."
