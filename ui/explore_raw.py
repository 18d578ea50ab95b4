"""Explore for datasets with millions of raw rows (model requests): filters, a page of rows at a
time and downloads, all computed by DuckDB from the store. The rows never sit in the page."""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from analytics import export, labels, queries
from analytics.datasets import ExploreDataset
from config.settings import Source
from teams import mapping as team_mapping
from teams.mapping import UNASSIGNED
from ui import audit_log, controls, loaders
from ui import page as ui
from ui.controls import Choice
from ui.team_filter import Lens

PAGE_ROWS = 1_000
RAW_FORMATS = ("csv", "parquet")


def team_intervals(lens: Lens, start: dt.date, end: dt.date, people: list[str]) -> tuple:
    """(person, first day, last day) of each stretch of [start, end] the team's rows are: its
    people's memberships, and for Unassigned the days each of `people` (everyone seen in the
    range) is in no team. Empty: nobody's rows."""
    found = set(lens.intervals(start, end))
    if UNASSIGNED in lens.members:
        members = team_mapping.memberships(lens.mapping, start, end)
        spans: dict[str, list] = {}
        for person, first, last in zip(
            members["person"], members["first"], members["last"], strict=True
        ):
            spans.setdefault(person, []).append((first, last))
        for person in {str(p).lower() for p in people}:
            day = start
            for first, last in sorted(spans.get(person, [])):
                if first > day:
                    found.add((person, str(day), str(first - dt.timedelta(days=1))))
                day = max(day, last + dt.timedelta(days=1))
            if day <= end:
                found.add((person, str(day), str(end)))
    return tuple(sorted(found))


def show(
    source: Source, dataset: ExploreDataset, choice: Choice, raw: bool, lens: Lens | None = None
) -> None:
    """The dataset's rows in the choice's days; with `lens`, only the team's people's rows on
    their days in the team (in the table, the count and both downloads)."""
    store, spec = loaders.raw_rows(source, dataset.key, choice.start, choice.end)
    version = store.version(dataset.key)
    salt = loaders.people_salt()
    _, values = loaders.raw_summary(
        store.url,
        version,
        dataset.key,
        choice.start,
        choice.end,
        (),
        salt is not None,
        _store=store,
        _salt=salt,
    )
    team = None
    if lens is not None:
        team = team_intervals(lens, choice.start, choice.end, values.get("email", []))
        theirs = {person for person, _, _ in team}
        values = {**values, "email": [e for e in values.get("email", []) if e.lower() in theirs]}
        st.caption(
            f"Only the requests of {lens.name}'s people, each on the days the teams mapping "
            "puts them in the team."
        )
    with st.container(horizontal=True):
        chosen = {
            dim: controls.mirrored_multiselect(
                dim if raw else labels.column_label(dim, dataset.key),
                values.get(dim, []),
                key=f"explore__f_{dim}",
                param=f"f_{dim}",
                placeholder="All",
                format_func=str if raw else labels.labeller(dim),
            )
            for dim in dataset.dimensions
        }
    selections = tuple((dim, tuple(v)) for dim, v in sorted(chosen.items()) if v)
    total, _ = loaders.raw_summary(
        store.url,
        version,
        dataset.key,
        choice.start,
        choice.end,
        selections,
        salt is not None,
        _store=store,
        _salt=salt,
        team=team,
    )
    pages = max(1, -(-total // PAGE_ROWS))
    with st.container(horizontal=True, vertical_alignment="bottom"):
        number = st.number_input(
            f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, key="explore__page"
        )
        st.caption(
            f"{total:,} rows in {choice.start} - {choice.end}; rows "
            f"{(number - 1) * PAGE_ROWS + 1 if total else 0:,}-"
            f"{min(number * PAGE_ROWS, total):,} shown, by day then request id. The downloads hold "
            f"every chosen row, written by DuckDB from the history store."
        )
    rows = loaders.raw_page(
        store.url,
        version,
        dataset.key,
        choice.start,
        choice.end,
        selections,
        (number - 1) * PAGE_ROWS,
        PAGE_ROWS,
        salt is not None,
        _store=store,
        _salt=salt,
        team=team,
    )
    ui.dataframe(rows, friendly_names=not raw, dataset=dataset.key, height=420)
    with st.container(horizontal=True):
        for fmt in RAW_FORMATS:
            spec_ = export.FORMATS[fmt]
            name = export.file_name(
                dataset.vendor, dataset.key.split(".", 1)[1], choice.start, choice.end, spec_.ext
            )
            st.download_button(
                spec_.label,
                data=_writer(
                    store,
                    spec,
                    choice,
                    fmt,
                    dict(selections),
                    salt,
                    team,
                    audit_log.recorder(f"export {fmt}", name),
                    total,
                ),
                file_name=name,
                mime=spec_.mime,
                key=f"explore__download__{fmt}",
                on_click="ignore",
                icon=":material/download:",
                disabled=total == 0,
                help=f"Download the {total:,} chosen rows as {name}, with the raw column names "
                "and values. "
                + ("Full precision." if fmt == "parquet" else "Money in cents, counts whole."),
            )
        st.caption("Excel and JSON are offered for datasets that fit in a page.")


def _writer(
    store,
    spec,
    choice: Choice,
    fmt: str,
    selections: dict,
    salt: str | None,
    team: tuple | None,
    record,
    rows: int,
):

    def make() -> bytes:
        try:
            path = queries.export_file(
                store, spec, None, choice.start, choice.end, fmt, selections, salt, team
            )
        except Exception as err:  # said in the file, not a silent failed download
            return export.failure_file(fmt, err, 0)
        if path is None:
            return b""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        finally:
            os.unlink(path)
        record(rows)
        return data

    return make
