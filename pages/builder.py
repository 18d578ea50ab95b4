"""Builder.io Fusion: organization trend, spaces, space tokens, users."""

import streamlit as st

from analytics import charts, clients, controls, loaders, metrics, ui
from analytics import settings as app_settings
from analytics.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
source = settings["builder"]
ui.header("Builder.io Fusion", settings, vendors=("builder",))

ENDPOINTS = {
    "builder.org_metrics": controls.CHOSEN,
    "builder.org_space_metrics": controls.CHOSEN,
    "builder.space_metrics": controls.CHOSEN,
    "builder.org_users": None,
}
choice = controls.range_controls(
    "builder",
    ENDPOINTS,
    controls.granularity_options("builder.org_metrics"),
    default_granularity="week",
    granularity_help="Builder.io aggregates each period itself (users are distinct per period).",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
granularity = choice.granularity

# ------------------------------------------------------------------ organization trend
st.subheader(
    "Organization trend",
    anchor=False,
    help="Builder.io's organization metrics per period: lines generated (`totalLines`), "
    "accepted (`linesAccepted`), added and removed; prompts; distinct users.",
)
with ui.vendor_errors():
    org = loaders.fetch(source, "builder.org_metrics", choice.start, choice.end, granularity)
    table = metrics.builder_org_table(org, choice.start, choice.end, granularity)
    ui.kpi_tiles(
        metrics.kpis(
            table,
            ["builder_users", "builder_prompts", "builder_lines_accepted", "builder_acceptance"],
            granularity,
        ),
        granularity,
    )
    left, right = st.columns(2)
    left.altair_chart(
        charts.series_over_time(
            metrics.builder_trend(org, ["total_lines", "lines_accepted"]),
            "value",
            "measure",
            "builder",
            granularity,
            "Lines",
        ),
        width="stretch",
    )
    right.altair_chart(
        charts.two_axes(
            table, "builder_users", "builder_prompts", "builder", granularity, "Users", "Prompts"
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
with ui.vendor_errors():
    spaces = loaders.fetch(
        source, "builder.org_space_metrics", choice.start, choice.end, granularity
    )
    per_space = metrics.space_series(spaces, n=6)
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
        ),
        width="stretch",
    )
    with right:
        ui.dataframe(
            metrics.space_totals(spaces),
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
    "endpoint: input, output, cache write, cache input).",
)
space_names = clients.demo_spaces() if source.demo else {key: key for key in clients.spaces(source)}
if not space_names:
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
            )
        with ui.vendor_errors():
            every = {
                name: loaders.fetch(
                    source,
                    "builder.space_metrics",
                    choice.start,
                    choice.end,
                    granularity,
                    space=key,
                )
                for key, name in charted.items()
            }
            st.altair_chart(
                charts.series_over_time(
                    metrics.tokens_per_space(every),
                    "tokens_total",
                    "space",
                    "builder",
                    granularity,
                    "Tokens, every space",
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
        tokens = loaders.fetch(
            source, "builder.space_metrics", choice.start, choice.end, granularity, space=space
        )
        left, right = st.columns([3, 2])
        left.altair_chart(
            charts.series_over_time(
                metrics.space_tokens(tokens),
                "tokens",
                "kind",
                "builder",
                granularity,
                "Tokens",
                kind="bar",
            ),
            width="stretch",
        )
        with right:
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
with ui.vendor_errors():
    users = loaders.fetch(source, "builder.org_users", choice.start, choice.end)
    st.caption(f"{len(users):,} people active in {metrics.range_name(choice.start, choice.end)}.")
    ui.dataframe(
        metrics.builder_users_table(users),
        column_config={
            "user_email": "Person",
            "last_active": st.column_config.DatetimeColumn(
                "Last active (UTC)", format="YYYY-MM-DD HH:mm"
            ),
            "lines_accepted": "Accepted lines",
            "credits_used": "Credits used",
        },
    )

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
