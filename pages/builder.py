"""Builder.io Fusion: organization trend, spaces, space tokens, users."""

import streamlit as st

from analytics import charts, choice, metrics
from analytics.lens import NOT_SPLIT
from analytics.metrics.explore import team_rows, team_spaces
from ui import access, controls, loaders, people_export, team_filter
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

# The spaces table's and the tokens chart's spaces: the top this many, how many there are said.
TOP_SPACES = 20
TOKEN_SPACES = 6

settings = app_settings.current()
source = settings["builder"]
ui.header("Builder.io Fusion", settings, vendors=("builder",))

ENDPOINTS = {
    "builder.org_metrics": choice.CHOSEN,
    "builder.org_space_metrics": choice.CHOSEN,
    "builder.space_metrics": choice.CHOSEN,
    "builder.org_users": None,
}
choice = controls.range_controls(
    "builder",
    ENDPOINTS,
    choice.granularity_options("builder.org_metrics"),
    default_granularity="week",
    granularity_help="Builder.io aggregates each period itself (users are distinct per period).",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
granularity = choice.granularity
ui.running_note(choice)
lens = team_filter.pick(settings, choice.start, choice.end, "builder")
controls.not_used(controls.AI_LABEL, "This page shows Builder.io's own users.")
controls.not_used(controls.PRICE_LABEL, "Nothing on this page is in CI credits.")
if lens is not None:
    st.caption(lens.caption())
by_period = (
    ""
    if granularity == "day"
    else f" A {granularity}'s row counts for the team its space was in on the {granularity}'s "
    "first day."
)


def unknown(endpoint: str, what: str, space: str | None = None) -> list:
    """Days of the range the store cannot tell for `endpoint` (a damaged history file, days a
    read-only store's sync has not reached): their periods are left empty, totals over them
    unknown; a damaged file's days are named."""
    holes = loaders.unknown_days(source, endpoint, choice.start, choice.end, granularity, space)
    if said := metrics.coverage.describe_holes(what, holes):
        st.warning(said, icon=":material/broken_image:")
    return holes


def unknown_totals(holes) -> None:
    st.caption(
        f"Totals over the range: unknown ({metrics.coverage.why_unknown(holes)}); pick a range "
        "without those days."
    )


# ------------------------------------------------------------------ organization trend
st.subheader(
    "Organization trend",
    anchor=False,
    help="Builder.io's organization metrics per period: lines generated (`totalLines`), "
    "accepted (`linesAccepted`), added and removed; prompts; distinct users.",
)
if lens is not None:
    st.caption(NOT_SPLIT.format(what="Builder.io's organization metrics report"))
else:
    with ui.vendor_errors():
        org = loaders.read_dataset(
            source, "builder.org_metrics", choice.start, choice.end, granularity
        )
        org_holes = unknown("builder.org_metrics", "Builder.io organization metrics")
        table = metrics.coverage.blank_holes(
            metrics.builder_org_table(org, choice.start, choice.end, granularity),
            [*metrics.VENDOR_COLUMNS["builder"], "builder_total_lines", "builder_acceptance"],
            org_holes,
        )
        ui.kpi_tiles(
            metrics.kpis(
                table,
                [
                    "builder_users",
                    "builder_prompts",
                    "builder_lines_accepted",
                    "builder_acceptance",
                ],
                granularity,
            ),
            granularity,
            vendor="Builder.io",
        )
        left, right = st.columns(2)
        left.altair_chart(
            charts.series_over_time(
                metrics.coverage.blank_periods(
                    metrics.builder_trend(org, ["total_lines", "lines_accepted"]),
                    ["value"],
                    org_holes,
                    granularity,
                ),
                "value",
                "measure",
                "builder",
                granularity,
                "Lines",
                end=choice.end,
            ),
            width="stretch",
        )
        right.altair_chart(
            charts.two_axes(
                table,
                "builder_users",
                "builder_prompts",
                "builder",
                granularity,
                "Users",
                "Prompts",
            ),
            width="stretch",
        )

# ------------------------------------------------------------------ spaces
st.subheader(
    "Spaces",
    anchor=False,
    help="The organization response's per-space lines: accepted lines per space and "
    "period, and each space's totals over the range. Acceptance = accepted / "
    "generated lines.",
)
if lens is not None:
    st.caption(
        f"Only {lens.name}'s spaces, each on the days the mapping puts it in the team.{by_period}"
    )
with ui.vendor_errors():
    # Every space summed by DuckDB (for a team: its spaces, each on the periods the mapping
    # puts it in the team): the spaces drawn, however many there are.
    lines = loaders.space_lines(
        source, choice.start, choice.end, granularity, top=6, table=TOP_SPACES, lens=lens
    )
    series, space_table, space_count = lines.series, lines.totals, lines.spaces
    space_holes = unknown("builder.org_space_metrics", "Builder.io lines per space")
    per_space = metrics.coverage.blank_periods(series, ["lines_accepted"], space_holes, granularity)
    left, right = st.columns([3, 2])
    left.altair_chart(
        charts.series_over_time(
            per_space,
            "lines_accepted",
            "space_name",
            "builder",
            granularity,
            "Accepted lines",
            kind="bar",
            end=choice.end,
        ),
        width="stretch",
    )
    with right:
        if space_holes:  # each space's totals would lack those days: no table of them
            unknown_totals(space_holes)
        else:
            if space_count > len(space_table):
                st.caption(
                    f"The {len(space_table):,} spaces with the most accepted lines, of "
                    f"{space_count:,}; every space is in Explore & export (Builder.io, "
                    "Metrics per space)."
                )
            ui.dataframe(
                space_table,
                column_config={
                    "space_name": "Space",
                    "total_lines": "Generated",
                    "lines_accepted": "Accepted",
                    "lines_added": "Added",
                    "lines_removed": "Removed",
                    "acceptance": ui.number_column(
                        "Acceptance", "share", help="Accepted / generated lines"
                    ),
                },
            )

# ------------------------------------------------------------------ space tokens
st.subheader(
    "Space tokens",
    anchor=False,
    help="Tokens the space's Fusion sessions used, per period (space metrics "
    "endpoint: input, output, cache write, and cache read: Builder.io's `cacheInput`, named "
    "as Firebender's cache read tokens are).",
)

space_names = loaders.space_names(source)
configured = bool(space_names)
if lens is not None:
    space_names = team_spaces(lens, space_names, choice.start, choice.end)
    if space_names:
        st.caption(
            f"Only {lens.name}'s spaces, each on the days the mapping puts it in the team."
            + by_period
        )


def space_rows(frame, key: str):
    """One space's metrics (for a team: its periods in the team)."""
    if lens is None:
        return frame
    return team_rows(
        lens, frame, "builder.space_metrics", choice.end, (key, space_names.get(key, key))
    )


if not space_names and configured:
    st.info(
        f"The teams mapping gives {lens.name} no Builder.io space in this range.",
        icon=":material/groups:",
    )
elif not space_names:
    st.info(
        "Space metrics need a space: set BUILDER_SPACES to the spaces' public:private key "
        "pairs, separated by commas (or BUILDER_SPACE_PUBLIC_KEY and "
        "BUILDER_SPACE_PRIVATE_KEY for one space)."
    )
else:
    if len(space_names) > 1:
        charted = dict(list(space_names.items())[: metrics.MAX_SPACES_CHARTED])
        if len(space_names) > len(charted):
            st.caption(
                f"Tokens of the first {len(charted)} of {len(space_names)} spaces (each space "
                "is a request of its own); pick any space below, or find every space in "
                "Explore. `python -m sync` keeps every space's history."
                + (
                    f" The {TOKEN_SPACES} with the most tokens are drawn, the rest as Other."
                    if lens is None and len(charted) > TOKEN_SPACES
                    else ""
                )
            )
        with ui.vendor_errors():
            # Every charted space in ONE query (the space a column); each is still a request
            # of its own to the vendor when the store lacks its days.
            if lens is None:
                every = loaders.space_tokens(
                    source, choice.start, choice.end, granularity, charted, top=TOKEN_SPACES
                )
            else:  # each space's periods in the team
                rows = loaders.space_tokens(source, choice.start, choice.end, granularity, charted)
                every = metrics.tokens_per_space(
                    {
                        name: space_rows(
                            rows[rows["space_id"] == key].drop(columns=["space_id", "space_name"]),
                            key,
                        )
                        for key, name in charted.items()
                    }
                )
            every_holes = {
                name: loaders.unknown_days(
                    source, "builder.space_metrics", choice.start, choice.end, granularity, key
                )
                for key, name in charted.items()
            }
            st.altair_chart(
                charts.series_over_time(
                    metrics.coverage.blank_periods(
                        every,
                        ["tokens_total"],
                        sorted({h for holes in every_holes.values() for h in holes}),
                        granularity,
                    ),
                    "tokens_total",
                    "space",
                    "builder",
                    granularity,
                    "Tokens, every space",
                    end=choice.end,
                ),
                width="stretch",
            )
    space = controls.mirrored_select(
        "Space",
        list(space_names),
        key="builder__space",
        param="space",
        default=next(iter(space_names)),
        format_func=space_names.get,
    )
    with ui.vendor_errors():
        tokens = space_rows(
            loaders.space_tokens(
                source, choice.start, choice.end, granularity, {space: space_names[space]}
            ).drop(columns=["space_id", "space_name"]),
            space,
        )
        token_holes = unknown(
            "builder.space_metrics", f"Builder.io tokens of {space_names[space]}", space
        )
        left, right = st.columns([3, 2])
        left.altair_chart(
            charts.series_over_time(
                metrics.coverage.blank_periods(
                    metrics.space_tokens(tokens), ["tokens"], token_holes, granularity
                ),
                "tokens",
                "kind",
                "builder",
                granularity,
                "Tokens",
                kind="bar",
                end=choice.end,
            ),
            width="stretch",
        )
        with right:
            if token_holes:  # the range's totals would lack those days: no table of them
                unknown_totals(token_holes)
            else:
                ui.dataframe(
                    metrics.token_totals(tokens),
                    column_config={"kind": "Tokens", "tokens": "Total", "share": "Share"},
                )

# ------------------------------------------------------------------ users
st.subheader(
    "Users",
    anchor=False,
    help="One row per person with their totals over the whole range (Builder.io "
    "users endpoint; known from third-party code, not the vendor's page).",
)
if access.people_view("Users"):
    # Totals over the range without periods: the days picked, as Explore's export of the same
    # dataset reads them (not from the first day of the picked week: one person's lines
    # differed between the two).
    users_start = choice.picked_start or choice.start
    with ui.vendor_errors():
        # The top people, how many there are and totals over all of them: a page of people,
        # never everyone (the CSV below reads everyone when asked for).
        board, everyone, totals = loaders.builder_users(source, users_start, choice.end, lens)
        if lens is not None:
            st.caption(
                "Builder.io gives each person's totals over the whole range, without days: a person "
                f"counts for {lens.name} when the teams mapping puts them in it on {choice.end} "
                "(the range's last day)."
            )
        st.caption(
            f"{everyone:,} people active in {metrics.range_name(users_start, choice.end)}"
            + (
                f" (the days picked: the users endpoint has no {granularity}s)."
                if users_start != choice.start
                else "."
            )
        )
        if said := people_export.note(len(board), everyone):
            st.caption(said)
        if said := people_export.totals_line(
            totals,
            {
                "lines_accepted": "accepted lines",
                "user_prompts": "prompts",
                "credits_used": "credits used",
            },
            everyone,
        ):
            st.caption(said)
        ui.dataframe(
            board,
            column_config={
                "user_email": "Person",
                "last_active": st.column_config.DatetimeColumn(
                    "Last active (UTC)", format="YYYY-MM-DD HH:mm"
                ),
                "lines_accepted": "Accepted lines",
                "credits_used": "Credits used",
            },
        )
        people_export.button(
            loaders.builder_users_export(source, users_start, choice.end, lens),
            everyone,
            "builder",
            "users",
            users_start,
            choice.end,
            key="builder__users_export",
        )

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
