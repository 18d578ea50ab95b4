"""Explore & export: any dataset, filtered by date and its dimensions, downloaded as shown."""

import streamlit as st

from analytics import datasets, labels, metrics
from analytics.lens import NOT_SPLIT
from analytics.metrics.explore import team_keys, team_rows, team_spaces
from ui import access, controls, explore_raw, loaders, screens, team_filter
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
ui.header("Explore & export", settings)

catalogue = access.without_people(datasets.offered(loaders.offered_reports(settings["codefresh"])))
# The dataset decides what the controls every data page has offer, so it comes first (and
# the space, when it needs one); those controls follow in their usual order.
own_box = st.sidebar.container()
st.sidebar.divider()
shared_box = st.sidebar.container()
with own_box:
    key = controls.mirrored_select(
        "Dataset",
        list(catalogue),
        key="explore__dataset",
        param="dataset",
        default=datasets.OVERVIEW_KEY,
        format_func=lambda k: catalogue[k].label,
    )
dataset = catalogue[key]

choice = None
if dataset.endpoint is not None or dataset.key == datasets.OVERVIEW_KEY:
    choice = controls.range_controls(
        "explore",
        datasets.endpoints_for(dataset),
        list(dataset.granularities),
        default_granularity="week" if "week" in dataset.granularities else dataset.granularities[0],
        container=shared_box,
        fingerprints=settings.fingerprints,
    )
    if choice is None:
        st.stop()
else:
    controls.not_used(controls.RANGE_LABEL, "This dataset has no dates.", shared_box)
    controls.sync_button("explore", shared_box)
if choice:
    lens = team_filter.pick(settings, choice.start, choice.end, "explore", shared_box)
else:
    lens = None
    controls.not_used(
        controls.TEAM_LABEL, "This dataset has no dates to match teams on.", shared_box
    )

space, spaces = None, {}
ai_source, price = "firebender", settings.usd_per_credit
if dataset.key == datasets.OVERVIEW_KEY:
    ai_source = controls.ai_source_input("explore", container=shared_box)
    price = controls.price_input(
        settings,
        "explore",
        "Turns Codefresh credits into USD in the joined table.",
        container=shared_box,
    )
else:
    controls.not_used(
        controls.AI_LABEL, "Only the Overview dataset counts AI-active developers.", shared_box
    )
    controls.not_used(controls.PRICE_LABEL, "Only the Overview dataset has CI spend.", shared_box)
with own_box:
    if dataset.needs_space:
        source = settings["builder"]
        spaces = loaders.space_names(source)
        if not spaces:
            st.info("Space metrics need BUILDER_SPACES (or BUILDER_SPACE_PUBLIC_KEY).")
            st.stop()
        if lens is not None:
            spaces = team_spaces(lens, spaces, choice.start, choice.end)
            if not spaces:
                st.info(f"The teams mapping gives {lens.name} no Builder.io space in this range.")
                st.stop()
        space = controls.mirrored_select(
            "Space",
            list(spaces),
            key="explore__space",
            param="space",
            default=next(iter(spaces)),
            format_func=spaces.get,
        )

st.subheader(dataset.label, anchor=False)
if lens is not None:
    st.caption(lens.caption())
    if dataset.key != datasets.OVERVIEW_KEY and team_keys(dataset.key) is None:
        st.info(
            NOT_SPLIT.format(what=dataset.label)
            + " Choose All teams to see and download the organisation's rows.",
            icon=":material/groups:",
        )
        ui.refresh_badges(settings)
        st.stop()
if "explore__raw" not in st.session_state:
    st.session_state["explore__raw"] = st.query_params.get("raw") == "1"
with st.container(horizontal=True, vertical_alignment="center"):
    raw = st.toggle(
        "Raw column names",
        key="explore__raw",
        help="Show the columns and values exactly as the downloads hold them "
        "(`spend_type`, `byok`) instead of as people read them (Spend type, Own key (BYOK)).",
    )
    st.caption(
        "Downloads always use the raw column names and values"
        + (", as shown." if raw else "; turn this on to see the table as the file holds it.")
    )
controls.mirror({"raw": "1" if raw else None})


def team_note(dataset, choice, lens) -> str:
    """How the dataset's rows were given to the team."""
    kind, _, day = team_keys(dataset.key)
    one, many = {
        "person": ("person", "people"),
        "pipeline": ("pipeline", "pipelines"),
        "space": ("space", "spaces"),
    }[kind]
    if day is None:
        return (
            f"Rows are totals over the range, without days: a {one} counts for {lens.name} "
            f"when the teams mapping puts them in it on {choice.end} (the range's last day)."
        )
    granularity = datasets.fetched_granularity(dataset, choice)
    if day == "period" and granularity != "day":
        period = granularity or "range"
        return (
            f"Only the rows of {lens.name}'s {many}; a {period}'s row counts for the team its "
            f"{one} was in on the {period}'s first day."
        )
    return f"Only the rows of {lens.name}'s {many}, each on the days they were in the team."


def unknown_note(dataset, choice, space) -> list:
    """Days of the range the store cannot tell for the dataset (a damaged history file, days a
    read-only store's sync has not reached): named above the rows, never exported as 0."""
    if choice is None or dataset.endpoint is None:
        return []
    granularity = datasets.fetched_granularity(dataset, choice)
    holes = loaders.unknown_days(
        settings[dataset.vendor], dataset.endpoint, choice.start, choice.end, granularity, space
    )
    if holes:
        st.warning(
            f"Part of the range has no rows ({metrics.coverage.why_unknown(holes)}): those "
            "days are missing from the rows below and from the downloads (never exported as "
            "0), and the values of a period or total touching them are left empty.",
            icon=":material/broken_image:",
        )
    return holes


if dataset.raw_rows:
    unknown_note(dataset, choice, None)
    with ui.vendor_errors():
        explore_raw.show(settings[dataset.vendor], dataset, choice, raw, lens)
    ui.refresh_badges(settings)
    st.stop()

frame, problems = None, []
with ui.vendor_errors():
    if dataset.key == datasets.OVERVIEW_KEY and lens is not None:
        # The team's overview, as the Overview page shows it.
        view = screens.overview(choice, settings, ai_source, price, lens=lens)
        frame, problems = view.table, list(view.errors.values())
        for notes in view.notes.values():
            for note in notes:
                st.caption(note)
    else:
        frame, problems = screens.dataset(
            dataset, choice, settings, space=space, ai_source=ai_source, usd_per_credit=price
        )
        if lens is not None and frame is not None:
            frame = team_rows(
                lens, frame, dataset.key, choice.end, (space, spaces.get(space, space))
            )
            st.caption(team_note(dataset, choice, lens))
for message in problems:
    st.error(message, icon=":material/error:")
if frame is None:
    st.stop()
if dataset.key != datasets.OVERVIEW_KEY and (holes := unknown_note(dataset, choice, space)):
    if "period" in frame:
        frame = metrics.coverage.blank_periods(
            frame,
            [c for c in frame.select_dtypes("number").columns if c not in dataset.dimensions],
            holes,
            datasets.fetched_granularity(dataset, choice),
        )
    elif not {"date", "day", "timestamp"} & set(frame.columns):
        # Totals over the range (no time column): every number lacks those days.
        numbers = frame.select_dtypes("number").columns.difference(list(dataset.dimensions))
        frame = frame.assign(**dict.fromkeys(numbers, float("nan")))


if dataset.dimensions:
    with st.container(horizontal=True):
        selections = {
            dim: controls.mirrored_multiselect(
                dim if raw else labels.column_label(dim, dataset.key),
                metrics.dimension_values(frame, dim),
                key=f"explore__f_{dim}",
                param=f"f_{dim}",
                placeholder="All",
                format_func=str if raw else labels.labeller(dim),
            )
            for dim in dataset.dimensions
        }
else:
    selections = {}
shown = datasets.filtered(dataset, frame, choice, selections)

st.caption(
    f"{len(shown):,} of {len(frame):,} rows"
    + (f", {metrics.range_name(choice.start, choice.end)}" if choice else "")
    + ". The downloads contain exactly the rows and columns below."
)
ui.dataframe(
    shown,
    column_config=ui.overview_columns(shown)
    if dataset.key == datasets.OVERVIEW_KEY and not raw
    else None,  # the measures' definitions on hover
    friendly_names=not raw,
    dataset=dataset.key,
    height=420,
)
ui.download_buttons(
    shown,
    dataset.vendor,
    datasets.export_name(dataset, choice),
    choice.start if choice else None,
    choice.end if choice else None,
    key="explore__download",
)

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
