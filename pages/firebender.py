"""Firebender: active users, leaderboard, acceptance rates, model requests, tokens, cost."""

import pandas as pd
import streamlit as st

from analytics import charts, choice, labels, metrics
from ui import access, controls, loaders, people_export, team_filter
from ui import page as ui
from ui import settings as app_settings
from ui.entry import ensure_app_entry

ensure_app_entry()  # a deep link opened first after a server start still runs app.py

settings = app_settings.current()
source = settings["firebender"]
ui.header("Firebender", settings, vendors=("firebender",))

ENDPOINTS = {"firebender.daily_usage": "day", "firebender.model_requests": None}
choice = controls.range_controls(
    "firebender",
    ENDPOINTS,
    choice.granularity_options("firebender.daily_usage", aggregate_from_day=("week", "month")),
    default_granularity="week",
    granularity_help="Firebender reports one row per person per day; weeks and months are built "
    "from those days here.",
    fingerprints=settings.fingerprints,
)
if choice is None:
    st.stop()
granularity = choice.granularity
ui.running_note(choice)
lens = team_filter.pick(settings, choice.start, choice.end, "firebender")
controls.not_used(controls.AI_LABEL, "This page shows Firebender's own people.")
controls.not_used(controls.PRICE_LABEL, "Nothing on this page is in CI credits.")
if lens is not None:
    st.caption(lens.caption())


def summed_requests(by: tuple[str, ...], per_day: bool = True):
    """Model requests summed by `by` (and day) by DuckDB; for a team, only its people's
    requests on the days the mapping puts them in it (chosen in the query)."""
    return loaders.requests(source, choice.start, choice.end, by=by, per_day=per_day, lens=lens)


# Daily usage summed per day and the distinct people per period, by DuckDB (a row a day
# whatever the headcount); a team: its people's rows only, each on its days in the team.
daily = usage_people = None
with ui.vendor_errors():
    if lens is None:
        daily = loaders.usage_by_day(source, choice.start, choice.end)
        usage_people = loaders.usage(source, choice.start, choice.end)[1]
    else:
        daily, usage_people = loaders.team_usage(source, choice.start, choice.end, lens)

# Days the history cannot tell (a damaged file): their periods are empty, range totals unknown.
daily_holes = []
if daily is not None:
    daily_holes = loaders.unknown_days(source, "firebender.daily_usage", choice.start, choice.end)
    if said := metrics.coverage.describe_holes("Firebender daily usage", daily_holes):
        st.warning(said, icon=":material/broken_image:")
    for said in loaders.field_warnings(
        source, "firebender.daily_usage", choice.start, choice.end, "day"
    ):
        st.warning(said, icon=":material/data_alert:")

if daily is not None:
    # -------------------------------------------------------------- active users
    st.subheader("Active users", anchor=False, help=metrics.definition("firebender_active_users"))
    users = metrics.active_users(daily, granularity, choice.start, choice.end, usage_people)
    users = metrics.coverage.blank_holes(
        users, ["firebender_active_users", "avg_daily_active_users"], daily_holes
    )
    ui.kpi_tiles(
        metrics.kpis(
            metrics.coverage.blank_holes(
                metrics.firebender_table(
                    daily, choice.start, choice.end, granularity, usage_people
                ),
                metrics.VENDOR_COLUMNS["firebender"],
                daily_holes,
            ),
            [
                "firebender_active_users",
                "firebender_agent_prompts",
                "firebender_accepted_lines",
                "firebender_autocomplete_accepts",
            ],
            granularity,
        ),
        granularity,
        vendor="Firebender",
    )
    st.altair_chart(
        charts.series_over_time(
            metrics.active_users_long(users, granularity),
            "users",
            "measure",
            "firebender",
            granularity,
            "People",
            end=choice.end,
        ),
        width="stretch",
    )

    # -------------------------------------------------------------- acceptance rates
    st.subheader(
        "Acceptance rates",
        anchor=False,
        help="\n\n".join(f"**{name}**: {text}" for name, _, _, text in metrics.RATES.values()),
    )
    overall = metrics.overall_rates(daily)
    columns = st.columns(len(overall))
    for column, row in zip(columns, overall.itertuples()):
        column.metric(
            row.rate,
            "-" if row.offered == 0 or daily_holes else f"{row.value:.1%}",
            help=f"{row.definition}\n\n{metrics.range_name(choice.start, choice.end)}: "
            + (
                f"unknown: {metrics.coverage.why_unknown(daily_holes)}."
                if daily_holes
                else f"{row.accepted:,.0f} of {row.offered:,.0f}."
            ),
            border=True,
        )
    rates = metrics.acceptance_rates(daily, granularity, choice.start, choice.end)
    if daily_holes:
        index = metrics.periods(choice.start, choice.end, granularity)
        unread = metrics.coverage.blank_holes(index.assign(x=0.0), ["x"], daily_holes)
        gone = rates["period"].isin(unread.loc[unread["x"].isna(), "period"])
        rates.loc[gone, ["value", "accepted", "offered"]] = float("nan")
    st.altair_chart(charts.rates_over_time(rates, granularity), width="stretch")

# ------------------------------------------------------------------ model requests
st.subheader(
    "Model requests",
    anchor=False,
    help="Every request Firebender made to a model for your organization: model, "
    "agent mode, spend type (included, on-demand, bring-your-own-key), tokens "
    "and cost in USD.",
)
requests = None
request_holes = []
problem = choice.problem("firebender.model_requests", None)
if problem:
    st.info(problem, icon=":material/event_busy:")
else:
    note = choice.note("firebender.model_requests", None)
    if note:
        st.caption(f"Model requests are {note}.")
    with ui.vendor_errors():
        # Sums by day and spend type: enough for the count, the tokens and the cost charts.
        requests = summed_requests(("spend_type",))
        request_holes = loaders.unknown_days(
            source, "firebender.model_requests", choice.start, choice.end
        )
        for said in loaders.field_warnings(
            source, "firebender.model_requests", choice.start, choice.end
        ):
            st.warning(said, icon=":material/data_alert:")


def unread_periods(holes) -> set:
    """The periods of the range (at the page's granularity) that touch a day in `holes`."""
    index = metrics.periods(choice.start, choice.end, granularity)
    marked = metrics.coverage.blank_holes(index.assign(x=0.0), ["x"], holes)
    return set(marked.loc[marked["x"].isna(), "period"])


def without_unread(frame, holes, columns):
    """`frame` (a `period` column) with `columns` empty in periods touching `holes`."""
    if holes:
        period = pd.to_datetime(frame["period"])
        if period.dt.tz is not None:
            period = period.dt.tz_convert("UTC").dt.tz_localize(None)
        gone = period.isin(unread_periods(holes))
        frame.loc[gone.to_numpy(), columns] = float("nan")
    return frame


if requests is not None and (
    said := metrics.coverage.describe_holes("Firebender model requests", request_holes)
):
    # A count or a breakdown over days that could not be read would be too small.
    st.warning(
        said + " The range's request count and breakdown are unknown; the charts leave those "
        "periods empty.",
        icon=":material/broken_image:",
    )

if requests is not None:
    if request_holes:
        st.caption(
            f"Requests in the range: unknown ({metrics.coverage.why_unknown(request_holes)})."
        )
    else:
        st.caption(f"{metrics.request_count(requests):,} requests in the range.")
    by = controls.mirrored_select(
        "Break down by",
        ["model", "mode", "spend_type"],
        key="firebender__by",
        param="by",
        default="model",
        widget=st.segmented_control,
        required=True,
        format_func=labels.column_label,
    )
    breakdown = metrics.requests_breakdown(summed_requests((by,), per_day=False), by)
    if request_holes:  # each row's sums would lack the unreadable days
        breakdown = breakdown.iloc[0:0]
    left, right = st.columns([2, 3])
    left.altair_chart(
        charts.ranking(breakdown, by, "cost_usd", "firebender", "Cost (USD)", fmt="$,.2f"),
        width="stretch",
    )
    with right:
        ui.dataframe(
            breakdown,
            column_config={
                "requests": "Requests",
                "total_tokens": "Tokens",
                "cost_usd": "Cost",
                "cost_share": "Share of cost",
            },
        )

    left, right = st.columns(2)
    with left:
        st.subheader(
            "Tokens",
            anchor=False,
            help="Input, output, cache-read and cache-write tokens billed, per period.",
        )
        st.altair_chart(
            charts.series_over_time(
                without_unread(
                    metrics.tokens_by_period(requests, granularity), request_holes, ["tokens"]
                ),
                "tokens",
                "kind",
                "firebender",
                granularity,
                "Tokens",
                kind="bar",
                end=choice.end,
            ),
            width="stretch",
        )
    with right:
        st.subheader("Cost", anchor=False, help=metrics.definition("model_spend_usd"))
        st.altair_chart(
            charts.series_over_time(
                without_unread(
                    metrics.cost_by_period(requests, granularity), request_holes, ["cost_usd"]
                ),
                "cost_usd",
                "spend_type",
                "firebender",
                granularity,
                "USD",
                kind="bar",
                fmt="$,.2f",
                end=choice.end,
            ),
            width="stretch",
        )

# ------------------------------------------------------------------ leaderboard
if daily is not None and access.people_view("People"):
    st.subheader(
        "People",
        anchor=False,
        help="One row per person over the whole range, most accepted lines first. "
        "Active days: days with at least one agent prompt, inline edit or "
        "accepted autocomplete.",
    )
    per_person = None
    if requests is not None and not request_holes:
        # everyone's (of the team, when one is picked), or only the people shown and the top
        # spenders
        with ui.vendor_errors():
            per_person = loaders.requests_of_people(source, choice.start, choice.end, lens=lens)
    everyone = shown_people = None
    # the top people by accepted lines (of the team, on its days), summed by DuckDB
    with ui.vendor_errors():
        summed, everyone = loaders.usage_by_person(source, choice.start, choice.end, lens=lens)
        shown_people = len(summed)
    board = metrics.leaderboard(summed, None) if shown_people is not None else None
    if board is not None and per_person is not None:
        if everyone > shown_people:  # only the people shown get their requests' columns
            board = board.merge(metrics.requests_by_person(per_person), on="email", how="left")
        else:
            board = metrics.leaderboard(summed, per_person)
    if board is None:  # the people could not be read: their error is shown above
        board = metrics.leaderboard(pd.DataFrame(), None)
    if daily_holes:  # each person's totals would lack the unreadable days
        st.info(
            "Not shown: each person's totals over this range are unknown "
            f"({metrics.coverage.why_unknown(daily_holes)}). Pick a range without those days.",
            icon=":material/broken_image:",
        )
        board = board.iloc[0:0]
    if per_person is not None and len(board):
        # Over everyone, not only the people the table shows.
        spenders = board
        if everyone is not None and everyone > (shown_people or 0):
            spenders = metrics.requests_by_person(per_person)
        top = metrics.top_spenders(spenders, n=10)
        st.caption("The ten people with the highest model cost:")
        st.altair_chart(
            charts.ranking(top, "email", "cost_usd", "firebender", "Model cost (USD)", fmt="$,.2f"),
            width="stretch",
        )
    if everyone and len(board):
        if said := people_export.note(shown_people or 0, everyone):
            st.caption(said)
        # Totals over every person (of the team), summed by DuckDB: never the rows shown's sum.
        with ui.vendor_errors():
            totals = loaders.usage_totals(source, choice.start, choice.end, lens=lens)
            if said := people_export.totals_line(
                totals,
                {
                    "accepted_lines": "accepted lines",
                    "agent_prompts": "agent prompts",
                    "autocomplete_accepts": "autocomplete accepts",
                },
                everyone,
            ):
                st.caption(said)
    ui.dataframe(
        board,
        column_config={
            "email": "Person",
            "active_days": "Active days",
            "accepted_lines": st.column_config.ProgressColumn(
                "Accepted lines",
                format="%,d",
                min_value=0,
                max_value=float(board["accepted_lines"].max() or 1) if len(board) else 1.0,
                color=charts.color_of("firebender"),
                help=metrics.definition("firebender_accepted_lines"),
            ),
            "agent_accept_rate": ui.number_column(
                "Agent accept rate", "share", help=metrics.RATES["agent_accept_rate"][3]
            ),
            "autocomplete_accept_rate": ui.number_column(
                "Autocomplete accept rate",
                "share",
                help=metrics.RATES["autocomplete_accept_rate"][3],
            ),
            "cost_usd": "Model cost",
            "total_tokens": "Tokens",
        },
    )
    if everyone and len(board):  # every person, read when the CSV is asked for
        with ui.vendor_errors():
            people_export.button(
                loaders.people_export(
                    source, choice.start, choice.end, lens=lens, requests=per_person is not None
                ),
                everyone,
                "firebender",
                "people",
                choice.start,
                choice.end,
                key="firebender__people_export",
            )

ui.refresh_badges(settings)  # loads above may have learnt that a key was refused
