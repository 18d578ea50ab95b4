"""What every measure means: its label, vendor, unit and definition, declared once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    column: str
    label: str
    vendor: str  # "builder", "firebender", "codefresh" or "derived"
    definition: str
    unit: str = "count"  # count | usd | credits | ratio | share
    only_monthly: bool = False


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
            "People who used an AI assistant in the period, counted from the source chosen on "
            "the Overview: Firebender active users, Builder.io users, or both added together "
            "(someone who uses both tools is then counted twice; the vendors give Builder.io "
            "users only as a count, so they cannot be matched by person).",
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
        ),
        Metric(
            "credits_per_accepted_line",
            "CI credits per accepted AI line",
            "derived",
            "CI credits / AI accepted lines, per period.",
            unit="credits",
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
    "both": "Both, added (may double-count)",
}

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
