"""Alerts kept with their state, so that the same anomaly is never sent twice.

An anomaly is an *episode*: the consecutive settled days one series (kind, subject) spends above
its usual range. Its id is fixed by where it began (kind, subject, first day), so evaluating the
same days again (each run looks back over recent settled days) finds the episode it already has;
a longer look back that finds earlier days of a kept episode grows it backwards (same id).
An open episode grows while its series stays out of range, and is resolved by the first settled
day that is back in range. A budget alert is one per (scope, measure, month).

State: "new" (found, not yet delivered on every configured channel), "notified" (delivered),
"resolved" (back in range; it was or will still be delivered: an episode found already over is
news too). Delivery is recorded per channel, so a channel that failed is retried on the next
run and a channel that succeeded is never sent the same alert again.

The table is pure data here; `sync`'s alert step reads and writes it in the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields

import pandas as pd

from . import SERIES_KINDS

CHANNELS = ("webhook", "email")
STATES = ("new", "notified", "resolved")


@dataclass(frozen=True)
class Alert:
    id: str  # stable: kind, subject and where it began
    kind: str  # a key of SERIES_KINDS (an anomaly), or "budget"
    subject: str  # "org", a person (a pseudonym when pseudonymising), a pipeline, a team
    first_day: dt.date
    last_day: dt.date  # anomaly: the last day out of range so far; budget: the projection's
    value: float  # anomaly: the peak day's value; budget: the projected month-end total
    expected: float  # anomaly: the usual value; budget: the monthly budget
    usual_low: float  # anomaly: the usual range; budget: the projection's 80% interval
    usual_high: float
    unit: str  # "USD" or "credits"
    measure: str | None = None  # budget: a key of alerts.MEASURES
    peak_day: dt.date | None = None
    link: str | None = None  # the app view that shows it (None without APP_URL)
    state: str = "new"
    resolved_on: dt.date | None = None

    @property
    def times_usual(self) -> float | None:
        if self.kind == "budget" or not self.expected or self.expected <= 0:
            return None
        return self.value / self.expected


COLUMNS = {
    "id": "string",
    "kind": "string",
    "subject": "string",
    "first_day": "datetime64[ns]",
    "last_day": "datetime64[ns]",
    "peak_day": "datetime64[ns]",
    "value": "float64",
    "expected": "float64",
    "usual_low": "float64",
    "usual_high": "float64",
    "unit": "string",
    "measure": "string",
    "link": "string",
    "found_at": "datetime64[ns, UTC]",
    "resolved_on": "datetime64[ns]",
    "notified_webhook": "datetime64[ns, UTC]",
    "notified_email": "datetime64[ns, UTC]",
    "attempts": "int64",
    "last_error": "string",
    # The idempotency key of a message being sent on the channel, written to the store before
    # it goes and cleared when its outcome is recorded: still set on the next run means a run
    # was killed between sending and recording.
    "sending_webhook": "string",
    "sending_email": "string",
}


def empty() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in COLUMNS.items()})


def typed(table: pd.DataFrame | None) -> pd.DataFrame:
    """`table` with exactly COLUMNS and their dtypes (a table from an older version gains the
    columns it lacks, empty)."""
    if table is None or table.empty:
        return empty()
    out = table.copy()
    for name, kind in COLUMNS.items():
        if name not in out:
            out[name] = pd.Series(pd.NA if kind == "string" else None, index=out.index)
        if kind.startswith("datetime64[ns, UTC]"):
            out[name] = pd.to_datetime(out[name], utc=True).astype(kind)
        elif kind.startswith("datetime64"):
            out[name] = pd.to_datetime(out[name]).astype(kind)
        elif kind == "int64":
            out[name] = out[name].fillna(0).astype(kind)
        else:
            out[name] = out[name].astype(kind)
    return out[list(COLUMNS)].reset_index(drop=True)


def anomaly_id(kind: str, subject: str, first_day) -> str:
    text = f"{kind}\x1f{subject}\x1f{pd.Timestamp(first_day).date().isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def budget_id(scope: str, measure: str, month) -> str:
    text = f"budget\x1f{scope}\x1f{measure}\x1f{pd.Timestamp(month).date().isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def unit_of(kind: str) -> str:
    return SERIES_KINDS[kind][2]


def state_of(row) -> str:
    """new, notified or resolved: resolved wins once the series is back in range."""
    if not pd.isna(row["resolved_on"]):
        return "resolved"
    if not pd.isna(row["notified_webhook"]) or not pd.isna(row["notified_email"]):
        return "notified"
    return "new"


def update(
    table: pd.DataFrame | None,
    evaluated: pd.DataFrame,
    now: dt.datetime,
    link=None,
) -> pd.DataFrame:
    """The table after `evaluated` (alerts.anomalies.evaluate: every (kind, subject, day) judged,
    with `anomalous`): open episodes grow or resolve, anomalous days outside every known episode
    begin new ones. Days judged again change nothing they already decided. `link(kind, subject,
    day)` gives a view's URL (or None)."""
    table = typed(table)
    # A day not judged (unknown value, or too little history for a baseline) decides nothing.
    known = evaluated["value"].notna()
    if "expected" in evaluated:
        known &= evaluated["expected"].notna()
    judged = evaluated[known].sort_values(["kind", "subject", "day"])
    if judged.empty:
        return table
    now_ts = pd.Timestamp(now)
    now_ts = now_ts.tz_localize("UTC") if now_ts.tzinfo is None else now_ts.tz_convert("UTC")
    anomalies = table[table["kind"] != "budget"]
    known: dict[tuple, list[int]] = {}
    for index, row in anomalies.iterrows():
        known.setdefault((row["kind"], row["subject"]), []).append(index)
    rows = table.to_dict("index")
    added: list[dict] = []
    interesting = judged.groupby(["kind", "subject"], sort=False)["anomalous"].transform("any")
    # A series with no anomalous day in the window matters only when it has an open episode.
    open_keys = {
        (r["kind"], r["subject"]) for r in rows.values() if pd.isna(r["resolved_on"])
    } & set(known)
    mask = interesting | judged.set_index(["kind", "subject"]).index.isin(open_keys)
    for (kind, subject), days in judged[mask.to_numpy()].groupby(["kind", "subject"], sort=False):
        episodes = [rows[i] for i in known.get((kind, subject), [])] + [
            r for r in added if (r["kind"], r["subject"]) == (kind, subject)
        ]
        for day in days.itertuples(index=False):
            when = pd.Timestamp(day.day)
            current = next(
                (e for e in episodes if pd.isna(e["resolved_on"]) and e["last_day"] < when),
                None,
            )
            if any(_covers(e, when) for e in episodes):
                continue
            if current is not None:
                if day.anomalous:
                    current["last_day"] = when
                    if day.value > current["value"]:
                        current.update(
                            peak_day=when,
                            value=float(day.value),
                            expected=float(day.expected),
                            usual_low=float(day.usual_low),
                            usual_high=float(day.usual_high),
                        )
                else:
                    current["resolved_on"] = when
                continue
            if not day.anomalous:
                continue
            fresh = {name: None for name in COLUMNS}
            fresh.update(
                id=anomaly_id(kind, subject, when),
                kind=kind,
                subject=subject,
                first_day=when,
                last_day=when,
                peak_day=when,
                value=float(day.value),
                expected=float(day.expected),
                usual_low=float(day.usual_low),
                usual_high=float(day.usual_high),
                unit=unit_of(kind),
                link=link(kind, subject, when.date()) if link else None,
                found_at=now_ts,
                attempts=0,
            )
            added.append(fresh)
            episodes.append(fresh)
    added = [a for a in added if not _joined(a, rows, known)]
    merged = pd.DataFrame([*rows.values(), *added], columns=list(COLUMNS))
    return typed(merged)


def _joined(fresh: dict, rows: dict, known: dict) -> bool:
    """Fold a new episode into the kept one that begins the day after it ends (judging a
    longer window than before found the kept episode's earlier days): the kept alert, which
    may have been sent already, grows backwards instead of a second alert for one event."""
    after = fresh["last_day"] + pd.Timedelta(days=1)
    for index in known.get((fresh["kind"], fresh["subject"]), []):
        kept = rows[index]
        if kept["first_day"] == after:
            kept["first_day"] = fresh["first_day"]
            if fresh["value"] > kept["value"]:
                for name in ("peak_day", "value", "expected", "usual_low", "usual_high"):
                    kept[name] = fresh[name]
            return True
    return False


def _covers(episode: dict, when: pd.Timestamp) -> bool:
    """`when` was already decided by `episode`: inside it, or its resolving day."""
    if episode["first_day"] <= when <= episode["last_day"]:
        return True
    return (
        not pd.isna(episode["resolved_on"])
        and episode["first_day"] <= when <= episode["resolved_on"]
    )


def update_budgets(table: pd.DataFrame | None, found: list[dict], now: dt.datetime) -> pd.DataFrame:
    """Budget alerts after this run's projections. `found`: one dict per (scope, measure) with a
    budget: scope, measure, month (first day), through, over (bool), expected, low, high,
    budget, unit, link. An alert is made once per (scope, measure, month) when `over`, and
    resolved when a later projection is no longer over."""
    table = typed(table)
    now_ts = pd.Timestamp(now)
    now_ts = now_ts.tz_localize("UTC") if now_ts.tzinfo is None else now_ts.tz_convert("UTC")
    by_id = {row["id"]: i for i, row in table.iterrows()}
    added = []
    for item in found:
        key = budget_id(item["scope"], item["measure"], item["month"])
        through = pd.Timestamp(item["through"])
        if key in by_id:
            i = by_id[key]
            if pd.isna(table.at[i, "resolved_on"]):
                table.at[i, "last_day"] = through
                table.at[i, "value"] = float(item["expected"])
                table.at[i, "usual_low"] = float(item["low"])
                table.at[i, "usual_high"] = float(item["high"])
                if not item["over"]:
                    table.at[i, "resolved_on"] = through
            continue
        if not item["over"]:
            continue
        fresh = {name: None for name in COLUMNS}
        fresh.update(
            id=key,
            kind="budget",
            subject=item["scope"],
            measure=item["measure"],
            first_day=pd.Timestamp(item["month"]),
            last_day=through,
            value=float(item["expected"]),
            expected=float(item["budget"]),
            usual_low=float(item["low"]),
            usual_high=float(item["high"]),
            unit=item["unit"],
            link=item.get("link"),
            found_at=now_ts,
            attempts=0,
        )
        added.append(fresh)
    if added:
        table = pd.concat([table, pd.DataFrame(added, columns=list(COLUMNS))], ignore_index=True)
    return typed(table)


def pending(table: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Alerts not yet delivered on `channel`."""
    table = typed(table)
    return table[table[f"notified_{channel}"].isna()]


def sending(table: pd.DataFrame, ids, channel: str, key: str) -> pd.DataFrame:
    """Record that the message `key` carrying `ids` is about to go on `channel`."""
    table = typed(table)
    table.loc[table["id"].isin(list(ids)), f"sending_{channel}"] = key
    return table


def interrupted(table: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Alerts a killed run was sending on `channel` (they may have arrived)."""
    table = typed(table)
    return table[table[f"notified_{channel}"].isna() & table[f"sending_{channel}"].notna()]


def delivered(
    table: pd.DataFrame, ids, channel: str, now: dt.datetime, error: str | None = None
) -> pd.DataFrame:
    """Record one delivery attempt of `ids` on `channel`: sent at `now`, or failed (`error`:
    kept for the page, retried next run)."""
    table = typed(table)
    chosen = table["id"].isin(list(ids))
    table.loc[chosen, f"sending_{channel}"] = pd.NA
    if error is None:
        table.loc[chosen, f"notified_{channel}"] = pd.Timestamp(now).tz_convert("UTC")
    else:
        table.loc[chosen, "attempts"] = table.loc[chosen, "attempts"] + 1
        table.loc[chosen, "last_error"] = f"{channel}: {error}"
    return table


def alerts(table: pd.DataFrame) -> list[Alert]:
    """The table's rows as Alert records (state derived), oldest first."""
    table = typed(table).sort_values(["first_day", "kind", "subject"])
    names = {f.name for f in fields(Alert)}
    out = []
    for _, row in table.iterrows():
        values = {
            "id": row["id"],
            "kind": row["kind"],
            "subject": row["subject"],
            "first_day": row["first_day"].date(),
            "last_day": row["last_day"].date(),
            "value": float(row["value"]),
            "expected": float(row["expected"]),
            "usual_low": float(row["usual_low"]),
            "usual_high": float(row["usual_high"]),
            "unit": row["unit"],
            "measure": None if pd.isna(row["measure"]) else row["measure"],
            "peak_day": None if pd.isna(row["peak_day"]) else row["peak_day"].date(),
            "link": None if pd.isna(row["link"]) else row["link"],
            "state": state_of(row),
            "resolved_on": None if pd.isna(row["resolved_on"]) else row["resolved_on"].date(),
        }
        out.append(Alert(**{k: v for k, v in values.items() if k in names}))
    return out
