"""The Firebender page's views from DuckDB's sums equal those from raw rows: one check shared by
the organisation's sums (test_rollups) and a team's (test_team_sums)."""

from __future__ import annotations

import pandas as pd

from analytics import metrics


def assert_usage_views_equal(daily, people, raw, granularity, start, end) -> None:
    """Active users, the usage table and the acceptance rates (per period and overall) from
    `daily` (summed per day) with `people` (distinct per period) equal those from `raw`."""
    pd.testing.assert_frame_equal(
        metrics.active_users(daily, granularity, start, end, people),
        metrics.active_users(raw, granularity, start, end),
    )
    pd.testing.assert_frame_equal(
        metrics.firebender_table(daily, start, end, granularity, people),
        metrics.firebender_table(raw, start, end, granularity),
    )
    pd.testing.assert_frame_equal(
        metrics.acceptance_rates(daily, granularity, start, end),
        metrics.acceptance_rates(raw, granularity, start, end),
    )
    pd.testing.assert_frame_equal(metrics.overall_rates(daily), metrics.overall_rates(raw))
