"""Each screen's report (`analytics/`) read through the app's reader, with what the session
keeps of it (where each vendor's data start, for every page's date picker)."""

from __future__ import annotations

from analytics import alerts_report, datasets, overview_report, teams_report
from ui import controls
from ui.loaders import READER


def overview(choice, settings, ai_source, usd_per_credit, lag=0, lens=None):
    view = overview_report.overview(READER, choice, settings, ai_source, usd_per_credit, lag, lens)
    # Every page's picker says where each vendor's data start, once a load has seen it.
    src = settings.sources
    controls.remember_starts({v: (src[v].fingerprint, d) for v, d in view.data_starts().items()})
    return view


def teams(settings, mapping, start, end, granularity, usd_per_credit):
    return teams_report.team_view(
        READER, settings, mapping, start, end, granularity, usd_per_credit
    )


def dataset(dataset, choice, settings, space=None, ai_source="firebender", usd_per_credit=None):
    return datasets.load_dataset(
        READER, dataset, choice, settings, space, ai_source, usd_per_credit
    )


def alerts(settings, usd_per_credit, judge=True):
    return alerts_report.view(READER, settings, usd_per_credit, judge)
