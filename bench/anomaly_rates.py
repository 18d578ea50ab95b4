"""Our anomaly detector against cursor-usage-tracker's three rules, on planted, labelled anomalies.

For each seed, the sandbox's "anomalies" scenario (connectors/sandbox/anomalies.py) serves
2026-01-01 .. 2026-11-20 through the real connectors (in-process transport): Firebender model
requests summed per email and day, Codefresh credits per pipeline and day. alerts.series builds
the daily series the app and `sync --alert` judge (each person's and each pipeline's, each demo
team's, the organisation's AI spend and CI credits). Four methods judge the same series, and the
days from SCORE_START to SCORE_END are scored:

- ours: alerts.anomalies (same weekday over 8 weeks, median and MAD, upward, a minimum size);
- fixed: a static per-day limit per kind of series (cursor-usage-tracker's "Thresholds" layer;
  its limits are off by default, so the limits here are chosen on the tuning seeds: FIXED_LIMITS);
- zscore: a subject's day more than 2.5 standard deviations above the mean of all active
  subjects of its kind that day (its "Z-Score" layer: multiplier 2.5, active users only, at least
  5 of them); a series with no population (the organisation's) is never flagged by it;
- spike: a day more than 5x the subject's own average of the previous 7 days (its "Trends"
  layer: spend spike multiplier 5.0, lookback 7 days, averaged over active days as it does).

Everything is scored identically, as alerts: consecutive flagged days of one series are one
alert (alerts.anomalies.episodes). An alert is true when it starts within a positive label's days
in one of the label's required or allowed series (the runaway's person, team and organisation;
the shifted pipeline, its team and the organisation; for an organisation-wide spike every series
of its kind that day). precision = true alerts / alerts; recall = positive labels whose required
series got an alert starting within RECALL_DAYS of the event's first day. The slow rise and the
holidays require nothing: an alert on them is false, and counted apart as well.

Our detector's constants were tuned on seeds TUNING_SEEDS (python -m bench.anomaly_rates
--tune), never on the seeds reported (0 .. N-1).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TODAY = dt.date(2026, 11, 21)  # the sandbox's today: every scored day is settled
FETCH_START = dt.date(2026, 1, 1)  # model requests exist from 2025-12-31
END = dt.date(2026, 11, 20)
SCORE_START = dt.date(2026, 4, 17)  # two weeks before the events' span; 15 weeks of history
SCORE_END = END
RECALL_DAYS = 2  # an event is found by an alert starting on its first day or the next two
PRECISION_TARGET = 0.90
RECALL_TARGET = 0.90
TUNING_SEEDS = range(1000, 1040)
METHODS = ("ours", "fixed", "zscore", "spike")
METHOD_NAMES = {
    "ours": "**ours**: same weekday, 8 weeks, median + MAD, upward, minimum size",
    "fixed": "cursor-usage-tracker thresholds: a static per-day limit per kind",
    "zscore": "cursor-usage-tracker z-score: > 2.5 σ above the day's active subjects",
    "spike": "cursor-usage-tracker spike: > 5× the subject's previous 7 days",
}
# cursor-usage-tracker's documented defaults (README "Configuration", src/lib/types.ts
# DEFAULT_CONFIG): z-score multiplier 2.5 over the team's active users, spend spike multiplier 5
# over a 7-day lookback; its z-score needs at least 5 active users that day.
Z_MULTIPLIER = 2.5
Z_MIN_ACTIVE = 5
SPIKE_MULTIPLIER = 5.0
SPIKE_LOOKBACK_DAYS = 7
# Its threshold limits default to 0 (off). A static per-day limit per kind, set as an
# administrator would from history: FIXED_MULTIPLE x the 99th percentile of that kind's daily
# values. The multiple was chosen on the tuning seeds (the best F1 of the grid FIXED_GRID).
FIXED_GRID = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)
FIXED_MULTIPLE = 2.0
# The 99th percentile of each kind's daily values over the tuning seeds' scored days (rounded).
FIXED_Q99 = {
    "person_ai_spend_usd": 2.92,
    "team_ai_spend_usd": 8.38,
    "org_ai_spend_usd": 26.1,
    "pipeline_ci_credits": 782.0,
    "team_ci_credits": 2815.0,
    "org_ci_credits": 9238.0,
}


def fixed_limits(multiple: float = FIXED_MULTIPLE, q99: dict | None = None) -> dict:
    return {kind: multiple * value for kind, value in (q99 or FIXED_Q99).items()}


# ---------------------------------------------------------------- the series, as the app gets them


def series_for(seed: int, start: dt.date = FETCH_START, end: dt.date = END, today=TODAY):
    """(series frame, labels) of one seed of the "anomalies" scenario, through the connectors."""
    from alerts import series as alert_series
    from connectors import ranges
    from connectors.sandbox import Sandbox
    from connectors.sandbox import anomalies as planted

    from .team_verdict_rates import clients, demo_mapping, requests_per_day

    sandbox = Sandbox(today=today, scenario=planted.SCENARIO, seed=seed)
    firebender, codefresh, _ = clients(sandbox)
    earliest = ranges.rules_for("firebender.model_requests").earliest
    requests = requests_per_day(firebender.model_requests(max(start, earliest), end))
    credits = codefresh.pipeline_credit_consumption(start, end, "day")
    frame = alert_series.from_frames(
        requests,
        credits,
        mapping=demo_mapping(),
        ai_span=(max(start, earliest), end),
        ci_span=(start, end),
    )
    return frame, planted.labels(sandbox.world)


# ---------------------------------------------------------------- the methods


def _flags_frame(long: pd.DataFrame, flagged: np.ndarray) -> pd.DataFrame:
    out = long[["kind", "subject", "day", "value"]].copy()
    for name in ("expected", "usual_low", "usual_high"):
        out[name] = np.nan
    out["anomalous"] = flagged
    return out


def _wide(series: pd.DataFrame, kind: str) -> pd.DataFrame:
    chosen = series[series["kind"] == kind]
    return chosen.pivot(index="day", columns="subject", values="value").sort_index()


def _long(flags: pd.DataFrame, wide: pd.DataFrame, kind: str) -> pd.DataFrame:
    stacked = wide.stack(future_stack=True).rename("value").reset_index()
    mask = flags.stack(future_stack=True).to_numpy(dtype=bool)
    stacked.insert(0, "kind", kind)
    return _flags_frame(stacked, mask)


def judge(
    series: pd.DataFrame, method: str, rules=None, limits: dict | None = None
) -> pd.DataFrame:
    """`method`'s judgement of every day of `series` from SCORE_START to SCORE_END: the
    columns of alerts.anomalies.evaluate (expected and usual range NaN for the rules)."""
    from alerts import anomalies

    if method == "ours":
        return anomalies.evaluate(series, SCORE_START, SCORE_END, rules=rules)
    first, last = pd.Timestamp(SCORE_START), pd.Timestamp(SCORE_END)
    parts = []
    for kind in series["kind"].unique():
        wide = _wide(series, kind)
        if method == "fixed":
            flags = wide > (limits or fixed_limits())[kind]
        elif method == "zscore":
            if kind.startswith("org_"):
                continue  # one subject: no population to compare with
            active = wide.where(wide > 0)
            count = active.count(axis=1)
            mean = active.mean(axis=1)
            std = active.std(axis=1, ddof=0)  # the tool's population deviation
            z = active.sub(mean, axis=0).div(std, axis=0)
            above = active.gt(mean, axis=0)
            z = z.where(std > 0, np.where(above, np.inf, 0.0))
            flags = z.gt(Z_MULTIPLIER).mul(count >= Z_MIN_ACTIVE, axis=0).astype(bool)
        elif method == "spike":
            active = wide.where(wide > 0)
            average = active.shift(1).rolling(SPIKE_LOOKBACK_DAYS, min_periods=1).mean()
            flags = (wide > 0) & (average > 0) & (wide > SPIKE_MULTIPLIER * average)
        else:
            raise ValueError(method)
        flags = flags.fillna(False).astype(bool)
        window = (wide.index >= first) & (wide.index <= last)
        parts.append(_long(flags[window], wide[window], kind))
    return pd.concat(parts, ignore_index=True) if parts else anomalies.empty()


def alerts(series: pd.DataFrame, method: str, rules=None, limits=None) -> pd.DataFrame:
    """The alerts `method` sends over the scored days: one per episode."""
    from alerts import anomalies

    return anomalies.episodes(judge(series, method, rules, limits))


# ---------------------------------------------------------------- scoring


def _matches(series: tuple, kind: str, subject: str) -> bool:
    want_kind, want_subject = series
    return want_kind in ("*", kind) and want_subject in ("*", subject)


@dataclass
class Score:
    alerts: int = 0
    true: int = 0
    found: dict = field(default_factory=dict)  # event -> [found, planted]
    on_rise: int = 0  # false alerts on the slow rise's series during its label
    on_holiday: int = 0  # false alerts starting on a holiday or the AFTER_HOLIDAY_DAYS after
    by_kind: dict = field(default_factory=dict)  # kind -> [alerts, true]
    false_examples: list = field(default_factory=list)
    missed: list = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.alerts += other.alerts
        self.true += other.true
        self.on_rise += other.on_rise
        self.on_holiday += other.on_holiday
        for event, (found, planted) in other.found.items():
            mine = self.found.setdefault(event, [0, 0])
            mine[0] += found
            mine[1] += planted
        for kind, (sent, true) in other.by_kind.items():
            mine = self.by_kind.setdefault(kind, [0, 0])
            mine[0] += sent
            mine[1] += true
        self.false_examples += other.false_examples
        self.missed += other.missed

    @property
    def precision(self) -> float:
        return self.true / self.alerts if self.alerts else float("nan")

    @property
    def recall(self) -> float:
        found = sum(f for f, _ in self.found.values())
        planted = sum(p for _, p in self.found.values())
        return found / planted if planted else float("nan")

    def recall_of(self, event: str) -> float:
        found, planted = self.found.get(event, (0, 0))
        return found / planted if planted else float("nan")

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(sent: pd.DataFrame, labels, seed: int | None = None) -> Score:
    """Score one seed's alerts against its labels."""
    from connectors.sandbox import anomalies as planted

    out = Score()
    positives = [label for label in labels if label.positive]
    for label in positives:
        name = _event_name(label)
        out.found.setdefault(name, [0, 0])[1] += 1
    for row in sent.itertuples(index=False):
        first = pd.Timestamp(row.first_day).date()
        if not SCORE_START <= first <= SCORE_END:
            continue
        out.alerts += 1
        kind_count = out.by_kind.setdefault(row.kind, [0, 0])
        kind_count[0] += 1
        true = any(
            label.first_day <= first <= label.last_day
            and any(_matches(s, row.kind, row.subject) for s in label.required + label.allowed)
            for label in positives
        )
        if true:
            out.true += 1
            kind_count[1] += 1
            continue
        if len(out.false_examples) < 200:
            out.false_examples.append((seed, row.kind, row.subject, first, float(row.value)))
        for label in labels:
            if label.event == "slow_rise" and label.first_day <= first <= label.last_day:
                out.on_rise += any(_matches(s, row.kind, row.subject) for s in label.watch)
            if label.event == "holiday":
                after = label.last_day + dt.timedelta(days=planted.AFTER_HOLIDAY_DAYS)
                out.on_holiday += label.first_day <= first <= after
    for label in positives:
        window_end = label.first_day + dt.timedelta(days=RECALL_DAYS)
        hit = any(
            label.first_day <= pd.Timestamp(row.first_day).date() <= window_end
            and any(_matches(s, row.kind, row.subject) for s in label.required)
            for row in sent.itertuples(index=False)
        )
        out.found[_event_name(label)][0] += hit
        if not hit:
            out.missed.append((seed, _event_name(label), label.subject, label.first_day))
    return out


def _event_name(label) -> str:
    if label.event != "org_spike":
        return label.event
    return "org_spike_ai" if label.required[0][0] == "org_ai_spend_usd" else "org_spike_ci"


# ---------------------------------------------------------------- one seed, many seeds


def one_seed(seed: int) -> dict:
    """{method: alerts} and "_labels", "_seconds" for one seed."""
    started = time.perf_counter()
    frame, labels = series_for(seed)
    fetched = time.perf_counter() - started
    out = {"_labels": labels, "_fetch": fetched}
    for method in METHODS:
        began = time.perf_counter()
        out[method] = alerts(frame, method)
        out[f"_{method}_seconds"] = time.perf_counter() - began
    out["_rows"] = len(frame)
    return out


@dataclass
class Result:
    seeds: int
    scores: dict = field(default_factory=dict)  # method -> Score
    seconds: float = 0.0
    fetch_seconds: float = 0.0
    judge_seconds: dict = field(default_factory=dict)  # method -> total seconds
    scored_days: int = (SCORE_END - SCORE_START).days + 1
    series_rows: int = 0
    events: dict = field(default_factory=dict)  # event -> planted count

    def false_per_30_days(self, method: str) -> float:
        s = self.scores[method]
        return (s.alerts - s.true) / (self.seeds * self.scored_days / 30)


def run(seeds: int = 40, log=print, workers: int | None = None) -> Result:
    started = time.perf_counter()
    workers = workers or max(1, min(2, os.cpu_count() or 1))
    if workers == 1:
        found = [one_seed(seed) for seed in range(seeds)]
    else:
        with ProcessPoolExecutor(workers) as pool:
            found = list(pool.map(one_seed, range(seeds)))
    result = Result(seeds)
    for seed, item in enumerate(found):
        result.fetch_seconds += item["_fetch"]
        result.series_rows += item["_rows"]
        for method in METHODS:
            result.judge_seconds[method] = (
                result.judge_seconds.get(method, 0.0) + item[f"_{method}_seconds"]
            )
            result.scores.setdefault(method, Score()).add(
                score(item[method], item["_labels"], seed)
            )
    for event, (_, planted) in result.scores["ours"].found.items():
        result.events[event] = planted
    result.seconds = time.perf_counter() - started
    log(
        f"   {seeds} seeds in {result.seconds:.0f} s; "
        + ", ".join(
            f"{m} precision {result.scores[m].precision:.2f} recall {result.scores[m].recall:.2f}"
            for m in METHODS
        )
    )
    return result


# ---------------------------------------------------------------- the report


def _share(value: float, digits: int = 2) -> str:
    return "–" if value != value else f"{value:.{digits}f}"


# Said with the results: what happened on the reported seeds before this run.
EARLIER_RUNS = (
    "Earlier runs on these seeds, said so that the tuning is in the open: the first held the "
    "organisation's AI spend to 2× like its CI credits (ours: precision 0.949, recall 0.994; "
    "22 of its 44 false alerts on the organisation's AI spend, in busy AI weeks). The ratio "
    "was then re-tuned on the tuning seeds alone, where 2.5× removed 9 of their 10 such alerts "
    "with recall unchanged; here it cost two organisation-wide AI spikes in quiet weeks "
    "(precision 0.971, recall 0.975, 826 alerts). Then an episode was made to end on a day "
    "that is above a usual of nothing by less than the minimum size (it changes which days an "
    "episode covers, and splits a few); this run is after both changes."
)


def section(result: Result):
    """(Markdown, targets) for bench/results-anomalies.md."""
    from .report import Target, _at_least, table

    events = ("runaway", "level_shift", "org_spike_ai", "org_spike_ci")
    header = [
        "method",
        "precision",
        "recall",
        "alerts sent",
        "false alerts / 30 days",
        *[f"recall: {e} ({result.events.get(e, 0)})" for e in events],
        "false on slow rise",
        "false on holidays (+7 days)",
    ]
    rows = []
    for method in METHODS:
        s = result.scores[method]
        rows.append(
            [
                METHOD_NAMES[method],
                _share(s.precision, 3),
                _share(s.recall, 3),
                f"{s.alerts:,}",
                f"{result.false_per_30_days(method):.2f}",
                *[_share(s.recall_of(e)) for e in events],
                f"{s.on_rise}",
                f"{s.on_holiday}",
            ]
        )
    ours = result.scores["ours"]
    kinds = sorted({k for s in result.scores.values() for k in s.by_kind})
    kind_rows = [
        [
            METHOD_NAMES[m].split(":")[0],
            *["{}/{}".format(*reversed(result.scores[m].by_kind.get(k, [0, 0]))) for k in kinds],
        ]
        for m in METHODS
    ]
    lines = [
        "## Anomaly alerts on planted, labelled anomalies (known truth)",
        "",
        f"{result.seeds} seeds (0 .. {result.seeds - 1}) of the sandbox's `anomalies` scenario "
        "(`python -m bench --only anomalies`): each seed is another organisation of the demo's "
        "roster with busy and quiet AI and CI weeks, and a runaway agent (one person, one day, "
        "180–400 extra agent requests), a pipeline's level shift (×4–×10 for 3–6 weeks), an "
        "organisation-wide spike (one working day, everyone's model requests or every "
        "pipeline's credits ×3–×5), and two events that are not anomalies: a slow rise (a "
        "heavy user or a big pipeline doubling over 8 weeks) and a holiday (1–5 working days "
        "as quiet as a weekend). Series through the connectors (in-process) from "
        f"{FETCH_START} to {END}: each person's and pipeline's, each demo team's and the "
        f"organisation's AI spend and CI credits ({result.series_rows / result.seeds:,.0f} "
        f"series-days a seed); alerts starting {SCORE_START} .. {SCORE_END} "
        f"({result.scored_days} days) are scored, all four methods on the same series.",
        "",
        EARLIER_RUNS,
        "",
        "An alert is an episode (consecutive flagged days of one series). Precision: alerts "
        "that start within a planted event's days in one of its required or allowed series "
        "(the person or pipeline, its team, the organisation; every series of the kind for an "
        "organisation-wide spike) / all alerts. Recall: planted events whose required series "
        f"got an alert starting within {RECALL_DAYS} days of the event's first day.",
        "",
        table(header, rows, "l" + "r" * (len(header) - 1)),
        "",
        "Alerts true/sent by kind of series:",
        "",
        table(["method", *kinds], kind_rows, "l" + "r" * len(kinds)),
        "",
        "How the rules were run: cursor-usage-tracker's documented defaults (README "
        "'Configuration', `src/lib/types.ts` DEFAULT_CONFIG) — z-score multiplier 2.5 over the "
        "day's active users (at least 5), spend spike multiplier 5.0 over a 7-day lookback "
        "averaged over active days; applied to spend and credits alike. Its static thresholds "
        "are off by default (0), so the limits here are "
        f"{FIXED_MULTIPLE:g}× the 99th percentile of each kind's daily values on the tuning "
        "seeds, the multiple with the best F1 there: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in fixed_limits().items())
        + ". The z-score has no population for the organisation's series, so it never "
        "alerts on them.",
        "",
        "Tuning: our constants (alerts/anomalies.py) and the fixed limits were chosen on seeds "
        f"{TUNING_SEEDS.start}–{TUNING_SEEDS.stop - 1} "
        "(`python -m bench.anomaly_rates --tune`), never on the seeds reported here.",
        "",
        f"Time: {result.seconds:.0f} s in all; fetching the series through the connectors "
        f"{result.fetch_seconds / result.seeds:.1f} s a seed; judging a seed's "
        f"{result.scored_days} days: "
        + ", ".join(f"{m} {result.judge_seconds[m] / result.seeds * 1000:.0f} ms" for m in METHODS)
        + ".",
    ]
    if ours.missed:
        lines += [
            "",
            "Missed by ours: "
            + "; ".join(f"seed {s} {e} {who} {day}" for s, e, who, day in ours.missed[:12])
            + ".",
        ]
    best_p = max(result.scores[m].precision for m in METHODS if m != "ours")
    best_r = max(result.scores[m].recall for m in METHODS if m != "ours")
    targets = [
        Target(
            "anomalies (ours): precision",
            f"{ours.precision:.3f}",
            f"≥ {PRECISION_TARGET:.2f}",
            _at_least(ours.precision, PRECISION_TARGET),
            ours.precision >= PRECISION_TARGET,
        ),
        Target(
            "anomalies (ours): recall",
            f"{ours.recall:.3f}",
            f"≥ {RECALL_TARGET:.2f}",
            _at_least(ours.recall, RECALL_TARGET),
            ours.recall >= RECALL_TARGET,
        ),
        Target(
            "anomalies: ours ahead of the best rule on precision",
            f"{ours.precision:.3f}",
            f"> {best_p:.3f}",
            _at_least(ours.precision, best_p),
            ours.precision > best_p,
        ),
        Target(
            "anomalies: ours ahead of the best rule on recall",
            f"{ours.recall:.3f}",
            f"> {best_r:.3f}" if best_r < 1 else "≥ 1.000",
            _at_least(ours.recall, best_r),
            ours.recall > best_r or ours.recall == 1.0,
        ),
    ]
    return "\n".join(lines), targets


# ---------------------------------------------------------------- tuning (never the reported seeds)


def tune(seeds=TUNING_SEEDS, log=print, workers: int | None = None) -> None:
    """Print precision, recall and F1 on `seeds` for a grid of our constants and of the fixed
    limits' multiple (and the 99th percentiles the fixed limits are set from)."""
    from alerts import anomalies

    workers = workers or max(1, min(2, os.cpu_count() or 1))
    with ProcessPoolExecutor(workers) as pool:
        found = list(pool.map(series_for, seeds))
    log(f"{len(found)} tuning seeds fetched")
    scored = pd.concat([frame for frame, _ in found])
    days = pd.to_datetime(scored["day"])
    window = scored[(days >= pd.Timestamp(SCORE_START)) & (days <= pd.Timestamp(SCORE_END))]
    q99 = window.groupby("kind")["value"].quantile(0.99).to_dict()
    log("99th percentiles: " + ", ".join(f"{k} {v:,.1f}" for k, v in q99.items()))

    def total(method, **kw) -> Score:
        out = Score()
        for seed, (frame, labels) in zip(seeds, found, strict=True):
            out.add(score(alerts(frame, method, **kw), labels, seed))
        return out

    for multiple in FIXED_GRID:
        s = total("fixed", limits=fixed_limits(multiple, q99))
        log(f"fixed x{multiple}: P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
    base = anomalies.RULES

    def ratios(one: float, team: float, org_ai: float, org_ci: float) -> dict:
        by_kind = {"org_ai_spend_usd": org_ai, "org_ci_credits": org_ci}
        return {
            kind: by_kind.get(kind, team if kind.startswith("team_") else one)
            for kind in base.min_ratio
        }

    grid = [
        {},
        {"usual_width": 3.0},
        {"usual_width": 4.0},
        {"usual_width": 5.0},
        {"min_ratio": ratios(2.0, 2.0, 2.0, 2.0)},
        {"min_ratio": ratios(3.0, 2.0, 2.0, 2.0)},
        {"min_ratio": ratios(3.0, 3.0, 2.0, 2.0)},
        {"min_ratio": ratios(3.0, 3.0, 2.5, 2.5)},
        {"min_ratio": ratios(3.0, 3.0, 3.0, 2.0)},
        {"min_ratio": ratios(4.0, 3.0, 2.5, 2.0)},
        {"min_ratio": ratios(3.0, 3.0, 3.0, 3.0)},
        {"min_history": 4},
        {"min_history": 6},
        {"weeks": 6},
        {"weeks": 10},
        {"min_excess": {k: v / 2 for k, v in base.min_excess.items()}},
        {"min_excess": {k: v * 2 for k, v in base.min_excess.items()}},
    ]
    for change in grid:
        s = total("ours", rules=base.but(**change))
        log(
            f"ours {change or 'as committed'}: P {s.precision:.3f} R {s.recall:.3f} "
            f"F1 {s.f1:.3f} alerts {s.alerts} rise {s.on_rise} holiday {s.on_holiday} "
            + " ".join(f"{e} {s.recall_of(e):.2f}" for e in sorted(s.found))
        )


if __name__ == "__main__":
    import sys

    if "--tune" in sys.argv[1:]:
        tune()
    else:
        print(
            "python -m bench.anomaly_rates --tune  (the report: python -m bench --only anomalies)"
        )
