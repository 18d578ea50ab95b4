"""The vendor pages' people tables show a page of people (the top few); every person is in a CSV
built only when asked for: the button's bytes are made when it is clicked, by reading all the
rows then (DuckDB's sums, or the vendor's answer), so a page view never holds everyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from analytics import export
from ui import access, audit_log, page


def note(shown: int, everyone: int, what: str = "people") -> str:
    """ "Top 50 of 1,131 people; export for all." (nothing when everyone is shown)."""
    if everyone <= shown:
        return ""
    return f"Top {shown:,} of {everyone:,} {what}; export for all."


def button(
    build: Callable[[], pd.DataFrame],
    everyone: int,
    vendor: str,
    dataset: str,
    start: dt.date | None,
    end: dt.date | None,
    key: str,
) -> None:
    """A CSV of every person, `build()` run when the button is clicked (in a thread where
    Streamlit cannot draw: `build` may not call Streamlit). Per-person rows: admins only, as
    every per-person export."""
    if not access.allowed("export per-person data"):
        st.caption(access.refusal("download per-person rows"))
        return
    spec = export.FORMATS["csv"]
    name = export.file_name(vendor, dataset, start, end, spec.ext)
    record = audit_log.recorder("export csv", name)

    st.download_button(
        f"All {everyone:,} people (CSV)",
        data=page.export_maker(build, "csv", record, rows=everyone),
        file_name=name,
        mime=spec.mime,
        key=key,
        on_click="ignore",
        icon=":material/download:",
        disabled=everyone == 0,
        help=f"Every person over the range as {name}, read when you click (the table shows "
        "the top few), with the raw column names and values.",
    )


def totals_line(totals: pd.DataFrame, labels: dict[str, str], everyone: int) -> str:
    """ "Over all 1,131 people: 12,345 accepted lines, 67.5 credits used." from one row of
    totals over everyone (DuckDB's, or the vendor answer's): a total with an unknown part is
    "unknown", never the known part's sum."""
    if totals is None or totals.empty:
        return ""
    row = totals.iloc[0]
    parts = []
    for column, label in labels.items():
        if column not in totals.columns:
            continue
        value = row[column]
        if pd.isna(value):
            parts.append(f"{label}: unknown (the vendor sent some of them as null)")
        elif float(value).is_integer():
            parts.append(f"{label}: {float(value):,.0f}")
        else:
            parts.append(f"{label}: {float(value):,.2f}")
    return f"Over all {everyone:,} people: " + "; ".join(parts) + "." if parts else ""
