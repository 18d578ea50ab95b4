"""Every dataset's columns, declared once: the JSON path each comes from and its kind.

Column names are the API's field names in snake_case; a nested object's wrapper that only groups
(`metrics`) is dropped, one that names a family (`tokens`) becomes a prefix. Kinds map to dtypes
in `frames.py`:

    int       nullable integer (Int64): counts arrive as numbers, strings or nulls
    float     float64: money and credits
    str       pandas string
    category  low-cardinality text (model, mode, spend type)
    bool      nullable boolean
    day       naive datetime64[ns] at UTC midnight, from "YYYY-MM-DD..." text
    day_ms    naive datetime64[ns] at UTC midnight, from epoch milliseconds
    instant   datetime64[ns, UTC], from ISO-8601 text
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    column: str
    kind: str
    path: tuple[str, ...]
    # Whether the vendor's own docs promise the field. A promised field missing from an answer,
    # or of another type, fails the load (frames.py) instead of becoming NA that a page sums to
    # zero; an optional one ([3p] sources, "when available") may be missing.
    optional: bool = False


def _fields(*specs: tuple[str, str, str]) -> tuple[Field, ...]:
    return tuple(Field(col, kind, tuple(path.split("."))) for col, kind, path in specs)


def optional(fields: tuple[Field, ...], *columns: str) -> tuple[Field, ...]:
    """`fields` with `columns` (all when none is named) marked optional."""
    return tuple(
        Field(f.column, f.kind, f.path, optional=not columns or f.column in columns) for f in fields
    )


_BUILDER_LINES = (
    ("lines_added", "int", "metrics.linesAdded"),
    ("lines_removed", "int", "metrics.linesRemoved"),
    ("total_lines", "int", "metrics.totalLines"),
    ("lines_accepted", "int", "metrics.linesAccepted"),
)
_BUILDER_ACTIVITY = (
    ("events", "int", "metrics.events"),
    ("users", "int", "metrics.users"),
    ("user_prompts", "int", "metrics.userPrompts"),
)
_TOKENS = tuple(
    (f"tokens_{snake}", "int", f"metrics.tokens.{camel}")
    for snake, camel in (
        ("total", "total"),
        ("input", "input"),
        ("output", "output"),
        ("cache_write", "cacheWrite"),
        ("cache_input", "cacheInput"),
    )
)

BUILDER_ORG_METRICS = _fields(("period", "day", "period"), *_BUILDER_LINES, *_BUILDER_ACTIVITY)

# One row per period x space; the period comes from the enclosing row (see builder.py).
BUILDER_ORG_SPACE_METRICS = _fields(
    ("period", "day", "period"),
    ("space_id", "str", "spaceId"),
    ("space_name", "str", "spaceName"),
    ("lines_added", "int", "linesAdded"),
    ("lines_removed", "int", "linesRemoved"),
    ("total_lines", "int", "totalLines"),
    ("lines_accepted", "int", "linesAccepted"),
)

BUILDER_SPACE_METRICS = _fields(
    ("period", "day", "period"), *_BUILDER_LINES, *_BUILDER_ACTIVITY, *_TOKENS
)

# [3p] summary of the vendor page: nothing in it is promised.
BUILDER_ORG_USERS = optional(
    _fields(
        ("user_id", "str", "userId"),
        ("user_email", "str", "userEmail"),
        ("last_active", "instant", "lastActive"),
        ("design_exports", "int", "designExports"),
        *_BUILDER_LINES,
        ("events", "int", "metrics.events"),
        ("user_prompts", "int", "metrics.userPrompts"),
        ("credits_used", "float", "metrics.creditsUsed"),
        ("prs_merged", "int", "metrics.prsMerged"),
        *_TOKENS,
    )
)

FIREBENDER_DAILY_USAGE = _fields(
    ("date", "day_ms", "date"),
    ("email", "str", "email"),
    ("ide_opened", "bool", "ideOpened"),
    ("agent_prompts", "int", "agentPrompts"),
    ("agent_accepts", "int", "agentAccepts"),
    ("agent_full_accepts", "int", "agentFullAccepts"),
    ("agent_accepted_lines_added", "int", "agentAcceptedLinesAdded"),
    ("agent_accepted_lines_removed", "int", "agentAcceptedLinesRemoved"),
    ("inline_edits", "int", "inlineEdits"),
    ("inline_edit_accepts", "int", "inlineEditAccepts"),
    ("inline_accepted_lines_added", "int", "inlineAcceptedLinesAdded"),
    ("inline_accepted_lines_removed", "int", "inlineAcceptedLinesRemoved"),
    ("autocomplete_accepts", "int", "autocompleteAccepts"),
    ("autocomplete_shown", "int", "autocompleteShown"),
    ("autocomplete_accepted_characters_added", "int", "autocompleteAcceptedCharactersAdded"),
    ("autocomplete_accepted_characters_removed", "int", "autocompleteAcceptedCharactersRemoved"),
)

# [doc] `mode` is "Agent mode when available".
FIREBENDER_MODEL_REQUESTS = optional(
    _fields(
        ("request_id", "str", "requestId"),
        ("timestamp", "instant", "timestamp"),
        ("email", "str", "email"),
        ("model", "category", "model"),
        ("input_tokens", "int", "inputTokens"),
        ("cache_read_tokens", "int", "cacheReadTokens"),
        ("output_tokens", "int", "outputTokens"),
        ("cache_write_tokens", "int", "cacheWriteTokens"),
        ("total_tokens", "int", "totalTokens"),
        ("cost_usd", "float", "costUsd"),
        ("spend_type", "category", "spendType"),
        ("mode", "category", "mode"),
    ),
    "mode",
)

# Codefresh rows are {key, time, value}; any other field is kept as an extra column.
CODEFRESH_REPORT = _fields(
    ("key", "str", "key"),
    ("period", "day", "time"),
    ("value", "float", "value"),
)

# [3p] a connector's schema of a live response: only the report's name is relied on.
CODEFRESH_METADATA = optional(
    _fields(
        ("report_name", "str", "reportName"),
        ("type", "str", "type"),
        ("description", "str", "description"),
        ("granularity", "str", "granularity"),
        ("min_date_range_interval", "str", "minDateRangeInterval"),
        ("max_date_range_interval", "str", "maxDateRangeInterval"),
    ),
    "type",
    "description",
    "granularity",
    "min_date_range_interval",
    "max_date_range_interval",
)
