"""The date-range and granularity controls every data page draws, built from the connectors'
range rules (`connectors.ranges`), and the mirroring of choices into `st.query_params`.

The picker offers only what the rules allow: its earliest and latest days, the longest span and
the granularities come from `ranges.limits`, presets from `ranges.presets`, and a choice that an
endpoint still cannot serve is explained by `ranges.problem` before any request is sent.

A choice made on one page carries over to the next (kept in session state) and into the URL
(`?start=2026-01-01&end=2026-03-31&granularity=week`), so a copied link reproduces the view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from analytics.choice import DEFAULT_DAYS, GRANULARITY_LABELS, Choice, fetch_granularity
from connectors import ranges
from connectors.base import period_floor
from sync import on_demand as history
from ui import access, loaders
from ui import settings as app_settings

_SHARED = "_shared_range"  # {"start", "end", "granularity"} carried between pages
_STARTS = "_data_starts"  # vendor -> (key fingerprint, first day with data), once known


def remember_starts(starts: dict[str, tuple[str, dt.date]]) -> None:
    """Keep where each vendor's data start (learnt from a load that reached back before it),
    so every page's picker can say so."""
    known = dict(st.session_state.get(_STARTS) or {})
    known.update(starts)
    st.session_state[_STARTS] = known


def known_starts(fingerprints: dict[str, str]) -> dict[str, dt.date]:
    """vendor -> first day with data, for the vendors whose key is still the one it was
    learnt with."""
    known = st.session_state.get(_STARTS) or {}
    return {
        vendor: day
        for vendor, (fingerprint, day) in known.items()
        if fingerprints.get(vendor) == fingerprint
    }


def starts_text(starts: dict[str, dt.date]) -> str | None:
    from connectors.errors import VENDOR_NAMES

    if not starts:
        return None
    parts = [f"{VENDOR_NAMES[v]} {d.day} {d:%b %Y}" for v, d in sorted(starts.items())]
    return "Data start: " + ", ".join(parts) + ". Earlier days are left empty, not zero."


# ---------------------------------------------------------------- what the rules allow


def picker_limits(
    endpoints: dict[str, str | None], granularity: str | None, today: dt.date
) -> tuple[dt.date, dt.date, int | None]:
    """(earliest, latest, longest span in days or None) over the page's endpoints. The picker
    opens as early as the earliest endpoint allows; endpoints whose data starts later say so."""
    earliest, latest, longest = None, today, None
    for endpoint, spec in endpoints.items():
        lim = ranges.limits(endpoint, fetch_granularity(spec, granularity), today)
        earliest = lim.earliest if earliest is None else min(earliest, lim.earliest)
        latest = min(latest, lim.latest)
        if lim.max_dates is not None:
            longest = lim.max_dates if longest is None else min(longest, lim.max_dates)
    return earliest or ranges.DEFAULT_EARLIEST, latest, longest


def common_presets(
    endpoints: dict[str, str | None], granularity: str | None, today: dt.date
) -> dict[str, tuple[dt.date, dt.date]]:
    """Presets every one of the page's endpoints can serve at this granularity."""
    found = None
    for endpoint, spec in endpoints.items():
        names = ranges.presets(endpoint, fetch_granularity(spec, granularity), today)
        found = dict(names) if found is None else {k: v for k, v in found.items() if k in names}
    return found or {}


def rules_text(endpoints: dict[str, str | None], granularity: str | None) -> str:
    lines = []
    for endpoint, spec in endpoints.items():
        rules = ranges.rules_for(endpoint)
        g = fetch_granularity(spec, granularity)
        rule = rules.spans.get(g)
        if rule is None:
            continue
        text = f"- {loaders.describe(endpoint)} ({GRANULARITY_LABELS[g].lower()}): {ranges.describe(rule)}"
        if rules.earliest:
            text += f"; data from {rules.earliest}"
        lines.append(text)
    return "What each API accepts in one request:\n" + "\n".join(lines)


# ---------------------------------------------------------------- query parameters


def param_date(name: str) -> dt.date | None | str:
    """The URL's date `name`, None when absent, or the raw text when it is not a date."""
    raw = st.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return raw


def mirror(values: dict[str, str | list[str] | None]) -> None:
    """Write values into the URL (None or empty removes a parameter)."""
    for name, value in values.items():
        current = (
            st.query_params.get_all(name) if isinstance(value, list) else st.query_params.get(name)
        )
        if value in (None, "", []):
            if name in st.query_params:
                del st.query_params[name]
        elif current != value:
            st.query_params[name] = value


def param_list(name: str) -> list[str]:
    return [v for v in st.query_params.get_all(name) if v]


# ---------------------------------------------------------------- the widget


def _granularity_name(granularity: str | None) -> str:
    return "whole" if granularity is None else granularity


def _granularity(name: str | None) -> str | None:
    return None if name in (None, "whole") else name


def _clip(day: dt.date, low: dt.date, high: dt.date) -> dt.date:
    return min(max(day, low), high)


def _initial_range(
    today, earliest, latest, warnings: list[str], days: int = DEFAULT_DAYS
) -> tuple[dt.date, dt.date]:
    default = (max(earliest, today - dt.timedelta(days=days - 1)), latest)
    shared = st.session_state.get(_SHARED)
    if shared:  # a range chosen earlier in this session (on this or another page) wins
        return _clip(shared["start"], earliest, latest), _clip(shared["end"], earliest, latest)
    start, end = param_date("start"), param_date("end")
    if start is not None or end is not None:
        bad = [
            f"{name} {value!r}"
            for name, value in (("start", start), ("end", end))
            if isinstance(value, str)
        ]
        if bad:
            warnings.append(
                f"The link's {' and '.join(bad)} is not a date (YYYY-MM-DD); "
                f"showing the last {days} days instead."
            )
            return default
        start = start or default[0]
        end = end or latest
        if start > end:
            warnings.append(
                f"The link's range starts ({start}) after it ends ({end}); showing "
                f"the last {days} days instead."
            )
            return default
        clipped = (_clip(start, earliest, latest), _clip(end, earliest, latest))
        if clipped != (start, end):
            warnings.append(
                f"The link's range {start} - {end} reaches outside the days with "
                f"data ({earliest} - {latest}); it was cut to {clipped[0]} - "
                f"{clipped[1]}."
            )
        return clipped
    return default


def _initial_granularity(options: list, default, warnings: list[str]):
    shared = st.session_state.get(_SHARED)
    if shared:
        return shared["granularity"] if shared.get("granularity") in options else default
    raw = st.query_params.get("granularity")
    by_name = {(g or "whole"): g for g in options}
    if raw is not None:
        if raw in by_name:
            return by_name[raw]
        warnings.append(
            f"The link's granularity {raw!r} is not offered here; "
            f"showing {GRANULARITY_LABELS[default].lower()}."
        )
        return default
    return default


def range_controls(
    page: str,
    endpoints: dict[str, str | None],
    granularities: list,
    default_granularity=None,
    container=None,
    today: dt.date | None = None,
    granularity_help: str | None = None,
    fingerprints: dict[str, str] | None = None,
    default_days: int = DEFAULT_DAYS,
) -> Choice | None:
    """Draw granularity, quick ranges and a date range for `page`; mirror them into the URL.

    `endpoints` maps each endpoint the page loads to the granularity it is fetched at (CHOSEN
    for "the one picked here"). Returns None while the person is still picking (one date), after
    saying so; otherwise a Choice that every endpoint's rules accept or that says why not."""
    box = container if container is not None else st.sidebar
    if today is None:
        # A read-only store (a viewer deployment) can show nothing after the last day its
        # scheduled sync wrote: the pickers' "today" is that day, so the default range has totals.
        vendors = sorted({name.split(".")[0] for name in endpoints})
        through = history.read_only_through(app_settings.current(), vendors)
        today = min(ranges.utc_today(), through) if through else ranges.utc_today()
    warnings: list[str] = []
    granularity_key, range_key, preset_key = (
        f"{page}__granularity",
        f"{page}__range",
        f"{page}__preset",
    )
    default_granularity = (
        default_granularity if default_granularity in granularities else granularities[0]
    )

    # Widgets hold names ("whole" for None: a segmented control's None means "nothing").
    names = [_granularity_name(g) for g in granularities]
    if granularity_key not in st.session_state:
        st.session_state[granularity_key] = _granularity_name(
            _initial_granularity(granularities, default_granularity, warnings)
        )
    if st.session_state.get(granularity_key) not in names:
        st.session_state[granularity_key] = _granularity_name(default_granularity)
    with box:
        picked_granularity = st.segmented_control(
            "Granularity",
            names,
            key=granularity_key,
            format_func=lambda n: GRANULARITY_LABELS[_granularity(n)],
            required=True,
            help=granularity_help or "The length of one period in charts and tables.",
        )
    granularity = _granularity(picked_granularity)
    earliest, latest, longest = picker_limits(endpoints, granularity, today)

    if range_key not in st.session_state:
        st.session_state[range_key] = _initial_range(
            today, earliest, latest, warnings, default_days
        )
    current = tuple(st.session_state.get(range_key) or ())
    if current:  # keep a remembered range inside today's limits (the day may have changed)
        st.session_state[range_key] = tuple(_clip(d, earliest, latest) for d in current)

    presets = common_presets(endpoints, granularity, today)
    selected = next(
        (name for name, rng in presets.items() if tuple(st.session_state[range_key]) == rng), None
    )
    st.session_state[preset_key] = selected

    def apply_preset():
        name = st.session_state.get(preset_key)
        if name in presets:
            st.session_state[range_key] = presets[name]

    with box:
        st.pills(
            "Quick ranges",
            list(presets),
            key=preset_key,
            on_change=apply_preset,
            help="Ranges ending today that every source on this page can serve.",
        )
        picked = st.date_input(
            "Date range (UTC days, inclusive)",
            key=range_key,
            min_value=earliest,
            max_value=latest,
            format="YYYY-MM-DD",
            help=f"Any days from {earliest} to {latest}"
            + (f", at most {longest} days" if longest else "")
            + ". "
            + rules_text(endpoints, granularity),
        )
        starts = starts_text(known_starts(fingerprints or {}))
        if starts:
            st.caption(starts)
        sync_button(page, box)
    for text in warnings:
        st.warning(text, icon=":material/link_off:")

    if not isinstance(picked, (tuple, list)) or len(picked) != 2:
        # Half a range: keep showing the last whole one, so that every widget below is still
        # drawn (Streamlit forgets the state of widgets a run does not draw).
        st.info(
            "Pick the last day of the range to load it; showing the previous range until then.",
            icon=":material/date_range:",
        )
        previous = st.session_state.get(_SHARED)
        if not previous or "start" not in previous:
            return None
        return Choice(
            previous["start"],
            previous["end"],
            granularity,
            today,
            {e: fetch_granularity(s, granularity) for e, s in endpoints.items()},
        )
    start, end = picked
    if longest is not None and (end - start).days + 1 > longest:
        st.error(
            f"This page can show at most {longest} days at "
            f"{GRANULARITY_LABELS[granularity].lower()} granularity; the range has "
            f"{(end - start).days + 1}. Choose a shorter range."
        )
        return None
    # Every page loads whole periods (a week from its Monday), so a period is never a partial
    # one labelled as whole, and every page shows the same numbers for the same period.
    whole_start = (
        period_floor(start, granularity) if granularity in ("week", "month", "quarter") else start
    )
    if whole_start != start:
        box.caption(
            f"Whole {granularity}s: data from {whole_start}, the first day of the {granularity} "
            f"holding {start}."
        )
    shared = dict(st.session_state.get(_SHARED) or {})
    shared.update(start=start, end=end)
    if (
        len(granularities) > 1 or "granularity" not in shared
    ):  # a page with no choice does not impose one
        shared["granularity"] = granularity
    st.session_state[_SHARED] = shared
    mirror(
        {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "granularity": _granularity_name(granularity),
        }
    )
    return Choice(
        whole_start,
        end,
        granularity,
        today,
        {e: fetch_granularity(s, granularity) for e, s in endpoints.items()},
        picked_start=start if whole_start != start else None,
    )


_CARRIED = "_carried_choices"  # URL parameter -> its text (None: the default), between pages


def _carry_in(key: str, param: str) -> None:
    """Before a carried widget is first drawn on a page: put the value chosen on another page
    of this session into the URL, where the widget starts from (the browser's page
    navigation drops the query; the range is carried alike, in `_SHARED`)."""
    carried = st.session_state.get(_CARRIED) or {}
    if key in st.session_state or param not in carried:
        return
    value = carried[param]
    if value is None:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


def carried(param: str) -> str | None:
    """The value chosen on another page of this session for a carried control (the team),
    or None (its default, or nothing chosen yet)."""
    return (st.session_state.get(_CARRIED) or {}).get(param)


def _carry_out(param: str, text: str | None) -> None:
    carried = dict(st.session_state.get(_CARRIED) or {})
    carried[param] = text
    st.session_state[_CARRIED] = carried


def mirrored_select(
    label: str,
    options: list,
    key: str,
    param: str,
    default=None,
    container=None,
    widget: Callable = None,
    carry: bool = False,
    **kwargs,
):
    """A selectbox (or another single-choice widget) whose value lives in the URL as `param`;
    `carry`: the value chosen on one page is the next page's too (the team, the AI source)."""
    box = container if container is not None else st
    widget = widget or box.selectbox
    if carry:
        _carry_in(key, param)
    if key not in st.session_state or st.session_state[key] not in options:
        raw = st.query_params.get(param)
        by_text = {str(o): o for o in options}
        st.session_state[key] = by_text.get(raw, default if default in options else options[0])
    value = widget(label, options, key=key, **kwargs)
    mirror({param: None if value == default else str(value)})
    if carry:
        _carry_out(param, None if value == default else str(value))
    return value


def mirrored_multiselect(
    label: str, options: list[str], key: str, param: str, container=None, **kwargs
) -> list[str]:
    """A multiselect whose selection lives in the URL (`?param=a&param=b`)."""
    box = container if container is not None else st
    if key not in st.session_state:
        st.session_state[key] = [v for v in param_list(param) if v in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = box.multiselect(label, options, key=key, **kwargs)
    mirror({param: list(values)})
    return list(values)


def mirrored_tabs(sections: dict[str, str], key: str, param: str) -> dict:
    """Tabs whose chosen one lives in the URL as `param` (its name in `sections`: name ->
    label; the first is the default) and that draw only the chosen one: the page sends one
    section's elements, not all of them, and switching reruns it. Returns name -> container;
    `container.open` says whether to draw into it."""
    names = list(sections)
    labels = {label: name for name, label in sections.items()}
    if key not in st.session_state or st.session_state[key] not in labels:
        st.session_state[key] = sections.get(st.query_params.get(param), sections[names[0]])
    containers = st.tabs(list(sections.values()), key=key, on_change="rerun")
    chosen = labels.get(st.session_state.get(key), names[0])
    mirror({param: None if chosen == names[0] else chosen})
    return dict(zip(names, containers, strict=True))


DEMO_USD_PER_CREDIT = 0.01  # the demo's assumed price; live mode uses CODEFRESH_USD_PER_CREDIT


def price_input(settings, page: str, help_text: str, container=None) -> float | None:
    """The sidebar's CI price (USD per credit), mirrored as `usd_per_credit` and carried from
    page to page: the configured price, an assumed one on demo data (and it says so), or
    none."""
    box = container if container is not None else st
    configured = settings.usd_per_credit
    demo = settings["codefresh"].demo
    price = mirrored_number(
        PRICE_LABEL,
        key=f"{page}__price",
        param="usd_per_credit",
        default=configured if configured is not None else (DEMO_USD_PER_CREDIT if demo else None),
        container=box,
        carry=True,
        help=help_text,
    )
    if configured is None and price is not None:
        box.caption("An assumed price: set CODEFRESH_USD_PER_CREDIT for your own.")
    return price


# ---------------------------------------------------------------- the same sidebar everywhere
# Every data page's sidebar holds these, in this order, with the same URL parameters and
# defaults (keys `<page>__<name>`); a page that cannot use one says so where it would be
# (`not_used`). Page-specific choices come after them.
RANGE_LABEL = "Granularity, quick ranges and date range"
TEAM_LABEL = "Team"
AI_LABEL = "Count AI-active developers from"
PRICE_LABEL = "CI price (USD per credit)"
SIDEBAR_ORDER = (
    "Granularity",
    "Quick ranges",
    "Date range (UTC days, inclusive)",
    "Sync now",
    TEAM_LABEL,
    AI_LABEL,
    PRICE_LABEL,
)
NOT_USED = "**{label}**: not used on this page. {why}"


def not_used(label: str, why: str, container=None) -> None:
    """Where a shared control would be, say why this page does without it."""
    box = container if container is not None else st.sidebar
    box.caption(NOT_USED.format(label=label, why=why))


def ai_source_input(page: str, help_text: str | None = None, container=None) -> str:
    """The sidebar's "Count AI-active developers from" (`?ai=`, carried from page to page). Its
    default is every connected AI tool (`metrics.default_ai_source`): either tool, each person
    once, when both are; the one connected otherwise."""
    from analytics.metrics import AI_SOURCES, default_ai_source, definition

    return mirrored_select(
        AI_LABEL,
        list(AI_SOURCES),
        key=f"{page}__ai",
        param="ai",
        default=default_ai_source(app_settings.current().sources),
        container=container if container is not None else st.sidebar,
        format_func=AI_SOURCES.get,
        carry=True,
        help=help_text or definition("ai_active_developers"),
    )


def sync_button(page: str, container=None) -> None:
    """Sync now: the vendors' recent days fetched again (every data page has it)."""
    box = container if container is not None else st.sidebar
    box.button(
        "Sync now",
        key=f"{page}__refresh",
        on_click=loaders.sync_now,
        icon=":material/sync:",
        disabled=not access.allowed("sync now"),  # a courtesy: sync_now checks again
        help="Fetch the recent days the vendors may still revise again now (otherwise "
        f"they are fetched again after {history.TAIL_FRESH_FOR.seconds // 60} minutes). "
        "Older days come from the history store.",
    )


def mirrored_number(
    label: str,
    key: str,
    param: str,
    default: float | None = None,
    container=None,
    carry: bool = False,
    **kwargs,
) -> float | None:
    """A number input (empty allowed) whose value lives in the URL as `param` (`carry`: and
    goes on to the next page)."""
    box = container if container is not None else st
    if carry:
        _carry_in(key, param)
    if key not in st.session_state:
        raw = st.query_params.get(param)
        value = default
        if raw == "none":
            value = None
        elif raw is not None:
            try:
                value = float(raw)
                if not value >= 0:
                    raise ValueError
            except ValueError:
                st.warning(
                    f"The link's {param} {raw!r} is not a non-negative number; using "
                    f"{'no value' if default is None else default}."
                )
                value = default
        st.session_state[key] = value
    value = box.number_input(
        label, key=key, value=None, min_value=0.0, step=0.001, format="%.4f", **kwargs
    )
    text = None if value == default else "none" if value is None else f"{value:g}"
    mirror({param: text})
    if carry:
        _carry_out(param, text)
    return value
