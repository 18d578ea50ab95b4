"""The fault suite: each vendor fault the red team found, through every data page and the
exports. For each, the page runs without a traceback, says what went wrong in a message that
names it (vendor and field, or the file), and shows no wrong number: no 0 where the truth is
unknown, no control character from a vendor, no export that fails silently.

Fast: a short range, one page run per case, the response deadline cut to 1 s for the trickle.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa
import pytest

from analytics import export
from connectors import http
from connectors.sandbox import FaultRule
from sync.__main__ import main as sync_main
from tests.app.conftest import APP, charts, every_section, open_page, today

# Control characters a vendor's text may carry: C0 but tab and newline, DEL and C1.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ZEROS = {"0", "0.0", "$0.00", "$0", "0.0%", "0%", "0 credits", "0.00"}
# Tiles whose value depends on a vendor: with that vendor's data unknown, none may read 0.
VENDOR_TILES = {
    "firebender": ("Firebender", "AI-active", "AI model spend", "Accepted AI lines", "rate"),
    "codefresh": ("CI credits", "CI spend", "Credits", "committers", "Committers"),
}
DAMAGED = "firebender.daily_usage/granularity=day/scope=org/month={month}/data.parquet"


@dataclass(frozen=True)
class Fault:
    rule: FaultRule | None
    vendor: str | None  # whose data become unknown (None: the data stay known)
    named: str | None  # what the page must say (in an error or a warning)


FAULTS = {
    "trickle": Fault(
        FaultRule("trickle", vendor="codefresh", seconds=0.05),
        "codefresh",
        "still sending its answer after 1 s",
    ),
    "dropped required field": Fault(
        FaultRule("drift_missing", vendor="firebender"), "firebender", "`agentPrompts` is missing"
    ),
    "wrong type": Fault(
        FaultRule("drift_type", vendor="firebender"), "firebender", "`agentPrompts` holds 'n/a'"
    ),
    "control characters": Fault(FaultRule("controls"), None, None),
    "huge field": Fault(FaultRule("huge_text"), None, None),
    "damaged parquet file": Fault(
        None, None, "firebender.daily_usage/granularity=day/scope=org/month=2026-10/data.parquet"
    ),
    # A read-only store (cron fills it): the damage stays, October's days are unknown.
    "damaged parquet file, read-only store": Fault(
        None, "firebender", "firebender.daily_usage/granularity=day/scope=org/month=2026-10/"
    ),
}
PAGES = {
    "overview": ("pages/overview.py", {}),
    "builder": ("pages/builder.py", {}),
    "firebender": ("pages/firebender.py", {}),
    "codefresh": ("pages/codefresh.py", {}),
    "alerts": ("pages/alerts.py", {}),
    "teams": ("pages/teams.py", {}),
    "explore requests": ("pages/explore.py", {"dataset": "firebender.model_requests"}),
    "explore credits": ("pages/explore.py", {"dataset": "codefresh.pipeline_credit_consumption"}),
}
RANGE = {"range": "last_30_days"}


def said(at) -> str:
    return " ".join(e.value for e in [*at.error, *at.warning, *at.caption, *at.info])


def shown_values(at) -> list[str]:
    """Every text a viewer reads: messages, tiles, tables' cells, charts' data."""
    found = [str(e.value) for e in [*at.error, *at.warning, *at.caption, *at.info, *at.markdown]]
    found += [f"{m.label} {m.value}" for m in at.metric]
    for table in at.dataframe:
        for column in table.value.columns:
            if table.value[column].dtype == object:
                found += [str(v) for v in table.value[column].dropna()]
    for chart in charts(at):
        for data in chart.proto.datasets:
            frame = pa.ipc.open_stream(data.data.data).read_all().to_pandas()
            for column in frame.columns:
                if frame[column].dtype == object:
                    found += [str(v) for v in frame[column].dropna()]
    return found


def prepared(name: str, live, monkeypatch, tmp_path, request=None) -> Fault:
    fault = FAULTS[name]
    make = None
    if name.endswith("read-only store"):  # makes tmp_path/history; read-only once made
        _, make = request.getfixturevalue("read_only_view")
    (tmp_path / "history").mkdir(exist_ok=True)  # with teams: the Teams page reads vendors too
    shutil.copy(APP.parent / "teams.example.csv", tmp_path / "history" / "teams.csv")
    if name == "trickle":
        monkeypatch.setattr(http, "RESPONSE_DEADLINE_SECONDS", 1.0)
    if name.startswith("damaged parquet file"):
        since = today() - dt.timedelta(days=60)
        assert sync_main(["--since", since.isoformat(), "--wait", "5"]) == 0
        month = (today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
        (tmp_path / "history" / DAMAGED.format(month=month)).write_bytes(b"PAR1 not really")
        if make is not None:
            monkeypatch.setenv("HISTORY_DIR", str(make()))
    if fault.rule is not None:
        live.add_fault(fault.rule)
    return fault


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("name", list(FAULTS))
def test_every_page_names_the_fault_and_shows_no_wrong_number(
    live, monkeypatch, tmp_path, request, name, page
):
    fault = prepared(name, live, monkeypatch, tmp_path, request)
    path, query = PAGES[page]
    at = open_page(path, query={**RANGE, **query})
    assert not at.exception, [e.value for e in at.exception]
    if fault.named and _reads(page, fault, name):  # said as the page opens
        assert fault.named in said(at), said(at)[:2000]
    # The Overview draws one tab at a time below its first screen: every tab is looked at.
    for section, shown in every_section(at) if page == "overview" else [("", at)]:
        values = shown_values(shown)
        assert not [v for v in values if CONTROL.search(v)], f"a control character {section}"
        if fault.vendor:
            words = VENDOR_TILES[fault.vendor]
            zero = [
                (m.label, m.value)
                for m in shown.metric
                if any(w in m.label for w in words) and str(m.value) in ZEROS
            ]
            assert not zero, (section, zero)


def _reads(page: str, fault: Fault, name: str) -> bool:
    """Whether the page reads the faulted vendor's data (else it has nothing to say)."""
    if name.startswith("damaged parquet file"):
        return page in ("overview", "firebender", "teams")
    reads = {
        "overview": ("firebender", "codefresh"),
        "builder": (),
        "firebender": ("firebender",),
        "codefresh": ("codefresh",),
        "alerts": (),
        "teams": ("firebender", "codefresh"),
        "explore requests": (),
        "explore credits": ("codefresh",),
    }
    return fault.vendor in reads[page]


@pytest.mark.parametrize("name", ["control characters", "huge field"])
@pytest.mark.parametrize(
    "dataset", ["firebender.model_requests", "codefresh.pipeline_credit_consumption"]
)
def test_every_export_is_made_without_control_characters_or_a_silent_failure(
    live, monkeypatch, tmp_path, downloads, name, dataset
):
    prepared(name, live, monkeypatch, tmp_path)
    at = open_page("pages/explore.py", query={**RANGE, "dataset": dataset})
    assert not at.exception, [e.value for e in at.exception]
    assert downloads, "no download offered"
    for file_name, make in downloads.items():
        fmt = file_name.rsplit(".", 1)[1]
        data = make()
        data = data if isinstance(data, bytes) else data.encode()
        back = export.read_back(data, fmt)
        assert "error" not in back.columns, (file_name, back.head(1).to_dict())
        assert len(back) > 0, file_name
        if fmt in ("csv", "xlsx"):  # opened by people and terminals (JSON, Parquet: data kept)
            cells = [str(v) for c in back.columns for v in back[c].dropna() if isinstance(v, str)]
            assert not [v for v in cells if CONTROL.search(v)], file_name
    if name == "huge field":
        csv = next(m for n, m in downloads.items() if n.endswith(".csv"))()
        back = pd.read_csv(io.BytesIO(csv if isinstance(csv, bytes) else csv.encode()))
        assert back.map(lambda v: isinstance(v, str) and len(v) > 100_000).any().any()
