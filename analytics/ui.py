"""Small drawing helpers the pages share: the header with the mode badge, a vendor's status, KPI
tiles, download buttons. No loading and no reshaping here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from connectors.errors import ConnectorError

from . import export, loaders
from .metrics import Kpi
from .settings import Settings, Source

if TYPE_CHECKING:
    import altair as alt

DEMO_TEXT = "Demo data"
DEMO_HELP = (
    "No API key is set, so every page shows the built-in sandbox: synthetic data for a "
    "mid-size organization, served through the real connectors. Add a key for any vendor on "
    "the Connections page, in the environment, a .env file or Streamlit secrets to see your "
    "own data; vendors without a key keep showing demo data."
)
DEMO_CAPTION = (
    f"**{DEMO_TEXT}** - synthetic numbers from the built-in sandbox. "
    "Set API keys on the Connections page to see your own."
)
LIVE_TEXT = "Live data"
DEMO_VENDOR_TEXT = "{name}: demo data"  # mixed mode: a vendor without a key
LIVE_VENDOR_TEXT = "{name}: live"  # mixed mode: a vendor with a key
REFUSED_VENDOR_TEXT = "{name}: key refused"  # any mode: the vendor refused the key
DEMO_VENDORS_CAPTION = (
    "**{names} {verb} demo data: no key set** - synthetic numbers from the built-in sandbox. "
    "Set {their} key on the Connections page to see your own."
)


def _names(sources: list[Source]) -> str:
    names = [s.name for s in sources]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def mode_badge(settings: Settings) -> None:
    """Where the data comes from: "Demo data" (no key at all), "Live data" (every vendor has a
    key), or one badge per vendor in mixed mode. A vendor whose key was refused says so."""
    from . import status

    if settings.demo:
        st.badge(DEMO_TEXT, icon=":material/science:", color="orange", help=DEMO_HELP)
        return
    if settings.mode == "live":
        st.badge(
            LIVE_TEXT,
            icon=":material/cloud_done:",
            color="blue",
            help="Every vendor has a key: "
            + ", ".join(f"{s.name} (from {s.origin})" for s in settings.sources.values()),
        )
    for source in settings.sources.values():
        outcome = status.lookup(source)
        if outcome is not None and not outcome.accepted:
            st.badge(
                REFUSED_VENDOR_TEXT.format(name=source.name),
                icon=":material/block:",
                color="red",
                help=f"{outcome.message}\n\nSee the Connections page.",
            )
        elif settings.mode != "mixed":
            continue
        elif source.demo:
            st.badge(
                DEMO_VENDOR_TEXT.format(name=source.name),
                icon=":material/science:",
                color="orange",
                help=f"No key set: synthetic data from the built-in sandbox. To connect it, "
                f"{source.how_to_connect}.",
            )
        else:
            st.badge(
                LIVE_VENDOR_TEXT.format(name=source.name),
                icon=":material/cloud_done:",
                color="blue",
                help=f"Live data from {source.name}, key from {source.origin}.",
            )


def chart(identity: tuple | None, build: Callable[..., alt.Chart], *args) -> None:
    """Draw `build(*args)`. With an `identity` (what the data was derived from) its Vega-Lite
    spec is built once and reused on reruns: building and validating Altair specs is most of
    a rerun's time. DataFrame arguments are covered by the identity; the rest join the key."""
    if identity is None:
        st.altair_chart(build(*args), width="stretch")
        return
    key = (
        build.__qualname__,
        identity,
        tuple(repr(a) for a in args if not isinstance(a, pd.DataFrame)),
    )
    spec = loaders.derived("chart", key, lambda: build(*args).to_dict(validate=False))
    st.vega_lite_chart(spec=spec, width="stretch")


def header(title: str, settings: Settings, caption: str | None = None) -> None:
    st.title(title, anchor=False)
    with st.container(horizontal=True, vertical_alignment="center"):
        mode_badge(settings)
        if caption:
            st.caption(caption)
    if settings.demo:
        st.caption(DEMO_CAPTION)
    elif settings.mode == "mixed":
        demo = settings.demo_sources
        st.caption(
            DEMO_VENDORS_CAPTION.format(
                names=_names(demo),
                verb="shows" if len(demo) == 1 else "show",
                their="its" if len(demo) == 1 else "their",
            )
        )
    for problem in settings.problems:
        st.warning(problem)


def not_connected(source: Source) -> None:
    """A vendor without data to show. Since a vendor without a key shows demo data (settings),
    no source `resolve` gives needs this; kept for sources built by hand."""
    st.info(
        f"**{source.name} is not connected.** To connect it, {source.how_to_connect}: in the "
        f"environment, a .env file, Streamlit secrets, or on the Connections page.",
        icon=":material/link_off:",
    )


@contextmanager
def vendor_errors() -> Iterator[None]:
    """Show a vendor's ConnectorError where it happened and carry on with the rest of the page."""
    try:
        yield
    except ConnectorError as err:
        st.error(str(err), icon=":material/error:")


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "usd":
        return f"${value:,.2f}" if abs(value) < 1000 else f"${value:,.0f}"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "credits":
        return (
            f"{value:,.2f}"
            if abs(value) < 10
            else f"{value:,.1f}"
            if abs(value) < 100
            else f"{value:,.0f}"
        )
    return f"{value:,.0f}"


def _format_delta(kpi: Kpi) -> str | None:
    if kpi.delta is None:
        return None
    if kpi.unit == "share":
        return f"{kpi.delta * 100:+.1f} pts"
    text = _format(abs(kpi.delta), kpi.unit)
    sign = "+" if kpi.delta >= 0 else "-"
    pct = f" ({kpi.delta_pct:+.0%})" if kpi.delta_pct is not None else ""
    return f"{sign}{text}{pct}"


NEUTRAL = (
    "ci_credits",
    "ci_spend_usd",
    "model_spend_usd",
    "credits_per_ai_developer",
    "credits_per_accepted_line",
)  # more is neither good nor bad: gray deltas


def kpi_tiles(
    kpis: list[Kpi], granularity: str, per_row: int = 4, inverse: tuple[str, ...] = ()
) -> None:
    """Metric tiles: value in the latest complete period, delta against the period before."""
    for offset in range(0, len(kpis), per_row):
        row = kpis[offset : offset + per_row]
        columns = st.columns(per_row)
        for column, kpi in zip(columns, row):
            when = (
                f"{granularity.capitalize()} of {kpi.period:%Y-%m-%d}"
                if kpi.period is not None
                else "No data"
            )
            before = (
                f"vs {kpi.previous_period:%Y-%m-%d}"
                if kpi.previous_period is not None
                else "no earlier period"
            )
            column.metric(
                kpi.label,
                _format(kpi.value, kpi.unit),
                _format_delta(kpi),
                delta_color="inverse"
                if kpi.column in inverse
                else "off"
                if kpi.column in NEUTRAL
                else "normal",
                help=f"{kpi.definition}\n\n{when}, {before}.",
                border=True,
                delta_description=before if kpi.delta is not None else None,
            )


def download_buttons(
    frame: pd.DataFrame,
    vendor: str,
    dataset: str,
    start: dt.date | None,
    end: dt.date | None,
    key: str,
) -> None:
    """One button per format; the bytes are made when the button is clicked."""
    with st.container(horizontal=True):
        for fmt, spec in export.FORMATS.items():
            name = export.file_name(vendor, dataset, start, end, spec.ext)
            too_big = fmt == "xlsx" and len(frame) > export.XLSX_MAX_ROWS
            st.download_button(
                spec.label,
                data=_writer(frame, fmt),
                file_name=name,
                mime=spec.mime,
                key=f"{key}__{fmt}",
                on_click="ignore",
                icon=":material/download:",
                disabled=too_big or frame.empty,
                help=(
                    f"Too many rows for one Excel sheet ({len(frame):,})."
                    if too_big
                    else f"Download the {len(frame):,} rows shown as {name}"
                ),
            )


def _writer(frame: pd.DataFrame, fmt: str):
    def make() -> bytes:
        return export.to_bytes(frame, fmt)

    return make


def dataframe(
    frame: pd.DataFrame, column_config: dict | None = None, friendly_names: bool = True, **kwargs
) -> None:
    """A table without the index. Day columns (midnight UTC) show as dates; columns the caller
    did not label get "Sentence case" names unless `friendly_names` is off (Explore shows the
    exported column names)."""
    config = {}
    for column in frame.columns:
        series = frame[column]
        if (
            pd.api.types.is_datetime64_dtype(series)
            and (series.dropna().dt.normalize() == series.dropna()).all()
        ):
            config[column] = st.column_config.DateColumn(
                column.replace("_", " ").capitalize() if friendly_names else column,
                format="YYYY-MM-DD",
            )
        elif friendly_names and isinstance(column, str):
            config[column] = column.replace("_", " ").capitalize()
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, column_config=config, **kwargs)


def overview_columns(table: pd.DataFrame) -> dict:
    """Column settings for the joined table: labels, formats and definitions on hover."""
    from .metrics import METRICS

    config = {
        "period": st.column_config.DateColumn("Period", format="YYYY-MM-DD"),
        "period_end": st.column_config.DateColumn("Period end", format="YYYY-MM-DD"),
        "complete": st.column_config.CheckboxColumn(
            "Whole period", help="The range covers the whole period."
        ),
    }
    formats = {"usd": "dollar", "share": "percent", "credits": "%.1f", "count": "%d"}
    for column in table.columns:
        metric = METRICS.get(column)
        if metric:
            config[column] = st.column_config.NumberColumn(
                metric.label, help=metric.definition, format=formats.get(metric.unit, "%.2f")
            )
    return config
