"""What every measure means, declared once: its label, vendor, unit, definition and how it is
computed; and the facts several measures rest on (what makes a person AI-active on a day, what
an accepted AI line is, how model spend is summed). Everything else asks here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from store import rollups

# ---------------------------------------------------------------- the facts measures rest on

# A person is AI-active on a day when Firebender's daily usage shows one of these above 0 for
# them that day. Opening the IDE does not count, and neither does a model request alone (the
# Overview, Teams, alerts and the digest all count people this way).
AI_ACTIVITY_COLUMNS = rollups.AI_ACTIVITY_COLUMNS  # the SQL form is rollups.USAGE_ACTIVE
AI_ACTIVE = (
    "AI-active: a person with at least one agent prompt, inline edit or accepted autocomplete "
    "in Firebender that day (opening the IDE or a model request alone does not count)."
)
# Accepted AI lines in Firebender: lines added by accepted agent suggestions and inline edits.
ACCEPTED_LINES_COLUMNS = rollups.ACCEPTED_LINES_COLUMNS
# Model spend: Firebender model requests' `costUsd` (USD), summed; the SQL every query uses.
MODEL_SPEND_COLUMN = "cost_usd"
MODEL_SPEND_SQL = rollups.MODEL_SPEND_SQL  # the rollup model_spend is built with it


# What each column that is not a measure above holds (vendor fields, page tables' columns):
# "usd", "credits", "share" (0-1), "ratio" (a measure per person or per line), "count" or
# "average". Exports round and tables format by it; a column missing here keeps 12
# significant digits (tests/analytics/test_units.py lists every column pages and exports give).
_COUNT = [
    "accepted_lines",
    "active_days",
    "agent_accepted_lines_added",
    "agent_accepted_lines_removed",
    "agent_accepts",
    "agent_full_accepts",
    "agent_prompts",
    "autocomplete_accepted_characters_added",
    "autocomplete_accepted_characters_removed",
    "autocomplete_accepts",
    "autocomplete_shown",
    "builder_lines",
    "builder_total_lines",
    "cache_read_tokens",
    "cache_write_tokens",
    "committers",
    "design_exports",
    "events",
    "firebender_lines",
    "inline_accepted_lines_added",
    "inline_accepted_lines_removed",
    "inline_edit_accepts",
    "inline_edits",
    "input_tokens",
    "lines",
    "lines_accepted",
    "lines_added",
    "lines_removed",
    "model_requests",
    "output_tokens",
    "prs_merged",
    "requests",
    "tokens",
    "tokens_cache_input",
    "tokens_cache_write",
    "tokens_input",
    "tokens_output",
    "tokens_total",
    "total_lines",
    "total_tokens",
    "user_prompts",
    "users",
    "people",
    "ai_active",
]
_SHARE = [
    "acceptance",
    "agent_accept_rate",
    "agent_full_accept_rate",
    "ai_share",
    "autocomplete_accept_rate",
    "cost_share",
    "inline_accept_rate",
    "rate",
    "share",
]
_RATIO = [
    "ai_spend_per_1k_lines",
    "ai_spend_per_ai_developer",
    "ai_spend_per_developer",
    "ai_spend_per_person",
    "ci_spend_per_developer",
    "credits_per_person",
]
_USD = [
    "ai_spend_usd",
    "cost_usd",
    "org_ai_spend_usd",
    "person_ai_spend_usd",
    "team_ai_spend_usd",
    "usd",
]
_CREDITS = [
    "credits",
    "credits_used",
    "org_ci_credits",
    "pipeline_ci_credits",
    "team_ci_credits",
    "ci_credits",
    "value",
]
UNITS: dict[str, str] = {
    **dict.fromkeys(_COUNT, "count"),
    **dict.fromkeys(_SHARE, "share"),
    **dict.fromkeys(_RATIO, "ratio"),
    **dict.fromkeys(_USD, "usd"),
    **dict.fromkeys(_CREDITS, "credits"),
    "avg_daily_active_users": "average",
    "ci_spend_usd": "usd",
}
# Where a column's meaning depends on the dataset (Codefresh's `value`).
DATASET_UNITS: dict[str, dict[str, str]] = {"codefresh.active_committers": {"value": "count"}}


def unit(column: str, dataset: str | None = None) -> str | None:
    """What `column` holds (see UNITS), from the dataset, its measure or the table above; None
    when the registry does not say."""
    name = str(column)
    specific = DATASET_UNITS.get(dataset or "", {})
    if name in specific:
        return specific[name]
    metric = METRICS.get(name)
    if metric is not None:
        return metric.unit
    return UNITS.get(name)


def ai_active(daily: pd.DataFrame) -> pd.Series:
    """Whether each Firebender daily-usage row shows AI use (AI_ACTIVE)."""
    used = daily[list(AI_ACTIVITY_COLUMNS)].apply(pd.to_numeric, errors="coerce").fillna(0)
    return (used > 0).any(axis=1)


def accepted_lines(daily: pd.DataFrame) -> pd.Series:
    """Accepted AI lines of each Firebender daily-usage row (a missing part counts 0)."""
    parts = [pd.to_numeric(daily[c], errors="coerce").fillna(0) for c in ACCEPTED_LINES_COLUMNS]
    return parts[0] + parts[1]


@dataclass(frozen=True)
class Metric:
    column: str
    label: str
    vendor: str  # "builder", "firebender", "codefresh" or "derived"
    definition: str
    unit: str = "count"  # count | usd | credits | ratio | share
    only_monthly: bool = False
    decimals: int | None = None  # kept in exports when not the unit's (a small ratio needs 4)


METRICS: dict[str, Metric] = {
    m.column: m
    for m in (
        Metric(
            "builder_users",
            "Builder.io users",
            "builder",
            "Distinct people with Fusion activity in the period, as Builder.io counts them "
            "(organization metrics, `users`).",
        ),
        Metric(
            "builder_prompts",
            "Builder.io prompts",
            "builder",
            "Prompts people sent to Fusion in the period (`userPrompts`).",
        ),
        Metric(
            "builder_lines_accepted",
            "Builder.io accepted lines",
            "builder",
            "Lines of Fusion-generated code accepted in the period (`linesAccepted`).",
        ),
        Metric(
            "builder_acceptance",
            "Builder.io acceptance",
            "builder",
            "Accepted lines / lines generated (`linesAccepted` / `totalLines`).",
            unit="share",
        ),
        Metric(
            "firebender_active_users",
            "Firebender active users",
            "firebender",
            "Distinct people (by email) with at least one agent prompt, inline edit or accepted "
            "autocomplete on some day of the period. Opening the IDE alone does not count.",
        ),
        Metric(
            "firebender_daily_active",
            "Firebender users on an average day",
            "firebender",
            "People with AI use in Firebender (as for active users) on an average day of the "
            "period, quiet days and weekends counted as 0. Unlike a distinct count it does not "
            "saturate over a month, so it follows how much AI is used; the overview's answer "
            "relates it, per committer, to CI credits per committer.",
        ),
        Metric(
            "firebender_agent_prompts",
            "Firebender agent prompts",
            "firebender",
            "Agent prompts sent in the period (`agentPrompts`, summed over people and days).",
        ),
        Metric(
            "firebender_accepted_lines",
            "Firebender accepted lines",
            "firebender",
            "Lines added through accepted agent suggestions plus lines added through accepted "
            "inline edits (`agentAcceptedLinesAdded` + `inlineAcceptedLinesAdded`).",
        ),
        Metric(
            "firebender_autocomplete_accepts",
            "Firebender autocomplete accepts",
            "firebender",
            "Autocomplete suggestions accepted in the period (`autocompleteAccepts`).",
        ),
        Metric(
            "model_spend_usd",
            "AI model spend (USD)",
            "firebender",
            "Sum of `costUsd` over every Firebender model request in the period (all spend "
            "types: included, on-demand and bring-your-own-key). Requests are only available "
            "from 2025-12-31.",
            unit="usd",
        ),
        Metric(
            "ci_credits",
            "CI credits",
            "codefresh",
            "Codefresh credits consumed in the period, all resource classes "
            "(`creditConsumption` report, daily values summed).",
            unit="credits",
        ),
        Metric(
            "ci_spend_usd",
            "CI spend (USD)",
            "codefresh",
            "CI credits x the price per credit you set (CODEFRESH_USD_PER_CREDIT or the field on "
            "this page). Codefresh does not report money.",
            unit="usd",
        ),
        Metric(
            "active_committers",
            "Active committers",
            "codefresh",
            "Distinct people who committed in the calendar month (Codefresh `activeCommitters`, "
            "reported per month only).",
            only_monthly=True,
        ),
        Metric(
            "ai_active_developers",
            "AI-active developers",
            "derived",
            "People who used an AI assistant in the period, counted from the source chosen in "
            "the sidebar: Firebender active users, Builder.io users, or either tool, each person "
            "once (the default when both tools are connected). Builder.io gives its users only "
            "as a count, so people cannot be matched across the tools: 'either tool' is an "
            "estimate, F + B - F x B / N (F, B: each tool's people; N: the period's active "
            "committers, the months' counts averaged over its days, a running month's so far, "
            "or the larger tool's count where that is more), as if using one tool said nothing "
            "about using the other. It lies between the larger tool's count and the two added, "
            "counts nobody twice, and the answer uses the same estimate. Where it cannot be made "
            "(Codefresh's committers or Builder.io's users unknown), Firebender's active users "
            "alone are counted, a lower bound, and named so ('Firebender only').",
        ),
        Metric(
            "ai_accepted_lines",
            "AI accepted lines",
            "derived",
            "Builder.io accepted lines + Firebender accepted lines.",
        ),
        Metric(
            "ai_adoption_rate",
            "AI adoption rate",
            "derived",
            "AI-active developers in the month / active committers in the month. Monthly only, "
            "because Codefresh counts active committers per calendar month. Can exceed 100% when "
            "people use AI without committing.",
            unit="share",
            only_monthly=True,
        ),
        Metric(
            "credits_per_ai_developer",
            "CI credits per AI-active dev",  # whole, it was cut off in a tile at 1440 px
            "derived",
            "CI credits / AI-active developers, per period.",
            unit="credits",
            decimals=4,
        ),
        Metric(
            "credits_per_accepted_line",
            "CI credits per accepted AI line",
            "derived",
            "CI credits / AI accepted lines, per period.",
            unit="credits",
            decimals=4,
        ),
        Metric(
            "ai_share_of_spend",
            "AI share of spend",
            "derived",
            "AI model spend / (AI model spend + CI spend), per period.",
            unit="share",
        ),
    )
}

AI_SOURCES = {
    "firebender": "Firebender active users",
    "builder": "Builder.io users",
    "both": "Either tool, each person once",
}


def default_ai_source(sources) -> str:
    """The AI source every page (and the weekly digest) opens on, from the vendors' sources
    (vendor -> anything with `.demo`): every connected AI tool. A tool is connected when it has
    a key, or, when neither AI tool has one, both show demo data alike. Both connected: "both"
    (either tool, each person once: the answer finds more with it, bench/results-verdict.md);
    one: that one."""
    firebender = not sources["firebender"].demo
    builder = not sources["builder"].demo
    if firebender != builder:
        return "firebender" if firebender else "builder"
    return "both"


# The measures a person can put on the scatter's x axis (adoption side).
ADOPTION_MEASURES = (
    "ai_active_developers",
    "ai_accepted_lines",
    "firebender_agent_prompts",
    "builder_prompts",
    "model_spend_usd",
)


def definition(column: str) -> str:
    metric = METRICS.get(column)
    return metric.definition if metric else ""


def label(column: str) -> str:
    metric = METRICS.get(column)
    return metric.label if metric else column.replace("_", " ").capitalize()
