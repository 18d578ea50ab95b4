"""The benchmark's results as Markdown: one table per part, notes, and a table of targets."""

from __future__ import annotations

from dataclasses import dataclass

from . import cold_load, frame_build, overview_rerun, verdict_rates


@dataclass
class Target:
    what: str
    measured: str
    target: str
    margin: str  # relative to the target, positive = better than the target
    met: bool | None  # None: not applicable


def _yes(met: bool | None) -> str:
    return "n/a" if met is None else ("yes" if met else "**no**")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _x(value: float) -> str:
    return f"{value:.2f}×"


def _at_least(measured: float, target: float) -> str:
    return f"{(measured - target) / target:+.0%}"


def _at_most(measured: float, target: float) -> str:
    return f"{(target - measured) / target:+.0%}"


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return (
        ordered[len(ordered) // 2]
        if len(ordered) % 2
        else sum(ordered[len(ordered) // 2 - 1 : len(ordered) // 2 + 1]) / 2
    )


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    marks = {"l": "---", "r": "---:", "c": ":---:"}
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks[a] for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- part 1


def _names(results) -> str:
    names = [r.name for r in results]
    return ", ".join(names) if names else "none here"


def _rounds_note(results) -> list[str]:
    """Loads whose requests do not fill whole rounds of the pool: their true minimum."""
    notes = []
    for r in results:
        rounds = -(-r.requests // r.pool)
        if r.chain == 1 and r.requests > r.pool and r.requests % r.pool:
            notes.append(
                f"- {r.name}: {r.requests} independent requests in a pool of {r.pool} "
                f"take {rounds} rounds, so even a perfect load needs {rounds} × latency "
                f"= {rounds / (r.requests / r.pool):.2f}× its bound (requests ÷ pool "
                f"is a fraction, rounds are not)."
            )
    return notes


def cold_load_section(report: cold_load.ColdLoadReport) -> tuple[str, list[Target]]:
    rows, targets = [], []
    for r in report.results:
        client = _median(r.client_cpu)
        server = _median(r.server_cpu)
        cpu = f"{client * 1000:,.0f} / " + (
            f"{server * 1000:,.0f} ms" if server is not None else "? ms"
        )
        bare = r.transport_wall
        rows.append(
            [
                r.name,
                f"{r.requests}",
                f"{r.chain}",
                _ms(r.wall),
                "—" if bare is None else _ms(bare),
                _ms(r.sequential),
                _ms(r.bound),
                f"{_x(r.speedup)} ({_x(r.ideal_speedup)})",
                _x(r.over_bound),
                cpu,
                f"{r.rows:,}",
                _yes(r.speedup_met),
                _yes(r.bound_met),
            ]
        )
        targets.append(
            Target(
                f"cold load {r.name}: speed-up ≥ {cold_load.SPEEDUP_TARGET:g}×",
                _x(r.speedup),
                f"≥ {cold_load.SPEEDUP_TARGET:g}×",
                _at_least(r.speedup, cold_load.SPEEDUP_TARGET)
                if r.speedup_applies
                else f"ideal only {_x(r.ideal_speedup)}",
                r.speedup_met,
            )
        )
        targets.append(
            Target(
                f"cold load {r.name}: wall ÷ bound ≤ {cold_load.BOUND_TARGET:g}×",
                _x(r.over_bound),
                f"≤ {cold_load.BOUND_TARGET:g}×",
                _at_most(r.over_bound, cold_load.BOUND_TARGET),
                r.bound_met,
            )
        )
    pool = report.results[0].pool if report.results else "?"
    lines = [
        f"## 1. Cold load: {(report.end - report.start).days + 1} days, every endpoint, sandbox "
        f"server at {report.latency_ms:g} ms per request",
        "",
        f"Range {report.start} .. {report.end} (model requests are served from 2025-12-31, the "
        f"first day with data). Server in its own process: `{report.server_command}`. Each "
        f"figure is the median of {report.repeat} cold load(s) on fresh clients (new sessions "
        f"and connections, demo keys). Pool size {pool} (`connectors.http.MAX_WORKERS`).",
        "",
        table(
            [
                "load",
                "requests",
                "longest chain",
                "wall",
                "bare transport",
                "sequential",
                "bound",
                "speed-up (ideal)",
                "wall ÷ bound",
                "CPU client / server",
                "rows",
                f"≥ {cold_load.SPEEDUP_TARGET:g}×",
                f"≤ {cold_load.BOUND_TARGET:g}×",
            ],
            rows,
            "lrrrrrrrrrrcc",
        ),
        "",
        f"- The server's data caches were warmed first by one untimed pass of every load "
        f"({report.warm_seconds:.1f} s): the real APIs have no data-generation cost, so only "
        f"the latency ({report.latency_ms:g} ms) is left in each request."
        + (
            " The server runs through bench/sandbox_launcher.py, which only widens the "
            "sandbox's per-day data caches (model-request days are cached 160 at a time, fewer "
            "than the ~330 days of a 365-day range, so a warm-up alone could not hold them)."
            if "sandbox_launcher" in report.server_command
            else ""
        ),
        "- requests: counted in the server's own log (`GET /_sandbox/requests`, cleared between "
        "loads). sequential = requests × latency. bound = max(longest chain, requests ÷ pool) × "
        "latency; the longest chain is the most cursor pages in one model-request window (they "
        "depend on each other), 1 elsewhere. ideal = sequential ÷ bound, the speed-up of a "
        "load as fast as the bound.",
        f"- The ≥ {cold_load.SPEEDUP_TARGET:g}× speed-up target is marked n/a where even the "
        f"ideal cannot exceed it ({_names(r for r in report.results if not r.speedup_applies)}): "
        f"a load of k ≤ 4 requests is at most k× faster than sequential. The target is "
        f"meaningful for the multi-request loads and the all-at-once row.",
        *_rounds_note(report.results),
        f'- "{cold_load.ALL_AT_ONCE}": every load in its own thread, each client with its own '
        f"session and pool; its bound still divides by one pool of {pool}, as specified.",
        "- bare transport: the same requests (from the log) sent again with the same "
        "dependencies in a pool of the same size through a plain session that only reads the "
        "bodies (bench/transport_replay.py): what the network and the server cost without the "
        "connector. wall − bare transport is the connector's own time (parsing, frames, "
        "stitching). Not measured for the all-at-once row (nine pools).",
        "- CPU client / server: CPU time of this process (all threads) and of the server "
        "process during the load; every millisecond of it is on top of the latency when it "
        "falls between a response and the next request of the same worker.",
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- part 2


def frames_section(report: frame_build.FrameReport) -> tuple[str, list[Target]]:
    labels = {
        "floor": "floor: `orjson.loads` of every page",
        "ours": "ours: the connector's per-page path (`_request_pages`: orjson → "
        "`FrameBuilder.add` per page → `.frame()`)",
        "baseline": "baseline: `json.loads` per page, records concatenated, "
        "`pd.json_normalize`, `pd.to_datetime(utc=True)`",
    }
    rows = []
    for path in ("floor", "ours", "baseline"):
        memory = report.memory.get(path)
        mem_text = f"{memory['added_bytes'] / 1e6:,.0f} MB" if memory else "not measured"
        ratio = report.memory_ratio(path)
        rows.append(
            [
                labels[path],
                f"{report.best(path):.2f} s",
                ", ".join(f"{t:.2f}" for t in report.times[path]),
                _x(report.best(path) / report.best("floor")),
                _x(report.best("baseline") / report.best(path)),
                mem_text,
                "" if ratio is None else _x(ratio),
            ]
        )
    ours_memory = report.memory_ratio("ours")
    targets = [
        Target(
            "frames: ours faster than json_normalize",
            _x(report.speedup),
            f"≥ {frame_build.FASTER_THAN_BASELINE:g}×",
            _at_least(report.speedup, frame_build.FASTER_THAN_BASELINE),
            report.speedup >= frame_build.FASTER_THAN_BASELINE,
        ),
        Target(
            "frames: ours ÷ the orjson floor",
            _x(report.floor_ratio),
            f"≤ {frame_build.FLOOR_RATIO:g}×",
            _at_most(report.floor_ratio, frame_build.FLOOR_RATIO),
            report.floor_ratio <= frame_build.FLOOR_RATIO,
        ),
    ]
    if ours_memory is not None:
        targets.append(
            Target(
                "frames: ours' peak memory ÷ JSON size",
                _x(ours_memory),
                f"≤ {frame_build.MEMORY_RATIO:g}×",
                _at_most(ours_memory, frame_build.MEMORY_RATIO),
                ours_memory <= frame_build.MEMORY_RATIO,
            )
        )
    check = "equal" if not report.differences else "**DIFFERENT**: " + "; ".join(report.differences)
    s = report.ours_summary
    method = next((m["method"] for m in report.memory.values()), "")
    result_mb = report.memory.get("ours", {}).get("result_bytes", 0) / 1e6
    lines = [
        f"## 2. {report.records:,} Firebender model-request records → typed DataFrame",
        "",
        f"{report.pages:,} pages of {report.records // max(1, report.pages):,} records as the "
        f'API sends them (`{{"data": [...], "nextCursor": "..."}}` bytes), '
        f"{report.json_bytes / 1e6:,.0f} MB of JSON in all; synthetic (numpy, seeded) with the "
        f"sandbox's roster, models, prices, modes and value ranges (bench/model_pages.py). Times: "
        f"best of {report.repeat} interleaved rounds. Peak memory: each path in its own "
        f"process, the peak resident set above the resident set with the pages already loaded "
        f"({method}), against the JSON size.",
        "",
        table(
            [
                "path",
                "best",
                "runs (s)",
                "÷ floor",
                "baseline ÷ this",
                "peak memory added",
                "÷ JSON size",
            ],
            rows,
        ),
        "",
        f"- Same content, ours vs baseline: **{check}** (rows {s.get('rows', 0):,}; sums of the "
        f"five token columns, e.g. total_tokens {s.get('sum total_tokens', 0):,}; cost "
        f"{s.get('sum cost_usd', 0):,.4f} USD; first/last timestamp; rows per model; distinct "
        f"request ids).",
        f"- Ours' frame: {', '.join(f'{k} {v}' for k, v in report.dtypes.items())}; "
        f"{result_mb:,.0f} MB in memory (deep).",
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- part 3


def overview_section(report: overview_rerun.OverviewReport) -> tuple[str, list[Target]]:
    title = "## 3. Warm rerun of the Overview page (AppTest), 365 days loaded"
    if report.status != "ok":
        what = (
            "does not exist yet; this part runs once it does"
            if report.status == "missing"
            else "could not be measured"
        )
        return "\n".join([title, "", f"The Overview page {what}: {report.detail}"]), [
            Target(
                "overview: warm rerun median",
                "not measured",
                f"≤ {overview_rerun.RERUN_TARGET_MS:g} ms",
                "",
                None,
            )
        ]
    raw = report.raw
    times = report.reruns_ms
    rows = [
        [
            "first (cold) run: loads every endpoint through the in-process sandbox",
            f"{raw['cold_seconds']:.2f} s",
            "",
            "",
        ],
        [
            f"warm rerun, median of {len(times)}",
            f"{report.median_ms:,.0f} ms (min {min(times):,.0f}, max {max(times):,.0f})",
            f"≤ {overview_rerun.RERUN_TARGET_MS:g} ms",
            _yes(report.rerun_met),
        ],
        [
            "AppTest's own cost per rerun (a three-line app)",
            f"{raw['harness_seconds'] * 1000:,.1f} ms",
            "",
            "",
        ],
    ]
    granularities = [g for g in raw["charts"] if g != "default"]
    names = [c["chart"] for c in raw["charts"]["default"]]
    chart_rows = []
    for index, name in enumerate(names):
        cells = []
        for granularity in granularities:
            charts = raw["charts"][granularity]
            cells.append(f"{charts[index]['rows']:,}" if index < len(charts) else "-")
        worst = max(
            [c["rows"] for g in raw["charts"].values() for c in g[index : index + 1]], default=0
        )
        chart_rows.append([name, *cells, _yes(worst <= overview_rerun.ROWS_TARGET)])
    lines = [
        title,
        "",
        f"Demo mode ({'confirmed on the page' if raw.get('demo') else '**not confirmed**'}): "
        f"a fresh process with no key, no base URL, no .env (`APP_DOTENV=`), no secrets "
        f"(`APP_READ_SECRETS=0`, cwd and HOME an empty temporary folder). Range "
        f"{raw['start']} .. {raw['end']} from the URL's query parameters, default granularity "
        f"(week). Rerun time is `AppTest.run()` wall time.",
        "",
        table(["measure", "value", "target", "met"], rows, "lrrc"),
        "",
        "Rows of data each chart sends to the browser (its Arrow datasets plus inline "
        f"`values`), per granularity (target ≤ {overview_rerun.ROWS_TARGET:,} whatever the "
        "range):",
        "",
        table(
            ["chart", *granularities, f"≤ {overview_rerun.ROWS_TARGET:,}"],
            chart_rows,
            "l" + "r" * len(granularities) + "c",
        ),
    ]
    for granularity, problem in raw.get("granularity_errors", {}).items():
        lines += [
            "",
            f"- At granularity {granularity} the page raised: `{problem}` (not measured).",
        ]
    if raw.get("profile"):
        lines += [
            "",
            f"Where a warm rerun spends its time (sampled, untimed; "
            f"{raw['profile_samples']} samples): by line of the page; by innermost "
            f"project function; by the library that function was calling",
            "",
        ]
        lines += [f"- {share:.0%} line {line}: `{text}`" for share, line, text in raw["profile"]]
        lines += [""] + [
            f"- {share:.0%} `{name}`" for share, name in raw.get("profile_functions", [])
        ]
        lines += [""] + [
            f"- {share:.0%} {name}" for share, name in raw.get("profile_libraries", [])
        ]
    targets = [
        Target(
            "overview: warm rerun median",
            f"{report.median_ms:,.0f} ms",
            f"≤ {overview_rerun.RERUN_TARGET_MS:g} ms",
            _at_most(report.median_ms, overview_rerun.RERUN_TARGET_MS),
            report.rerun_met,
        ),
        Target(
            "overview: most rows in one chart",
            f"{report.max_rows:,}",
            f"≤ {overview_rerun.ROWS_TARGET:,}",
            _at_most(report.max_rows, overview_rerun.ROWS_TARGET),
            report.rows_met,
        ),
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- part 4


def verdict_section(results: list[verdict_rates.Rates]) -> tuple[str, list[Target]]:
    """How often the verdict says what the scenario's truth is."""
    from analytics.metrics import verdict

    by = {r.scenario: r for r in results}
    rows = []
    for granularity in verdict_rates.GRANULARITIES:
        for method in verdict.METHODS:
            key = (granularity, method)
            cells = [f"{granularity}", "**" + method + "** (app)" if method == "trend" else method]
            for scenario in ("no_link", "effect"):
                r = by[scenario]
                evidence = 1 - r.share(granularity, method, verdict.UNCLEAR)
                more = r.share(granularity, method, verdict.MORE)
                effects = sorted(e for e in r.effects[key] if e is not None)
                median = effects[len(effects) // 2] if effects else float("nan")
                cells += [
                    f"{evidence:.1%}" if scenario == "no_link" else f"{more:.1%}",
                    f"{median:+.1f}%",
                ]
            rows.append(cells)
    seeds = results[0].seeds
    lines = [
        "## 4. The overview's verdict on sandbox scenarios (known truth)",
        "",
        f"{seeds} seeds per scenario; each seed is a different organisation of the same story, "
        f"served through the connectors (in-process), 12 finished months "
        f"({verdict_rates.START} to {verdict_rates.END}) and the weeks in them. "
        "`no_link`: AI use and credits both grow (headcount, adoption, a drift in credits) "
        'with no link, so any "Evidence" is a false positive. `effect`: credits per '
        "committer rise with the day's AI share (planted: about +5.5% per 10 points). "
        "`trend` is the app's method; `changes` (first differences, Newey-West) is measured "
        "beside it.",
        "",
        table(
            [
                "granularity",
                "method",
                "no_link: says evidence (≤ 5%)",
                "no_link: median effect",
                "effect: finds more credits (≥ 90%)",
                "effect: median effect",
            ],
            rows,
            "llrrrr",
        ),
        "",
        f"Time: no_link {by['no_link'].seconds:.0f} s, effect {by['effect'].seconds:.0f} s.",
    ]
    fp = 1 - by["no_link"].share("week", "trend", verdict.UNCLEAR)
    fp_month = 1 - by["no_link"].share("month", "trend", verdict.UNCLEAR)
    found = max(by["effect"].share(g, "trend", verdict.MORE) for g in verdict_rates.GRANULARITIES)
    worst_fp = max(fp, fp_month)
    targets = [
        Target(
            "verdict: false positives on no_link (worse of week, month)",
            f"{worst_fp:.1%}",
            f"≤ {verdict_rates.FALSE_POSITIVE_TARGET:.0%}",
            _at_most(worst_fp, verdict_rates.FALSE_POSITIVE_TARGET),
            worst_fp <= verdict_rates.FALSE_POSITIVE_TARGET,
        ),
        Target(
            "verdict: planted effect found (better of week, month)",
            f"{found:.1%}",
            f"≥ {verdict_rates.DETECTION_TARGET:.0%}",
            _at_least(found, verdict_rates.DETECTION_TARGET),
            found >= verdict_rates.DETECTION_TARGET,
        ),
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- all together


def document(machine: dict, sections: list[str], targets: list[Target], header: str) -> str:
    facts = " · ".join(f"{k}: {v}" for k, v in machine.items())
    rows = [[t.what, t.measured, t.target, t.margin, _yes(t.met)] for t in targets]
    parts = [
        f"# Benchmark results\n\n{header}\n\nMachine: {facts}",
        *sections,
        "## Targets\n\nmargin: how far the measurement is on the good side of the target, "
        "as a share of the target (negative: missed).\n\n"
        + table(["target", "measured", "target", "margin", "met"], rows, "lrrrc"),
    ]
    return "\n\n".join(parts) + "\n"
