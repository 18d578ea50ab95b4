"""`python -m bench.overview_probe JSON`: the Overview page in AppTest, in a fresh process, and
one JSON line with the results. Run by overview_rerun.py with a hermetic environment (no key, no
.env, no secrets): the app is in demo mode on its in-process sandbox.

    cold        the first run (loads 365 days through the connectors and the sandbox)
    reruns      `reruns` warm reruns, each timed (AppTest.run wall time, script + harness)
    harness     the same for a three-line app: what AppTest itself costs per rerun
    charts      per chart on the page: the rows of data sent to the browser (the chart's
                Arrow datasets plus any inline `values` in its Vega-Lite spec), at each granularity
    profile     (untimed) where the warm reruns spend their time, by line of the page
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
APP = PROJECT_DIR / "app.py"
PAGE = PROJECT_DIR / "pages" / "overview.py"
HARNESS_APP = "import streamlit as st\nst.title('x')\nst.write(1)\n"
SECTION_KEY = "overview__section"  # the tabs below the first screen (pages/overview.py)


def _walk(node):
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from _walk(child)


def _inline_rows(spec) -> int:
    """Rows given inline in a Vega-Lite spec (`"data": {"values": [...]}`, top-level datasets)."""
    rows = 0
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "values" and isinstance(value, list):
                rows += len(value)
            elif key == "datasets" and isinstance(value, dict):
                rows += sum(len(v) for v in value.values() if isinstance(v, list))
            else:
                rows += _inline_rows(value)
    elif isinstance(spec, list):
        rows += sum(_inline_rows(item) for item in spec)
    return rows


def charts(at) -> list[dict]:
    """Every Vega-Lite chart in the element tree: its title (the nearest subheader before it)
    and the rows of data it carries to the browser."""
    import pyarrow as pa

    found, heading = [], ""
    for element in _walk(at._tree):
        kind = type(element).__name__
        if kind in ("Subheader", "Header", "Title"):
            heading = getattr(element, "value", "") or heading
        if getattr(element, "type", None) not in ("vega_lite_chart", "arrow_vega_lite_chart"):
            continue
        proto = element.proto
        spec = json.loads(proto.spec) if proto.spec else {}
        arrow_rows = 0
        for dataset in proto.datasets:
            arrow_rows += pa.ipc.open_stream(dataset.data.data).read_all().num_rows
        if proto.HasField("data") and proto.data.data:
            arrow_rows += pa.ipc.open_stream(proto.data.data).read_all().num_rows
        found.append(
            {
                "chart": heading or spec.get("title") or f"chart {len(found) + 1}",
                "rows": arrow_rows + _inline_rows(spec),
                "datasets": len(proto.datasets),
            }
        )
    return found


def _app(start: dt.date, end: dt.date, granularity: str | None, timeout: float):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.query_params["start"] = start.isoformat()
    at.query_params["end"] = end.isoformat()
    if granularity:
        at.query_params["granularity"] = granularity
    return at


def _failure(at) -> str | None:
    if at.exception:
        return "; ".join(str(getattr(e, "message", e))[:300] for e in at.exception)
    return None


def _is_demo(at) -> bool:
    return any("Demo data" in str(getattr(e, "value", "")) for e in _walk(at._tree))


def probe(
    days: int = 365,
    reruns: int = 10,
    granularities=("day", "week", "month"),
    profile: bool = True,
    timeout: float = 300.0,
) -> dict:
    if not PAGE.is_file():
        return {"status": "missing", "detail": f"{PAGE.relative_to(PROJECT_DIR)} does not exist"}
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days - 1)
    st.cache_data.clear()
    out: dict = {
        "status": "ok",
        "start": start.isoformat(),
        "end": today.isoformat(),
        "reruns": reruns,
    }

    at = _app(start, today, None, timeout)
    began = time.perf_counter()
    at.run()
    out["cold_seconds"] = time.perf_counter() - began
    if _failure(at):
        return {**out, "status": "error", "detail": _failure(at)}
    out["demo"] = _is_demo(at)
    times = []
    for _ in range(reruns):
        began = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - began)
        if _failure(at):
            return {**out, "status": "error", "detail": _failure(at)}
    out["rerun_seconds"] = times
    out["charts"] = {"default": charts(at)}

    harness = AppTest.from_string(HARNESS_APP, default_timeout=timeout)
    harness.run()
    spent = []
    for _ in range(reruns):
        began = time.perf_counter()
        harness.run()
        spent.append(time.perf_counter() - began)
    out["harness_seconds"] = statistics.median(spent)

    if profile:
        from .stack_sampler import StackSampler

        with StackSampler(str(PAGE), str(PROJECT_DIR)) as sampler:
            for _ in range(max(3, reruns // 2)):
                at.run()
        out["profile"] = sampler.top(8)
        out["profile_functions"] = sampler.top_functions(8)
        out["profile_libraries"] = sampler.top_libraries(6)
        out["profile_samples"] = sampler.samples

    out["granularity_errors"] = {}
    for granularity in granularities:
        at = _app(start, today, granularity, timeout)
        at.run()
        problem = _failure(at)
        if problem:
            out["granularity_errors"][granularity] = problem
        else:
            out["charts"][granularity] = every_chart(at)
    return out


def every_chart(at) -> list[dict]:
    """The charts of every Overview tab (one is drawn at a time), each chart once: the first
    screen's are in every tab's run."""
    found = {chart["chart"]: chart for chart in charts(at)}
    for label in [tab.label for tab in at.tabs]:
        at.session_state[SECTION_KEY] = label
        at.run()
        if _failure(at):
            break
        for chart in charts(at):
            found.setdefault(chart["chart"], chart)
    return list(found.values())


def main(argv: list[str] | None = None) -> int:
    options = json.loads((argv or sys.argv[1:] or ["{}"])[0])
    try:
        result = probe(**options)
    except Exception as err:  # reported, not raised: the parent prints what went wrong
        result = {"status": "error", "detail": f"{type(err).__name__}: {err}"}
    print("BENCH-RESULT " + json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
