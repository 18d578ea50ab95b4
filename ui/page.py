"""Small drawing helpers the pages share: the header with the mode badge, a vendor's status, KPI
tiles, download buttons. No loading and no reshaping here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from analytics import export, labels
from analytics.metrics import Kpi
from config.settings import Settings, Source
from connectors.errors import VENDOR_NAMES, ConnectorError
from sync import on_demand as history
from ui import access, audit_log, loaders

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
VENDOR_TEXT = "{name}: {state}"  # one badge per vendor once any vendor has a key
DEMO_VENDORS_CAPTION = (
    "**{names} {verb} demo data: no key set** - synthetic numbers from the built-in sandbox. "
    "Set {their} key on the Connections page to see your own."
)


def _names(sources: list[Source]) -> str:
    names = [s.name for s in sources]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _vendor_help(source: Source, state: str) -> str:
    from ui import status

    if state == status.DEMO:
        return (
            f"No key set: synthetic data from the built-in sandbox. To connect it, "
            f"{source.how_to_connect}."
        )
    outcome = status.lookup(source)
    if state == status.NOT_TESTED:
        return (
            f"Key from {source.origin}; {source.name} has not answered a request with it in this "
            "session yet. Test it on the Connections page."
        )
    return f"{outcome.message}\n\nSee the Connections page."


def mode_badge(settings: Settings) -> None:
    """One state per vendor, as the Connections page has it (ui.status): "Demo data"
    when no vendor has a key, else one badge per vendor (demo data, not tested, live, refused,
    unreachable)."""
    from ui import status

    if settings.demo:
        st.badge(DEMO_TEXT, icon=":material/science:", color="orange", help=DEMO_HELP)
        return
    # Always one badge per vendor: the end of the run redraws them in place (refresh_badges),
    # and a redraw with fewer badges would leave the first draw's last ones on screen.
    states = {v: status.state(s) for v, s in settings.sources.items()}
    for vendor, source in settings.sources.items():
        state = states[vendor]
        icon, color = status.LOOKS[state]
        st.badge(
            VENDOR_TEXT.format(name=source.name, state=state.lower()),
            icon=icon,
            color=color,
            help=_vendor_help(source, state),
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


BADGES = "_header_badges"  # this run's badge slot, so loads can update it (refresh_badges)


def header(
    title: str, settings: Settings, caption: str | None = None, vendors=VENDOR_NAMES
) -> None:
    """The page's title, where its data come from, and how fresh the history behind it is
    (`vendors`: the vendors the page reads)."""
    from ui import status

    status.new_run()
    st.title(title, anchor=False)
    slot = st.empty()
    st.session_state[BADGES] = (slot, caption, tuple(vendors))
    _badges(slot, settings, caption, tuple(vendors))
    for problem in settings.problems:
        st.warning(problem)


def _mode_text(settings: Settings, vendors) -> str | None:
    """Which vendors show demo data, in a sentence (the Connections page, which reads no
    vendor, says "below" instead of sending you to itself)."""
    if settings.demo:
        text = DEMO_CAPTION
    elif settings.mode == "mixed":
        demo = settings.demo_sources
        text = DEMO_VENDORS_CAPTION.format(
            names=_names(demo),
            verb="shows" if len(demo) == 1 else "show",
            their="its" if len(demo) == 1 else "their",
        )
    else:
        return None
    return text if vendors else text.replace("on the Connections page", "below")


def _badges(slot, settings: Settings, caption: str | None, vendors) -> None:
    with slot.container():
        with st.container(horizontal=True, vertical_alignment="center"):
            mode_badge(settings)
            if caption:
                st.caption(caption)
        # One caption under the badges: the demo sentence and the history's freshness (Sync
        # now's own help says what it fetches again).
        lines = [_mode_text(settings, vendors), *history.freshness_lines(settings, vendors)]
        if any(lines):
            st.caption("  \n".join(line for line in lines if line))
        damaged = "  \n".join(history.damaged_lines(settings, vendors))
        # Always an element here: a redraw must replace the warning once the file is fixed.
        st.warning(damaged) if damaged else st.empty()


def refresh_badges(settings: Settings) -> None:
    """Draw the header's badges again after this run's loads: a key the vendor refused just
    now shows as refused in this run, not only on the next; the history's freshness too.
    Every data page ends with it."""
    slot, caption, vendors = st.session_state.get(BADGES) or (None, None, ())
    if slot is not None:
        _badges(slot, settings, caption, vendors)
    loaders.sync_now_done()  # "Sync now" applies to the run it was clicked in


@contextmanager
def vendor_errors() -> Iterator[None]:
    """Show a vendor's ConnectorError where it happened and carry on with the rest of the page."""
    try:
        yield
    except loaders.NotKept as err:  # not a fault: what a viewer deployment is
        st.info(str(err), icon=":material/cloud_off:")
    except ConnectorError as err:
        st.error(str(err), icon=":material/error:")


def _format(value: float | None, unit: str) -> str:
    """A number as the tiles and captions write it: money with cents ($1,234.56), shares with
    one decimal (12.3%), credits and counts with thousands separators."""
    if value is None:
        return "-"
    if unit == "usd":
        return f"${value:,.2f}"
    if unit == "share":
        return f"{value:.1%}"
    if unit == "ratio":
        return f"{value:,.2f}"
    if unit == "average":
        return f"{value:,.1f}"
    if unit == "credits":  # whole credits from 10 on: "22", not "22.0"
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
    return f"{value:,.0f}"


def _format_delta(kpi: Kpi) -> str | None:
    if kpi.delta is None:
        return None
    if kpi.unit == "share":
        return f"{kpi.delta * 100:+.1f} pts"
    text = _format(abs(kpi.delta), kpi.unit)
    if text == "0" and kpi.delta != 0:  # an estimate's change under a whole one: "-0.3"
        text = f"{abs(kpi.delta):.1f}"
    sign = "+" if kpi.delta >= 0 else "-"
    pct = f" ({kpi.delta_pct:+.0%})" if kpi.delta_pct is not None else ""
    return f"{sign}{text}{pct}"


NEUTRAL = (
    "ai_spend_per_developer",
    "ci_spend_per_developer",
    "ci_credits",
    "ci_spend_usd",
    "model_spend_usd",
    "credits_per_ai_developer",
    "credits_per_accepted_line",
    "ai_spend_per_ai_developer",
    "ai_spend_per_1k_lines",
)  # more is neither good nor bad: gray deltas


def kpi_tiles(
    kpis: list[Kpi],
    granularity: str,
    per_row: int = 4,
    inverse: tuple[str, ...] = (),
    failures: str | None = None,
    vendor: str | None = None,
) -> None:
    """Metric tiles: value in the latest finished period, delta against the period before
    (the same weekday a week before, for days), each named as people name periods. On a
    vendor's own page (`vendor`, its display name) labels drop the vendor's name: the page
    says it, and at 1440 px four tiles cut "Firebender autocomplete ac..." short."""
    from analytics.metrics import period_name

    for offset in range(0, len(kpis), per_row):
        row = kpis[offset : offset + per_row]
        columns = st.columns(per_row)
        for column, kpi in zip(columns, row):
            when = (
                _first_upper(period_name(kpi.period, granularity))
                if kpi.period is not None
                else "No finished period yet"
            )
            before = (
                f"vs {period_name(kpi.previous_period, granularity)}"
                if kpi.previous_period is not None
                else "no earlier period"
            )
            unknown = f"\n\nUnknown: {failures}." if kpi.value is None and failures else ""
            # The period compared with is in the help: beside the delta it was cut off.
            label = _first_upper(kpi.label.removeprefix(f"{vendor} ")) if vendor else kpi.label
            _tile(column, kpi, inverse, f"{kpi.definition}\n\n{when}, {before}.{unknown}", label)


def flat_change(kpi: Kpi) -> bool:
    """A change shown as 0 ("+0%", "+0.0 pts") is no change: no arrow, no colour."""
    if kpi.unit == "share":
        return kpi.delta is not None and round(kpi.delta * 100, 1) == 0
    return kpi.delta_pct is not None and round(kpi.delta_pct * 100) == 0


def _tile(column, kpi: Kpi, inverse: tuple[str, ...], help_text: str, label: str) -> None:
    flat = flat_change(kpi)
    column.metric(
        label,
        _format(kpi.value, kpi.unit),
        _format_delta(kpi),
        delta_color="off"
        if flat
        else "inverse"
        if kpi.column in inverse
        else "off"
        if kpi.column in NEUTRAL
        else "normal",
        delta_arrow="off" if flat else "auto",
        help=help_text,
        border=True,
    )


def totals_tiles(
    totals,
    per_row: int = 4,
    failures: str | None = None,
    columns: tuple[str, ...] = (),
    unknown: str | None = None,
) -> None:
    """The range's totals against the range before, in tiles (`metrics.Totals`); `failures`:
    why a vendor's part is missing in this run (a tile without a value says so); `columns`:
    only these tiles, in this order (all when empty); `unknown`: why a total is unknown, said
    under the tiles whenever one shows "-" (in a tile's help alone it went unread). The
    heading names both ranges, so a tile's delta carries no description (it was cut off)."""
    from analytics.metrics import range_name

    if totals is None or totals.start is None:
        st.info("No finished period in this range yet, so there are no totals to compare.")
        return
    before = (
        f"vs {range_name(totals.previous_start, totals.previous_end)}"
        if totals.previous_start
        else "no earlier range loaded"
    )
    if columns:
        by_column = {kpi.column: kpi for kpi in totals.tiles}
        totals = replace(totals, tiles=[by_column[c] for c in columns if c in by_column])
    reason = failures or unknown or "a vendor has no data for part of this range"
    for offset in range(0, len(totals.tiles), per_row):
        columns = st.columns(per_row)
        for column, kpi in zip(columns, totals.tiles[offset : offset + per_row]):
            why = "" if kpi.value is not None else f"\n\nUnknown: {reason.rstrip('.')}."
            _tile(
                column,
                kpi,
                (),
                f"{kpi.definition}\n\n{range_name(totals.start, totals.end)}, {before}.{why}",
                kpi.label,
            )
    blank = [kpi.label for kpi in totals.tiles if kpi.value is None]
    if blank:  # the reason beside the blank values, not only in a help or an expander
        which = "Every total" if len(blank) == len(totals.tiles) else ", ".join(blank)
        st.caption(f':material/help: {which}: unknown ("-"). {_first_upper(reason)}')


def download_buttons(
    frame: pd.DataFrame,
    vendor: str,
    dataset: str,
    start: dt.date | None,
    end: dt.date | None,
    key: str,
) -> None:
    """One button per format; the bytes are made when the button is clicked."""
    if not access.may_export(frame):
        st.caption(access.refusal("download per-person rows"))
        return
    with st.container(horizontal=True):
        for fmt, spec in export.FORMATS.items():
            name = export.file_name(vendor, dataset, start, end, spec.ext)
            too_big = fmt == "xlsx" and len(frame) > export.XLSX_MAX_ROWS
            st.download_button(
                spec.label,
                data=export_maker(frame, fmt, audit_log.recorder(f"export {fmt}", name)),
                file_name=name,
                mime=spec.mime,
                key=f"{key}__{fmt}",
                on_click="ignore",
                icon=":material/download:",
                disabled=too_big or frame.empty,
                help=(
                    f"Too many rows for one Excel sheet ({len(frame):,})."
                    if too_big
                    else f"Download the {len(frame):,} rows shown as {name}, with the raw "
                    "column names and values. "
                    + (
                        "Full precision."
                        if fmt == "parquet"
                        else "Money in cents, credits to 2 decimals, shares to 4, counts whole."
                    )
                ),
            )


def export_maker(
    source: pd.DataFrame | Callable[[], pd.DataFrame],
    fmt: str,
    record=None,
    rows: int | None = None,
) -> Callable[[], bytes]:
    """A download button's `data`: the file's bytes made when clicked, from `source` (a frame, or
    a function that builds one then). It runs in a thread where Streamlit cannot draw, so a
    failure is said in the file itself (export.failure_file), never a silent empty or broken
    download. `rows`: the rows a failure file says were asked for (default: the frame's)."""

    def make() -> bytes:
        frame = None
        try:
            frame = source() if callable(source) else source
            data = export.to_bytes(frame, fmt)
        except Exception as err:
            asked = rows if rows is not None else (0 if frame is None else len(frame))
            return export.failure_file(fmt, err, asked)
        if record is not None:
            record(len(frame))
        return data

    return make


# How tables show numbers, by what a column holds (`export.unit`). Readable: thousands
# separators, money with cents, shares as percentages with one decimal. Raw (Explore's "Raw
# column names"): the numbers as the CSV holds them, with thousands separators.
READABLE_FORMATS = {
    "usd": "$%,.2f",
    "credits": "%,.1f",
    "ratio": "%,.2f",
    "count": "%,d",
    "average": "%,.1f",
}
RAW_FORMATS = {
    "usd": "%,.2f",
    "credits": "%,.2f",
    "share": "%,.4f",
    "ratio": "%,.4f",
    "count": "%,d",
    "average": "%,.2f",
}
SHARE_STEP = 0.001  # "percent" with three decimals of the fraction: 12.3%


def number_column(label: str, unit: str | None, friendly: bool = True, **kwargs) -> dict:
    """A NumberColumn formatted for its unit (see READABLE_FORMATS)."""
    if friendly and unit == "share":
        return st.column_config.NumberColumn(label, format="percent", step=SHARE_STEP, **kwargs)
    formats = READABLE_FORMATS if friendly else RAW_FORMATS
    return st.column_config.NumberColumn(label, format=formats.get(unit, "localized"), **kwargs)


def _is_day(series: pd.Series) -> bool:
    present = series.dropna()
    return pd.api.types.is_datetime64_dtype(series) and (present.dt.normalize() == present).all()


def _auto_column(frame: pd.DataFrame, column, friendly: bool, dataset: str | None):
    series = frame[column]
    label = labels.column_label(column, dataset) if friendly else str(column)
    if _is_day(series):
        return st.column_config.DateColumn(label, format="YYYY-MM-DD")
    if pd.api.types.is_bool_dtype(series.dtype) or not pd.api.types.is_numeric_dtype(series.dtype):
        return label
    unit = export.unit(column, dataset)
    if unit is None and pd.api.types.is_integer_dtype(series.dtype):
        unit = "count"
    return number_column(label, unit, friendly)


def _merge(auto, given):
    """The caller's setting for a column; a label alone keeps the automatic format."""
    if isinstance(given, str) and isinstance(auto, dict):
        return {**auto, "label": given}
    return given


def dataframe(
    frame: pd.DataFrame,
    column_config: dict | None = None,
    friendly_names: bool = True,
    dataset: str | None = None,
    **kwargs,
) -> None:
    """A table without the index, with readable numbers: thousands separators everywhere,
    money with cents, shares as percentages with one decimal, day columns as dates.

    Friendly (the default): headers as people read them (`labels.column_label`; `dataset`
    says what a Codefresh `key` is) and raw values as their labels ("byok" -> "Own key
    (BYOK)"). With `friendly_names` off (Explore's "Raw column names"): the exported column
    names and values, numbers as the CSV holds them. The caller's `column_config` wins; a
    label alone keeps the automatic format."""
    given = column_config or {}
    config = {}
    for column in frame.columns:
        auto = _auto_column(frame, column, friendly_names, dataset)
        config[column] = _merge(auto, given[column]) if column in given else auto
    config.update({c: v for c, v in given.items() if c not in config})
    shown = frame
    if friendly_names:
        shown = labels.relabel(frame)
        shares = [
            c
            for c in frame.columns
            if export.unit(c, dataset) == "share" and pd.api.types.is_float_dtype(frame[c].dtype)
        ]
        if shares:  # Streamlit cuts "percent" at the step: round first, so 12.36% shows 12.4%
            shown = shown.assign(**{c: frame[c].round(3) for c in shares})
    st.dataframe(shown, hide_index=True, column_config=config, **kwargs)


def overview_columns(table: pd.DataFrame) -> dict:
    """Column settings for the joined table: labels, formats and definitions on hover."""
    from analytics.metrics import METRICS

    config = {
        "period": st.column_config.DateColumn("Period", format="YYYY-MM-DD"),
        "period_end": st.column_config.DateColumn("Period end", format="YYYY-MM-DD"),
        "complete": st.column_config.CheckboxColumn(
            "Whole period", help="The range covers the whole period."
        ),
    }
    for column in table.columns:
        metric = METRICS.get(column)
        if metric:
            config[column] = number_column(
                metric.label, export.unit(column), help=metric.definition
            )
    return config


# ---------------------------------------------------------------- the overview's answer


def verdict_box(answer, explanation: str | None = None, key: str = "verdict") -> None:
    """A verdict (the overview's, or the within-team one) in one bordered box: its sentence,
    opening in bold, and how it is worked out (`explanation`; the overview's by default), drawn
    when opened (`key`: that expander's, one per box on a page)."""
    from analytics.metrics import verdict as v

    if answer is None:
        return
    icon = {
        v.MORE: ":material/trending_up:",
        v.FEWER: ":material/trending_down:",
        v.NOT_YET: ":material/hourglass_empty:",
    }.get(answer.opening, ":material/help:")
    rest = answer.sentence[len(answer.opening) :]
    with st.container(border=True):
        st.markdown(f"{icon} **{answer.opening}**{rest}")
        how = st.expander("How this answer is worked out", key=f"{key}__how", on_change="rerun")
        if how.open:
            how.markdown(explanation or _overview_explanation())


def _overview_explanation() -> str:
    from analytics.metrics import answer_weeks as w
    from analytics.metrics import verdict as v

    return (
        f"The answer reads the **last {w.MAX_WEEKS} finished weeks** before the range's end, "
        "whatever the chart shows, so opening the page on another range does not change what it "
        "compares. Both measures are taken **per active committer** (Codefresh counts "
        "committers per calendar month; a week takes those of its days), so a growing team is "
        "not mistaken for an effect. AI use is the chosen source's AI-active people on an "
        "average weekday: by default every connected tool, which with both is the share of "
        "committers active in **either** tool, each person once; or Firebender's, or "
        "Builder.io's alone. Builder.io reports how many people used "
        "it each day but not who, so that share is estimated as if using one tool said nothing "
        "about using the other: between the larger tool's share and the two added, never above "
        "100%.\n\n"
        "**Calendar**: a week with a weekday off (its CI credits below "
        f"{w.DAY_OFF:.0%} of the weekdays' median within ±{w.DAY_OFF_WINDOW} days: a holiday, "
        "most people away) is left out: people away lower AI use and CI together.\n\n"
        "**Trend**: a smooth trend (quadratic in time) is part of the model, so growth, a drift "
        "or a step in CI load that AI use merely shares is the trend's, not AI's: what is left "
        "is AI use that does not follow the trend (busier and quieter AI weeks).\n\n"
        "`log(CI credits per committer)` is fitted on the AI-active share, the trend and "
        "`log(committers)` (ordinary least squares, statsmodels; the wider of the classical and "
        "the Newey-West interval); the effect is stated per 10 points of share with a 95% "
        "interval, and 'Evidence' only when the interval excludes no change. The smallest change the weeks could show is 2.8 "
        "standard errors; more weeks shrink it as 1/√weeks.\n\n"
        "**What it cannot see**: it compares AI use and CI credits of the **same week** (fixed "
        "in advance; the lag picker changes the scatter only, so trying lags cannot turn 'No "
        "clear evidence' into 'Evidence'): an effect that arrives weeks later is missed (on "
        "the sandbox, one acting 2-4 weeks late was found in under 5% of seeds, and even that "
        "exact lag, fixed in advance, would find it in about a third: a year of weeks is too "
        "few). Counted from one tool it cannot see an effect that acts through the other; "
        "counted from either, such an effect shows diluted (on the sandbox, one acting through "
        "Builder.io alone was found in about 60% of seeds). A "
        "week with only a few people away is not left out, and weeks with many people away "
        "are found from the credits alone. "
        "It is an association after allowing for headcount, a shared trend and the calendar, "
        "not proof that AI use causes the change. "
        f"At least {v.MIN_WEEKS} usable weeks are needed; below that it says when there will "
        "be enough.\n\n"
        "On the sandbox's scenarios (known truth: holidays, a CI step, persistent busy weeks, "
        "late and Builder.io-only effects) the benchmark measures how often this says "
        "'Evidence' when there is no link, and how often it finds a planted effect (README, "
        "The answer, and how far to trust it)."
    )


def running_period_note(table: pd.DataFrame, granularity: str, settled: dict | None = None) -> None:
    """Say what the unfinished last period holds so far: it is not drawn (it would look like
    a drop) and no tile or answer uses it. `settled`: column -> (amount, last settled day) of
    the same period on the same screen (the month's projection), told apart in the sentence
    so the screen has one "so far" per measure."""
    from analytics.metrics import fallen_back, period_name

    if table.empty or bool(table["complete"].iloc[-1]):
        return
    row = table.iloc[-1]
    settled = settled or {}
    # either tool's estimate could not be made: the number is Firebender's users, named so
    ai_name = "Firebender active users" if fallen_back(table) else "AI-active developers"

    def part(c: str, unit: str, name: str) -> str:
        text = f"{_format(float(row[c]), unit)} {name}"
        amount, day = settled.get(c, (None, None))
        if amount is not None and pd.Timestamp(day.replace(day=1)) == row["period"]:
            text += (
                f" ({_format(amount, unit)} of them on the settled days to {day:%-d %b}, which "
                "the projection uses; later days may still be revised)"
            )
        return text

    parts = [
        part(c, unit, name)
        for c, unit, name in (
            ("ci_credits", "credits", "CI credits"),
            ("ai_active_developers", "count", ai_name),
            ("model_spend_usd", "usd", "AI model spend"),
        )
        if c in row and pd.notna(row[c])
    ]
    so_far = f": so far {', '.join(parts)}" if parts else ""
    st.caption(
        f":material/schedule: {_first_upper(period_name(row['period'], granularity))} is still "
        f"running{so_far}. It is left out of the charts, tiles and the answer until it ends."
    )


def running_note(choice) -> None:
    """On a vendor page: say that the range's last period is left out of the charts while it is
    not over (still running today, or going on past the range's last day); tables show it."""
    from analytics.metrics import period_name, periods

    if choice.granularity is None:
        return
    table = periods(choice.start, choice.end, choice.granularity, choice.today)
    if table.empty or bool(table["complete"].iloc[-1]):
        return
    row = table.iloc[-1]
    name = _first_upper(period_name(row["period"], choice.granularity))
    why = (
        "is still running"
        if row["period_end"].date() >= choice.today
        else f"goes on past the range's last day ({choice.end.day} {choice.end:%b %Y})"
    )
    st.caption(
        f":material/schedule: {name} {why}: the charts leave it out (drawn, a part of it would "
        "look like a drop); the tables show it so far."
    )


def chart_or_empty(
    view, vendors: tuple[str, ...], data: pd.DataFrame, columns: list[str], build, *args
) -> None:
    """Draw the chart, or one clear empty state ("No Codefresh data: <reason>") when its
    measures have no value in any finished period - never an empty frame with NaN axes."""
    done = data.loc[data["complete"].astype(bool).to_numpy()] if "complete" in data else data
    known = [c for c in columns if c in done and done[c].notna().any()]
    if not known:
        st.info(
            view.why_empty(vendors) or "No finished period with data for these measures yet.",
            icon=":material/block:",
        )
        return
    chart(view.identity, build, *args)
    if len(known) < len([c for c in columns if c in data]):
        why = view.why_empty(vendors)
        if why:
            st.caption(why)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]
