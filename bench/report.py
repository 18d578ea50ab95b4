"""The benchmark's results as Markdown: one table per part, notes, and a table of targets."""

from __future__ import annotations

from dataclasses import dataclass

from . import cold_load, frame_build, overview_rerun, team_verdict_rates, verdict_rates


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
            " The server runs with `--cache-days`, which only sizes the sandbox's per-day data "
            "caches to hold every day it has data for, so that one warm-up pass holds the whole "
            "range (its default caches are sized to the organisation and may hold fewer days "
            "than a 365-day range touches; `python -m bench --stock-server` runs without it)."
            if "--cache-days" in report.server_command
            else " The server runs with the sandbox's own cache sizes (`--stock-server`): days "
            "the caches could not hold during the warm-up are generated again by the timed loads."
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


def _scenario_rows(results, method: str, truth, detection: dict) -> tuple[list, list[Target]]:
    """One row per scenario: its truth, how often the answer says "Evidence" (either way) and
    "Evidence of more", the median estimate, how often the interval holds the truth, and the
    target that applies (at most 6% evidence without an effect; the detection target with)."""
    from analytics.metrics import verdict

    rows, targets = [], []
    for r in results:
        true = truth(r.scenario)
        evidence, more = r.evidence(method), r.share(method, verdict.MORE)
        effects = [e for e in r.effects[method] if e is not None]
        median = _median(effects)
        wanted = detection.get(r.scenario)
        if wanted is None and true == 0:
            target, met = f"evidence ≤ {FALSE_EVIDENCE:.0%}", evidence <= FALSE_EVIDENCE
            targets.append(
                Target(
                    f"{r.scenario}: says evidence",
                    f"{evidence:.1%}",
                    f"≤ {FALSE_EVIDENCE:.0%}",
                    _at_most(evidence, FALSE_EVIDENCE),
                    met,
                )
            )
        elif wanted is not None:
            target, met = f"found ≥ {wanted:.0%}", more >= wanted
            targets.append(
                Target(
                    f"{r.scenario}: finds the planted effect",
                    f"{more:.1%}",
                    f"≥ {wanted:.0%}",
                    _at_least(more, wanted),
                    met,
                )
            )
        else:
            target, met = "reported", None
        rows.append(
            [
                f"`{r.scenario}`",
                "—" if true != true else f"{true:+.1f}%",
                _rate(evidence, r.seeds),
                _rate(more, r.seeds),
                "—" if median is None else f"{median:+.1f}%",
                f"{r.coverage(method):.0%}" if true == true else "—",
                target,
                _yes(met),
            ]
        )
    return rows, targets


FALSE_EVIDENCE = 0.06
SCENARIO_HEADER = [
    "scenario",
    "truth (per +10 points)",
    'says "Evidence" (either way)',
    "finds more credits",
    "median estimate",
    "95% interval holds the truth",
    "target",
    "met",
]


def verdict_section(results: list[verdict_rates.Rates]) -> tuple[str, list[Target]]:
    """How often the overview's answer says what each scenario's truth is."""
    seeds = results[0].seeds
    lines = [
        "## 4. The overview's answer on sandbox scenarios (known truth)",
        "",
        f"{seeds} seeds per scenario; each seed is a different organisation of the "
        "same story, served through the connectors (in-process). The answer reads the last 52 "
        f"finished weeks ending {verdict_rates.END} (today {verdict_rates.TODAY}), weeks with a "
        "day off left out, AI use from either connected tool, each person counted once "
        "(estimated from the two tools' daily counts: the picker's 'both', every page's default "
        "when both tools are connected) or from Firebender alone (the default when it is the "
        "only AI tool connected). Rates with their 95% Wilson interval; "
        "estimates are % credits per committer per +10 points of the share; the truth is per "
        "10 points of the share the scenario plants its effect through (any tool's; "
        "Builder.io's in `builder_effect`; the mean of 2-4 weeks before in `lagged_effect`; "
        "team scenarios plant it per team: no organisation-wide truth).",
        "",
    ]
    targets = []
    for source in verdict_rates.SOURCES:
        rows, found = _scenario_rows(results, source, verdict_rates.truth, verdict_rates.DETECTION)
        label = (
            "either tool, each person counted once ('both')"
            if source == "both"
            else "Firebender only (the default when it is the only AI tool connected)"
        )
        lines += [f"### AI use from {label}", "", table(SCENARIO_HEADER, rows, "lrrrrrll"), ""]
        if source == "both":
            targets += [
                Target(f"overview: {t.what}", t.measured, t.target, t.margin, t.met) for t in found
            ]
    lines.append("Time: " + ", ".join(f"{r.scenario} {r.seconds:.0f} s" for r in results) + ".")
    return "\n".join(lines), targets


def _wilson(share: float, n: int) -> tuple[float, float]:
    """The 95% Wilson interval of a rate `share` measured over `n` seeds."""
    if not n:
        return float("nan"), float("nan")
    z = 1.959964
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * (share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5 / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _rate(share: float, n: int) -> str:
    low, high = _wilson(share, n)
    return f"{share:.1%} ({low:.0%}–{high:.0%})"


TEAM_METHOD_NAMES = {
    "week": "team + week FE, each team's trend, the wider of Driscoll-Kraay and classical errors (app)",
    "week_fe": "team + week FE, OLS (the answer before)",
}


def teams_section(results: list[team_verdict_rates.Rates]) -> tuple[str, list[Target]]:
    """How often the within-team answer says what each scenario's truth is."""
    seeds = results[0].seeds
    shapes = sorted({f"{t} teams × {n} weeks" for r in results for t, n in r.shapes})
    detection = dict.fromkeys(team_verdict_rates.EFFECTS, team_verdict_rates.DETECTION_TARGET)
    lines = [
        "## The within-team answer on sandbox scenarios (known truth)",
        "",
        f"{seeds} seeds per scenario, one process (`python -m bench --only teams`); each seed "
        "is another organisation of the same story, served through the connectors (in-process) "
        f"from {team_verdict_rates.START} to {team_verdict_rates.END} (today "
        f"{team_verdict_rates.TODAY}), read with the demo's teams mapping (teams.example.csv) by "
        "week from the range's first day and merged for privacy as the Teams page does "
        f"(PRIVACY_MIN_GROUP {team_verdict_rates.MIN_GROUP}: Internal tools, 3 people, is not "
        "shown). `team_effect` and `team_trends_effect` plant a team's CI load × (1 + 0.7 × the "
        "team's AI share that day); the others have no link between a team's AI use and its "
        "credits. Rates with their 95% Wilson interval; estimates are % credits per person per "
        "+10 points of a team's AI-active share.",
        "",
    ]
    targets = []
    for method in team_verdict_rates.METHODS:
        rows, found = _scenario_rows(results, method, team_verdict_rates.truth, detection)
        lines += [f"### {TEAM_METHOD_NAMES[method]}", "", table(SCENARIO_HEADER, rows, "lrrrrrll")]
        lines.append("")
        if method == team_verdict_rates.APP:
            targets += [
                Target(f"teams: {t.what}", t.measured, t.target, t.margin, t.met) for t in found
            ]
    lines += [
        f"Panels: {', '.join(shapes)}.",
        "",
        "Time: " + ", ".join(f"{r.scenario} {r.seconds:.0f} s" for r in results) + ".",
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- all together


def document(machine: dict, sections: list[str], targets: list[Target], header: str) -> str:
    facts = " · ".join(f"{k}: {v}" for k, v in machine.items())
    rows = [[t.what, t.measured, t.target, t.margin, _yes(t.met)] for t in targets]
    parts = [f"# Benchmark results\n\n{header}\n\nMachine: {facts}", *sections]
    if rows:
        parts.append(
            "## Targets\n\nmargin: how far the measurement is on the good side of the target, "
            "as a share of the target (negative: missed).\n\n"
            + table(["target", "measured", "target", "margin", "met"], rows, "lrrrc")
        )
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------- the store at scale


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.1f} s"


def _mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MB"


def _cells(sizes, fn, failure=None, failed_as: str | None = None) -> list[str]:
    """One cell per size: fn(size); a size whose phase failed (`failure(size)` says why) shows
    the failure (or `failed_as`), never a figure of a partial run."""
    from . import scale_store as ss

    out = []
    for size in sizes:
        why = failure(size) if failure else None
        if why:
            out.append(failed_as or ss.failed(why, 160))
            continue
        try:
            out.append(fn(size))
        except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, StopIteration):
            out.append("not measured")
    return out


FAILED_MET = "**no** (failed)"


def _next_failure(size) -> str | None:
    from . import scale_store as ss

    return ss.sync_failure(size, "next") or (
        "the first sync failed" if ss.sync_failure(size) else None
    )


def _last_met(sizes, met, failure) -> str:
    """The met cell of a target set at 2,000 developers (the last size): a failure is a no."""
    last = sizes[-1]
    if not last.developers:
        return ""
    return FAILED_MET if failure(last) else _yes(met(last))


def scale_store_section(report) -> tuple[str, list[Target]]:
    """Part: the history store at 36 and 2,000 developers (bench/scale_store.py)."""
    from . import scale_store as ss

    sizes = report.sizes
    labels = [s.label for s in sizes]
    lat = report.latency_ms
    if not sizes:
        return "## The history store at scale\n\nNothing was measured.", []
    first = sizes[0]
    title = (
        f"## The history store at scale: {report.days} days ({first.since} .. {first.until}), "
        f"{' vs '.join(labels)} developers, sandbox server at {lat:g} ms per request"
    )
    summary = [
        [
            "1. first full sync: requests",
            *_cells(
                sizes,
                lambda s: (
                    f"{ss.first(s)['requests']:,}" + (" (failed)" if ss.sync_failure(s) else "")
                ),
            ),
            "",
            "",
        ],
        [
            "1. first full sync: wall / bound (critical path) = ratio",
            *_cells(
                sizes,
                lambda s: (
                    f"{_seconds(ss.first(s)['wall'])} / {_seconds(ss.bound(s))} = "
                    f"**{_x(ss.first(s)['wall'] / ss.bound(s))}**"
                ),
                ss.sync_failure,
            ),
            f"≤ {ss.BOUND_TARGET:g}×",
            " / ".join(
                _cells(
                    sizes,
                    lambda s: _yes(ss.over_bound(s) <= ss.BOUND_TARGET),
                    ss.sync_failure,
                    FAILED_MET,
                )
            ),
        ],
        [
            "2. next day's sync: requests (÷ full reload) · wall",
            *_cells(
                sizes,
                lambda s: (
                    f"{ss.following(s)['requests']:,} "
                    f"({ss.following(s)['requests'] / ss.first(s)['requests']:.1%}) · "
                    f"{_seconds(ss.following(s)['wall'])}"
                ),
                _next_failure,
            ),
            "new day + unsettled tail only",
            " / ".join(
                _cells(sizes, lambda s: _yes(ss.next_day_met(s)), _next_failure, FAILED_MET)
            ),
        ],
        [
            "3. Overview cold (store filled, Streamlit's caches empty)",
            *_cells(sizes, lambda s: _seconds(s.overview["cold_seconds"]), ss.overview_failure),
            f"≤ {ss.COLD_TARGET_S:g} s at 2,000",
            _last_met(sizes, ss.cold_met, ss.overview_failure),
        ],
        [
            "3. Overview warm rerun (median)",
            *_cells(sizes, lambda s: _seconds(ss.warm_median(s)), ss.overview_failure),
            f"≤ {ss.WARM_TARGET_MS:g} ms at 2,000",
            _last_met(sizes, ss.warm_met, ss.overview_failure),
        ],
        [
            "3. Overview's aggregates: rows (MB) vs raw rows behind them",
            *_cells(
                sizes,
                lambda s: (
                    f"{ss.aggregate_rows(s):,} ({ss.aggregate_mb(s):,.1f} MB) vs {ss.raw_rows(s):,}"
                ),
                ss.overview_failure,
            ),
            f"grow ≤ {ss.AGGREGATE_GROWTH_TARGET:g}× from 36 to 2,000",
            _yes(ss.aggregate_growth_met(sizes)),
        ],
        [
            "4. Streamlit server's resident set after every page",
            *_cells(
                sizes, lambda s: _mb(s.browser["after_tour_rss_mb"] or None), ss.browser_failure
            ),
            f"≤ {ss.RSS_TARGET_MB:g} MB at 2,000",
            _last_met(sizes, ss.rss_met, ss.browser_failure),
        ],
        [
            f"5. {report.sessions} sessions open the Overview at once: first chart, median / worst",
            *_cells(
                sizes,
                lambda s: (
                    f"{_seconds(ss.session_median(s))} / {_seconds(max(s.browser['first_chart']))}"
                ),
                lambda s: ss.session_failure(s, report.sessions),
            ),
            "every session",
            " / ".join(
                _cells(
                    sizes,
                    lambda s: (
                        "yes" if s.browser.get("status") == "ok" and report.sessions else "n/a"
                    ),
                    lambda s: ss.session_failure(s, report.sessions),
                    FAILED_MET,
                )
            ),
        ],
        [
            f"5. Streamlit server's resident set after the {report.sessions} sessions",
            *_cells(
                sizes,
                lambda s: _mb(s.browser["after_sessions_rss_mb"] or None),
                lambda s: ss.sessions_rss_failure(s, report.sessions),
            ),
            f"≤ {ss.SESSIONS_RSS_TARGET_MB:g} MB at 2,000",
            _last_met(
                sizes, ss.sessions_rss_met, lambda s: ss.sessions_rss_failure(s, report.sessions)
            ),
        ],
        [
            "7. first chart, fresh server, read-only store ÷ a bare page (median of rounds)",
            *_cells(sizes, _first_chart_cell, ss.first_chart_failure),
            f"≤ {ss.FIRST_CHART_TARGET:g}× at 2,000",
            _last_met(sizes, ss.first_chart_met, ss.first_chart_failure),
        ],
    ]
    for path, fmt in ss.EXPORTS:
        name = "`export_file`" if path == "export_file" else "download path (`_writer`)"
        summary.append(
            [
                f"6. export {fmt.upper()}, {name}: time · peak added",
                *_cells(
                    sizes,
                    lambda s, path=path, fmt=fmt: (
                        f"{_seconds(ss.export(s, path, fmt)['seconds'])} · "
                        f"{_mb(ss.export(s, path, fmt)['added_mb'])}"
                    ),
                ),
                "",
                "",
            ]
        )
    summary.append(
        [
            "6. rows exported (the shortest trailing range with ≥ "
            f"{report.export_rows:,} model requests)",
            *_cells(
                sizes,
                lambda s: (
                    f"{s.export_range['rows']:,} ({s.export_range['start']} .. "
                    f"{s.export_range['end']})"
                ),
            ),
            "",
            "",
        ]
    )
    lines = [
        title,
        "",
        f"Each size has its own sandbox server (`python -m connectors.sandbox --latency-ms "
        f"{lat:g} --developers N --cache-days 4096`, its own process), store and app processes, "
        f"and runs in live mode with the sandbox's demo keys (every Builder space of the world in "
        f"BUILDER_SPACES). The server's data caches are warmed first by one untimed pass of every "
        f"endpoint (the real APIs have no data-generation cost). Pool "
        f"{report.pool} (`connectors.http.MAX_WORKERS`). Product measured: commit "
        f"{getattr(report, 'revision', '') or 'unknown'}.",
        "",
        table(["measure", *labels, "target", "met"], summary, "l" + "r" * len(labels) + "rc"),
        "",
        *_sync_details(report, sizes),
        *_next_day_details(sizes),
        *_overview_details(sizes),
        *_browser_details(report, sizes),
        *_export_details(report, sizes),
        *_first_chart_details(sizes),
    ]
    return "\n".join(lines), ss.targets(report)


def _first_chart_cell(s) -> str:
    from . import scale_store as ss
    from . import store_first_chart as fc

    ratio = ss.first_chart_ratio(s)
    if ratio is None:
        return "not measured"
    app, bare = (
        fc.median_of(s.first_chart, "app", "cpu"),
        fc.median_of(s.first_chart, "bare", "cpu"),
    )
    first = fc.first_after_sync(s.first_chart)
    return (
        f"**{_x(ratio)}** ({_seconds(fc.median_of(s.first_chart, 'app', 'first_chart'))} vs "
        f"{_seconds(fc.median_of(s.first_chart, 'bare', 'first_chart'))}; server CPU "
        f"{_seconds(app)} vs {_seconds(bare)})"
        + (f"; the first server after a sync (nothing kept): {_x(first)}" if first else "")
    )


def _first_chart_details(sizes) -> list[str]:
    from . import store_first_chart as fc

    measured = [s for s in sizes if s.first_chart]
    if not measured:
        return []
    lines = [
        "### 7. A viewer's first chart on the filled store against a bare page",
        "",
        "Each round a fresh `streamlit run` server, alternating a bare one-chart page and "
        "`app.py` with the live settings and the store of part 1 as HISTORY_DIR (mounted "
        "read-only: a viewer deployment, nothing fetched), each opened in a new context of one "
        "headless Chromium: from the navigation to the first chart's canvas or svg visible; "
        "server CPU: the server process's user + system seconds at that moment; browser CPU: "
        "Chromium's processes over the same time. A failed round is a failed row. The app "
        "keeps what it computes on disk (sync/kept_frames.py), in a folder empty before round "
        "1: round 1's app is the first server after a sync (\\*), later rounds read what it "
        "kept.",
        "",
    ]
    rows = []
    for s in measured:
        r = s.first_chart
        if r.get("status") != "ok":
            rows.append([s.label, "", f"{r.get('status')}: {r.get('detail')}", *[""] * 5])
            continue
        for bare, app in fc.pairs(r):
            broken = bare.get("error") or app.get("error")
            if broken:
                rows.append([s.label, str(bare["number"]), f"**FAILED**: {broken}", *[""] * 5])
                continue
            rows.append(
                [
                    s.label,
                    str(bare["number"]) + (" \\*" if app.get("cache_empty") else ""),
                    f"{_seconds(bare['first_chart'])} · {_seconds(app['first_chart'])}",
                    f"**{_x(app['first_chart'] / bare['first_chart'])}**",
                    f"{_seconds(bare['cpu'])} · {_seconds(app['cpu'])}",
                    f"{_seconds(bare['browser_cpu'])} · {_seconds(app['browser_cpu'])}",
                    f"{_seconds(bare['from_launch'])} · {_seconds(app['from_launch'])}",
                    f"{_seconds(bare['server_start'])} · {_seconds(app['server_start'])}",
                ]
            )
    lines.append(
        table(
            [
                "developers",
                "round",
                "first chart, bare · app",
                "app ÷ bare",
                "server CPU, bare · app",
                "browser CPU, bare · app",
                "from launch, bare · app",
                "server start, bare · app",
            ],
            rows,
            "lrrrrrrr",
        )
    )
    lines.append("")
    for s in measured:
        r = s.first_chart
        if r.get("status") == "ok":
            load = " / ".join(f"{x:.2f}" for x in r.get("load") or [])
            lines.append(f"- {s.label}: store {r['store']}; load average at the end {load}.")
    return [*lines, ""]


def _sync_details(report, sizes) -> list[str]:
    from . import scale_store as ss

    lat = report.latency_ms / 1000
    rows = []
    for s in sizes:
        if "first" not in s.sync:
            rows.append(
                [s.label, "not measured: " + str(s.sync.get("detail", ""))[:200]] + [""] * 7
            )
            continue
        f = s.sync["first"]
        for vendor, v in f["vendors"].items():
            bound = v["bound_rounds"] * lat
            ratio = _x(v["wall"] / bound) if bound else "—"
            if v.get("error"):
                named = v.get("failures") or [v["error"]]
                ratio = ss.failed(f"{len(named)} window(s): {'; '.join(named)}", 200)
            rows.append(
                [
                    s.label,
                    vendor,
                    f"{v['tasks']:,}",
                    f"{v['requests']:,}",
                    f"{v['partitions']:,}",
                    f"{v['bound_rounds']:,} → {_seconds(bound)}",
                    _seconds(v["wall"]),
                    ratio,
                    f"{v['serial_rounds']:,} → {_seconds(v['serial_rounds'] * lat)}",
                ]
            )
        rows.append(
            [
                s.label,
                f"**the sync** ({f.get('tasks_at_once', 1)} window(s) of a vendor at once)",
                f"{f['tasks']:,}",
                f"{f['requests']:,}",
                f"{sum(v['partitions'] for v in f['vendors'].values()):,}",
                f"{_seconds(ss.bound(s))} (slowest vendor)",
                f"**{_seconds(f['wall'])}**",
                "**FAILED**" if ss.sync_failure(s) else f"**{_x(f['wall'] / ss.bound(s))}**",
                _seconds(ss.serial(s)),
            ]
        )
    stores = []
    for s in sizes:
        if "store" not in s.sync:
            continue
        for dataset, size in s.sync["store"].items():
            stores.append(
                [
                    s.label,
                    dataset,
                    f"{size['files']:,}",
                    f"{size['bytes'] / 1e6:,.1f}",
                    f"{s.sync['rows'].get(dataset, 0):,}",
                ]
            )
    cpu = "; ".join(
        f"{s.label}: client {s.sync['first']['client_cpu']:.0f} s, server "
        f"{(s.sync['first']['server_cpu'] or 0):.0f} s of CPU in {s.sync['first']['wall']:.0f} s, "
        f"sync process peak {s.sync['first']['peak_rss_mb']:,.0f} MB"
        for s in sizes
        if "first" in s.sync
    )
    return [
        "### 1. The first full sync",
        "",
        "`sync.plan` + `sync.run` in a process of their own, exactly as `python -m sync` "
        "(Codefresh's report list first, then every catalogued dataset, every granularity it is "
        "stored by, every Builder space, the reports Codefresh offers). requests: answers "
        "counted on the clients' sessions per task (equal to the server's log).",
        "",
        table(
            [
                "developers",
                "vendor",
                "tasks",
                "requests",
                "partition files written",
                "bound: rounds → time",
                "wall",
                "wall ÷ bound",
                "tasks one after another",
            ],
            rows,
            "llrrrrrrr",
        ),
        "",
        "- bound: a task needs max(longest cursor chain, ⌈requests ÷ pool⌉) round trips; a "
        "vendor runs up to `sync.__main__.TASKS_AT_ONCE` windows at once (each committed as it "
        "arrives), so it needs max(its longest task, ⌈its tasks' rounds ÷ windows at once⌉) "
        "(+1 for Codefresh's report list, read first); the sync, its slowest vendor (vendors "
        "run side by side); × latency. A sync with a failed window has no ratio: its row says so and names the "
        "windows. "
        '"tasks one after another": the sum of a vendor\'s rounds × latency, for comparison.',
        f"- CPU: {cpu}.",
        "- planning (`sync.plan` on the empty store, before the first request): "
        + "; ".join(
            f"{s.label}: {_seconds(s.sync['first']['plan_seconds'])}"
            for s in sizes
            if "first" in s.sync
        )
        + ".",
        "",
        table(
            ["developers", "dataset", "partition files", "MB on disk", "rows"],
            stores,
            "llrrr",
        ),
        "",
    ]


def _next_day_details(sizes) -> list[str]:
    rows = []
    for s in sizes:
        if "next" not in s.sync:
            continue
        grouped: dict = {}
        for t in s.sync["next"]["per_task"]:
            key = (t["dataset"], t["granularity"] or "—")
            g = grouped.setdefault(key, [0, 0, 0, 0, set()])
            g[0] += 1
            g[1] = max(g[1], t["lacking"])
            g[2] = max(g[2], t["tail"])
            g[3] += t["requests"]
            g[4].add(f"{t['start']} .. {t['end']}")
        for (dataset, granularity), (tasks, lacking, tail, requests, spans) in grouped.items():
            rows.append(
                [
                    s.label,
                    dataset,
                    granularity,
                    f"{tasks:,}",
                    f"{lacking}",
                    f"{tail}",
                    ", ".join(sorted(spans)) if len(spans) == 1 else f"{len(spans)} ranges",
                    f"{requests:,}",
                ]
            )
        n = s.sync["next"]
        rows.append(
            [
                s.label,
                "**all**",
                "",
                f"{n['tasks']:,}",
                "",
                "",
                f"wall {_seconds(n['wall'])}, of which planning {_seconds(n['plan_seconds'])}",
                f"**{n['requests']:,}** of {s.sync['first']['requests']:,}",
            ]
        )
    return [
        "### 2. The next day's sync",
        "",
        "The store of the first sync copied, then synced with the clock one day later and "
        "`until` one day later (the sandbox serves that day). lacking / tail: periods per task "
        "never held / held but unsettled (most in any one task); requests against the full "
        "reload (the first sync).",
        "",
        table(
            [
                "developers",
                "dataset",
                "granularity",
                "tasks",
                "lacking",
                "tail",
                "days asked",
                "requests",
            ],
            rows,
            "lllrrrlr",
        ),
        "",
    ]


def _overview_details(sizes) -> list[str]:
    from . import scale_store as ss

    rows = []
    measured = [s for s in sizes if s.overview.get("status") == "ok"]
    for s in sizes:
        o = s.overview
        if o.get("status") != "ok":
            rows.append([s.label, f"not measured: {o.get('detail', '')}"[:300], "", "", ""])
            continue
        builds = [b for b in o["rerun_builds"] if b is not None]
        rows += [
            [
                s.label,
                "first view after the sync, fresh process (fills the range before: totals)",
                _seconds(s.prime.get("first_seconds")),
                f"{s.prime.get('first_requests', 0):,}",
                _seconds(s.prime.get("first_build")),
            ],
            [
                s.label,
                "first run in a fresh process (keys not yet proven: the tail fetched again)",
                _seconds(o["first_seconds"]),
                f"{o['first_requests']:,}",
                _seconds(o["first_build"]),
            ],
            [
                s.label,
                "**cold**: Streamlit's caches cleared, new session, store filled",
                f"**{_seconds(o['cold_seconds'])}**",
                f"{o['cold_requests']:,}",
                _seconds(o["cold_build"]),
            ],
            [
                s.label,
                f"**warm** rerun, median of {len(o['rerun_seconds'])} (min, max)",
                f"**{_seconds(ss.warm_median(s))}** ({_seconds(min(o['rerun_seconds']))}, "
                f"{_seconds(max(o['rerun_seconds']))})",
                f"{o['rerun_requests']:,}",
                _seconds(sorted(builds)[len(builds) // 2]) if builds else "—",
            ],
        ]
    aggregates = []
    names = []
    for s in measured:
        for item in s.overview["aggregates"]:
            if item[0] not in names:
                names.append(item[0])
    for name in names:
        cells = []
        for s in measured:
            found = [item for item in s.overview["aggregates"] if item[0] == name]
            rows_, size = sum(i[3] for i in found), sum(i[4] for i in found)
            cells.append(f"{rows_:,} ({size / 1e6:,.2f} MB)" if found else "—")
        aggregates.append([name, *cells])
    aggregates.append(
        [
            "**held by the page** (every frame its loads returned)",
            *[f"**{ss.aggregate_rows(s):,}** ({ss.aggregate_mb(s):,.2f} MB)" for s in measured],
        ]
    )
    for name in ("table", "monthly", "history"):
        aggregates.append(
            [
                f"derived: `{name}`",
                *[
                    f"{s.overview['derived'][name][0]:,} ({s.overview['derived'][name][1] / 1e6:,.2f} MB)"
                    for s in measured
                ],
            ]
        )
    raw = []
    for dataset, _ in ss.OVERVIEW_STORED:
        raw.append([dataset, *[f"{s.overview['raw'].get(dataset, 0):,}" for s in measured]])
    raw.append(["**raw rows behind the page**", *[f"**{ss.raw_rows(s):,}**" for s in measured]])
    charts = []
    for s in measured:
        for chart in s.overview.get("charts", []):
            charts.append([s.label, chart["chart"], f"{chart['rows']:,}"])
    labels = [s.label for s in measured]
    return [
        "### 3. The Overview on the filled store (AppTest, live mode)",
        "",
        f"`app.py` in AppTest (range {sizes[0].since} .. {sizes[0].until}, week), in a process of "
        "its own whose settings are the live ones (HISTORY_DIR the store of part 1). The first "
        "process views the Overview once, which syncs what the view lacks (the year before the "
        "range, for the totals) and is not timed for the targets. A second process then "
        "measures. view build: time inside `analytics.overview_report.overview` (loads from the store "
        "+ derivations).",
        "",
        table(
            ["developers", "run", "wall (AppTest.run)", "vendor requests", "view build"],
            rows,
            "llrrr",
        ),
        "",
        "What the page holds (rows, deep memory) after the cold run, per load, against the raw "
        "rows the store holds over the same days:",
        "",
        table(["aggregate", *labels], aggregates, "l" + "r" * len(labels)),
        "",
        table(["raw rows in the store", *labels], raw, "l" + "r" * len(labels)),
        "",
        table(["developers", "chart", "rows sent to the browser"], charts, "llr"),
        "",
        *_profile_notes(measured),
    ]


def _profile_notes(measured) -> list[str]:
    """Where the cold run and warm reruns spend their time, sampled (untimed)."""
    lines = []
    for s in measured:
        profile = s.overview.get("profile")
        if not profile:
            continue
        for kind in ("cold", "warm"):
            found = profile.get(kind)
            if not found or not found.get("samples"):
                continue
            functions = ", ".join(f"{share:.0%} `{name}`" for share, name in found["functions"])
            libraries = ", ".join(f"{share:.0%} {name}" for share, name in found["libraries"])
            lines.append(
                f"- {s.label}, {kind} ({found['samples']} samples): innermost project function "
                f"{functions}; the library it was in: {libraries}."
            )
    if not lines:
        return []
    return ["Where the Overview's runs spend their time (sampled, untimed):", "", *lines, ""]


def _browser_details(report, sizes) -> list[str]:
    from . import scale_store as ss

    lines = ["### 4–5. The app in Chromium: every page, then sessions at once", ""]
    skipped = [s for s in sizes if s.browser.get("status") != "ok"]
    for s in skipped:
        lines.append(f"- {s.label}: {s.browser.get('status')}: {s.browser.get('detail')}")
    measured = [s for s in sizes if s.browser.get("status") == "ok"]
    if not measured:
        return [*lines, ""]
    pages = [v["name"] for v in measured[0].browser["visits"]]
    rows = []
    for index, name in enumerate(pages):
        cells = []
        for s in measured:
            v = s.browser["visits"][index]
            text = f"{_seconds(v['seconds'])}, {v['requests']:,} req, {_mb(v['rss_mb'])}"
            if v.get("hwm_mb"):
                text += f" (peak so far {_mb(v['hwm_mb'])})"
            if v.get("store_age_s") is not None:
                text += f", store {v['store_age_s'] / 60:.0f} min old"
            cells.append(text + (f" — **{v['error'][:120]}**" if v["error"] else ""))
        rows.append([name, *cells])
    rows.append(
        [
            "**after every page**: resident (peak)",
            *[
                f"**{_mb(s.browser['after_tour_rss_mb'])}** ({_mb(s.browser['after_tour_hwm_mb'])})"
                for s in measured
            ],
        ]
    )
    rows.append(["server before any page", *[_mb(s.browser["start_rss_mb"]) for s in measured]])
    sessions = []
    for s in measured:
        b = s.browser
        first, done = sorted(b["first_chart"]), sorted(b["finished"])
        sessions.append(
            [
                s.label,
                _seconds(b.get("alone_first_chart")),
                f"{len(first)} of {report.sessions}",
                _seconds(ss.session_median(s)) if first else "—",
                _seconds(max(first)) if first else "—",
                _seconds(done[len(done) // 2]) if done else "—",
                _seconds(max(done)) if done else "—",
                _mb(b["after_sessions_rss_mb"]),
                "; ".join(b["session_errors"])[:200] or "none",
            ]
        )
    labels = [s.label for s in measured]
    growth = ""
    if len(measured) > 1:
        a, b = measured[0].browser, measured[-1].browser
        growth = (
            f"- From {measured[0].label} to {measured[-1].label} developers the server's "
            f"resident set after every page grows by "
            f"{b['after_tour_rss_mb'] - a['after_tour_rss_mb']:+,.0f} MB "
            f"({b['after_tour_rss_mb'] / max(1, a['after_tour_rss_mb']):.2f}×)."
        )
    return [
        *lines,
        "`streamlit run app.py` (file watcher off) with the live settings, one Chromium "
        "session visiting each page over the range (until the script finished and, on pages "
        "with charts, a chart is drawn); after each page: the wall time, the vendor requests it "
        "caused (syncing what it lacked, or a tail older than "
        "`sync.on_demand.TAIL_FRESH_FOR`) and the server's resident set (VmRSS). The Teams "
        "page reads a mapping (TEAMS_FILE) the bench writes: the demo's, scaled to the roster "
        "(bench/team_mapping.py): "
        + "; ".join(
            f"{s.label}: {s.teams['teams']} teams, {s.teams['people']:,} people, "
            f"{s.teams['rows']:,} rows"
            for s in measured
            if s.teams
        )
        + ".",
        "",
        table(["page", *labels], rows, "l" + "r" * len(labels)),
        "",
        growth,
        "",
        f"Then {report.sessions} new browser sessions (contexts) open the Overview together "
        "(caches warm from the tour): from navigation to the first chart visible "
        '(`[data-testid="stVegaLiteChart"]` canvas or svg) and to the end of the run.',
        "",
        table(
            [
                "developers",
                "one session alone: first chart",
                "sessions ok",
                "first chart median",
                "first chart worst",
                "run done median",
                "run done worst",
                "server after",
                "errors",
            ],
            sessions,
            "lrrrrrrrl",
        ),
        "",
        *_cpu_notes(measured),
    ]


def _cpu_notes(measured) -> list[str]:
    notes = []
    for s in measured:
        b = s.browser
        if not b.get("sessions_machine_cpu") or not b.get("sessions_wall"):
            continue
        wall, machine = b["sessions_wall"], b["sessions_machine_cpu"]
        server = b.get("sessions_server_cpu") or 0.0
        notes.append(
            f"- {s.label}: the sessions took {wall:.1f} s; the machine's processes used "
            f"{machine:.1f} CPU-seconds in that time ({machine / wall:.2f} of its cores busy on "
            f"average), the Streamlit server {server:.1f} s of them ({server / machine:.0%}); "
            f"the rest is Chromium (and whatever else ran on this shared machine)."
        )
    return [*notes, ""] if notes else []


def _export_details(report, sizes) -> list[str]:
    rows = []
    for s in sizes:
        r = s.export_range
        if r.get("status") != "ok":
            if r:
                rows.append([s.label, f"not measured: {r.get('detail')}", "", "", "", "", ""])
            continue
        for e in s.exports:
            if e.get("status") != "ok":
                rows.append([s.label, f"failed: {e.get('detail')}"[:200], "", "", "", "", ""])
                continue
            rows.append(
                [
                    s.label,
                    f"`{'export_file' if e['path'] == 'export_file' else '_writer'}` "
                    f"{e['format'].upper()}",
                    f"{r['rows']:,}",
                    _seconds(e["seconds"]),
                    f"{e['bytes'] / 1e6:,.0f} MB",
                    _mb(e["added_mb"]),
                    _mb(e["peak_mb"]),
                ]
            )
    return [
        "### 6. Explore's export of model requests",
        "",
        f"The shortest range ending {sizes[0].until} holding at least {report.export_rows:,} "
        "model requests (all of them when the store holds fewer), every column, ordered by "
        "request id, each export in a fresh process: `analytics.queries.export_file` (DuckDB "
        "`COPY` to a temporary file) and Streamlit's download path "
        "(`ui.explore_raw._writer`: the same file read back into bytes for "
        "`st.download_button`). peak added: the peak resident set (VmHWM, reset by clear_refs "
        "before the call) above the resident set just before it.",
        "",
        table(
            ["developers", "path", "rows", "time", "file", "peak added", "process peak"],
            rows,
            "llrrrrr",
        ),
        "",
    ]


def scale_section(report) -> tuple[str, list[Target]]:
    """Part: the sandbox at scale (bench/scale_sandbox.py): no targets, the figures only."""
    from . import scale_sandbox

    return scale_sandbox.markdown(report), []
