"""Cross-vendor metrics, by topic. Pure pandas: frames in, frames out, no Streamlit.

- `definitions`: what each measure means (labels, units, definitions)
- `periods`:     period labels, the period index, whole and unfinished periods
- `overview`:    the joined overview table and the derived metrics
- `tiles`:       KPI tiles (latest whole period against the one before; range totals)
- `coverage`:    which days each vendor has data for (outside: empty, never 0)
- `verdict`:     the overview's answer, with its uncertainty
- `comparison`:  lagged pairs and the levels correlation (a picture)
- `vendors`:     the reshaping behind each vendor's page
- `explore`:     Explore's filters

Everything public is re-exported here, so callers write `metrics.overview_table(...)`.
"""

from connectors.base import period_floor

from . import answer_weeks, coverage, verdict
from .comparison import MIN_PAIRS, Correlation, correlation, lagged_pairs, max_lag, strength
from .coverage import Span
from .definitions import ADOPTION_MEASURES, AI_SOURCES, METRICS, Metric, definition, label
from .explore import dimension_values, filter_frame
from .overview import (
    OverviewInputs,
    builder_by_period,
    committers_by_month,
    credits_by_period,
    firebender_active,
    firebender_by_period,
    monthly_table,
    overview_table,
    spend_by_period,
)
from .periods import (
    GRANULARITIES,
    GRANULARITY_LABELS,
    NS,
    finished_periods,
    floor_periods,
    next_period,
    period_name,
    periods,
    range_name,
    snap_start,
)
from .tiles import TOTALS, Kpi, Totals, kpis, latest_complete, range_totals
from .vendors import (
    BUILDER_TOKENS,
    BUILDER_TREND,
    MAX_SPACES_CHARTED,
    RATES,
    TOKEN_KINDS,
    acceptance_rates,
    active_users,
    active_users_long,
    builder_org_table,
    builder_trend,
    builder_users_table,
    committers_table,
    cost_by_period,
    credits_by_key,
    credits_table,
    firebender_table,
    keep_top,
    leaderboard,
    long_format,
    overall_rates,
    pipeline_ranking,
    request_count,
    request_weights,
    requests_breakdown,
    requests_by_person,
    space_series,
    space_tokens,
    space_totals,
    sum_by_period,
    token_totals,
    tokens_by_period,
    tokens_per_space,
    top_n,
    top_spenders,
)
from .verdict import Verdict, headcount

__all__ = [name for name in dir() if not name.startswith("_")]
