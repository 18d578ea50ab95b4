"""Fields a vendor left out or sent as null, counted per window, for sync's summary: never a
silent null that a page reads as zero.

A documented field missing from an answer fails the window (connectors/frames.py). What passes
is named here: a field the vendor's docs call optional ("when available") missing or null, and a
documented number sent as null (its rows are stored with the value unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from connectors.endpoints import Dataset
from connectors.errors import VENDOR_NAMES


@dataclass(frozen=True, order=True)
class Gap:
    dataset: str  # the catalogue's key
    field: str  # the API's name (path), e.g. `mode`, `metrics.linesAccepted`
    optional: bool  # optional by the vendor's docs (else: a documented number sent as null)


def count(dataset: Dataset, frame: pd.DataFrame | None) -> dict[Gap, tuple[int, int]]:
    """Gap -> (rows without a value, rows) in one window's frame."""
    if frame is None or frame.empty:
        return {}
    found = {}
    for f in dataset.schema:
        if f.column not in frame or not (f.optional or f.kind in ("int", "float")):
            continue
        missing = int(frame[f.column].isna().sum())
        if missing:
            found[Gap(dataset.key, ".".join(f.path), f.optional)] = (missing, len(frame))
    return found


def add(total: dict[Gap, tuple[int, int]], more: dict[Gap, tuple[int, int]]) -> None:
    for gap, (missing, rows) in more.items():
        was = total.get(gap, (0, 0))
        total[gap] = (was[0] + missing, was[1] + rows)


def line(gap: Gap, missing: int, rows: int) -> str:
    """One warning, e.g. "warning: firebender.model_requests: `mode` (optional in Firebender's
    docs) missing or null in 1,234 of 5,678 row(s); stored as unknown, never 0"."""
    vendor = VENDOR_NAMES.get(gap.dataset.split(".", 1)[0], gap.dataset)
    why = f"optional in {vendor}'s docs" if gap.optional else f"a number {vendor} documents"
    return (
        f"warning: {gap.dataset}: `{gap.field}` ({why}) missing or null in {missing:,} of "
        f"{rows:,} row(s); stored as unknown, never 0"
    )


def page_line(what: str, vendor: str, f, missing: int, rows: int) -> str:
    """The page's warning for one field (`f`: a connectors.schemas.Field)."""
    name = VENDOR_NAMES.get(vendor, vendor)
    field_name = ".".join(f.path)
    if f.optional:
        return (
            f"{what}: `{field_name}` (optional in {name}'s docs) is missing in {missing:,} of "
            f'{rows:,} rows of this range; those rows are shown as "Not given", never '
            f"guessed."
        )
    return (
        f"{what}: `{field_name}` was sent as null in {missing:,} of {rows:,} rows of this range; "
        f"those values are unknown, so totals and charts that include them count only the "
        f"known values."
    )
