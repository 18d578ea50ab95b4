"""What the Alerts view keeps (and so what Streamlit's cache and the server hold after the Alerts
page): the organisation's and the teams' daily series, never the rows per person or pipeline
the detector judged (at 2,000 developers they held 50 MB: bench/results-store.md). The
anomalies found per person and pipeline are still in the view's table."""

from __future__ import annotations

from analytics import alerts_report as view_of
from analytics.reader import StoreReader
from config.settings import resolve
from connectors.sandbox.teams import demo_teams_csv
from sync import on_demand as history
from teams.mapping import parse

from .conftest import open_page


def test_the_alerts_view_keeps_only_what_its_charts_draw():
    at = open_page("pages/alerts.py")  # fills the demo's store over the days the view reads
    assert not at.exception, [e.value for e in at.exception]
    settings = resolve({}, {}, {}, {})
    store = history.shelf(settings.sources["firebender"]).store
    view = view_of.view(StoreReader(store, parse(demo_teams_csv(), "teams.csv")), settings, 0.01)
    kinds = set(view.series["kind"])
    assert {"org_ai_spend_usd", "org_ci_credits", "team_ai_spend_usd", "team_ci_credits"} <= kinds
    assert not [k for k in kinds if k.startswith(("person_", "pipeline_"))], kinds
    assert set(view.series["subject"]) <= {"org", *parse(demo_teams_csv(), "t").teams}
