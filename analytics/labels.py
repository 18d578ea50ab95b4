"""What people read instead of raw names: friendly column headers and friendly values, declared
once and used by the pages, the tables and the charts. Exports keep the raw names and values.

- `column_label(column, dataset)`: a column's header ("spend_type" -> "Spend type"; Codefresh's
  `key` -> "Resource class" or "Pipeline", depending on the report).
- `value_label(column, value)`: a raw value as people say it ("byok" -> "Own key (BYOK)",
  "write" -> "Write"); values without a label (a custom agent's name, a model id) are kept.
- `relabel(frame)`: a frame's raw values replaced by their labels, for showing only.
"""

from __future__ import annotations

import pandas as pd

from .metrics.calendar import GRANULARITY_LABELS
from .metrics.definitions import METRICS

# Raw values -> labels, per column. A value not listed is shown as it is.
VALUE_LABELS: dict[str, dict[str, str]] = {
    # Firebender's spending bucket of a model request [doc]
    "spend_type": {
        "byok": "Own key (BYOK)",
        "included": "Included",
        "on-demand": "On-demand",
        "(none)": "Not given",
    },
    # Firebender's agent mode: the built-in modes [doc]; custom agents keep their own names
    "mode": {
        "write": "Write",
        "plan": "Plan",
        "ask": "Ask",
        "debug": "Debug",
        "(none)": "Not given",
    },
    # Codefresh metadata: the granularities a report accepts ("" / None: no granularity)
    "granularity": GRANULARITY_LABELS,
    "type": {"timeseries": "Time series"},
}

# What a missing value means, where it means something (Codefresh metadata: no granularity is
# the aggregated report over the whole range).
MISSING_LABELS: dict[str, str] = {"granularity": "Whole range"}

# Headers for the raw columns of the vendors' datasets (the overview's measures take theirs
# from `metrics.METRICS`). A column not listed gets "Sentence case".
COLUMN_LABELS: dict[str, str] = {
    "period": "Period",
    "period_end": "Period end",
    "complete": "Whole period",
    "ai_active_counted_from": "AI-active developers counted from",
    "date": "Day",
    "timestamp": "Time (UTC)",
    "email": "Person",
    "user_email": "Person",
    "user_id": "User id",
    "request_id": "Request id",
    "model": "Model",
    "mode": "Mode",
    "spend_type": "Spend type",
    "cost_usd": "Cost (USD)",
    "space_id": "Space id",
    "space_name": "Space",
    "total_lines": "Lines generated",
    "lines_accepted": "Accepted lines",
    "user_prompts": "Prompts",
    "credits_used": "Credits used",
    "prs_merged": "PRs merged",
    "tokens_cache_input": "Tokens, cache read",  # Builder.io's cacheInput (metrics.BUILDER_TOKENS)
    "cache_read_tokens": "Tokens, cache read",
    "last_active": "Last active (UTC)",
    "ide_opened": "IDE opened",
    "key": "Key",
    "value": "Value",
    "report_name": "Report",
    "min_date_range_interval": "Shortest range",
    "max_date_range_interval": "Longest range",
}

# What Codefresh's `key` and `value` mean in each report.
DATASET_COLUMN_LABELS: dict[str, dict[str, str]] = {
    "codefresh.credit_consumption": {"key": "Resource class", "value": "Credits"},
    "codefresh.pipeline_credit_consumption": {"key": "Pipeline", "value": "Credits"},
    "codefresh.active_committers": {"key": "Key", "value": "Active committers"},
}


def column_label(column: str, dataset: str | None = None) -> str:
    """A column's header as people read it (in `dataset`, when its meaning depends on it)."""
    specific = DATASET_COLUMN_LABELS.get(dataset or "", {})
    if column in specific:
        return specific[column]
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if column in METRICS:
        return METRICS[column].label
    return str(column).replace("_", " ").capitalize()


def value_label(column: str, value) -> str:
    """A raw value as people read it (unlisted values are kept as they are)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING_LABELS.get(column, "")
    text = str(value)
    return VALUE_LABELS.get(column, {}).get(text, text)


def labeller(column: str):
    """`value_label` for one column, for a widget's `format_func`."""
    return lambda value: value_label(column, value)


def relabel(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """`frame` with the raw values of the labelled columns (or `columns`) replaced by their
    labels, as text. Missing values stay missing unless a missing value means something
    (`MISSING_LABELS`). The frame given is not changed."""
    chosen = [
        c
        for c in (columns if columns is not None else list(VALUE_LABELS))
        if c in frame and c in VALUE_LABELS
    ]
    if not chosen:
        return frame
    out = frame.copy()
    for column in chosen:
        series = out[column]
        mapping, missing = VALUE_LABELS[column], MISSING_LABELS.get(column)
        lookup = {v: mapping.get(str(v), str(v)) for v in series.dropna().unique()}
        labelled = series.map(lookup).astype("str")  # one lookup per distinct value
        out[column] = labelled if missing is None else labelled.fillna(missing)
    return out
