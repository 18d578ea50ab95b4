"""Exports round, and tables format, by what the measures registry says a column holds
(metrics.definitions.unit), not by patterns in its name: every numeric column a vendor sends
and every column of the Overview's tables has a unit there."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from analytics import export
from analytics import overview_report as report
from analytics.choice import Choice
from analytics.reader import StoreReader
from config.settings import resolve
from connectors import endpoints
from sync import on_demand as history

from .conftest import APP, TIMEOUT, today


def test_every_numeric_field_of_every_dataset_has_a_unit():
    missing = [
        f"{d.key}.{f.column}"
        for d in endpoints.CATALOGUE.values()
        for f in d.schema
        if f.kind in ("int", "float") and export.unit(f.column, d.key) is None
    ]
    assert not missing, missing


def test_every_column_of_the_overview_tables_has_a_unit():
    at = AppTest.from_file(str(APP.parent / "pages/overview.py"), default_timeout=TIMEOUT)
    at.run()  # fills the demo's store
    settings = resolve({}, {}, {}, {})
    store = history.shelf(settings.sources["firebender"]).store
    end = today()
    choice = Choice(end - pd.Timedelta(days=89).to_pytimedelta(), end, "week", end)
    view = report.overview(StoreReader(store), choice, settings, "both", 0.01)
    for frame in (view.table, view.monthly):
        numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        assert len(numeric) > 5
        missing = [c for c in numeric if c != "complete" and export.unit(c) is None]
        assert not missing, missing


def test_a_column_the_registry_does_not_know_keeps_its_digits_instead_of_a_guess():
    assert export.unit("tokens_per_moon") is None  # no name pattern decides
    assert export.decimals("credits_per_accepted_line") == 4  # the registry's own decimals
    assert export.decimals("cost_usd") == 2 and export.decimals("agent_prompts") == 0
