"""Readers never lock and never see half a write: a query during a sync sees each partition as
it was before or as it is after, never a mix."""

from __future__ import annotations

import datetime as dt
import threading
import time

import sync
from connectors import endpoints
from store import Store

from .conftest import NOW, UNTIL, serve, sync_once

DAILY = sync.Target(endpoints.get("firebender.daily_usage"), "day")
REQUESTS = sync.Target(endpoints.get("firebender.model_requests"), None)
SINCE, MIDDLE = dt.date(2026, 6, 1), dt.date(2026, 6, 20)


def daily_counts(store: Store) -> dict[str, int]:
    """Rows per month partition of daily usage, failing on a repeated (date, email)."""
    frame = store.rows(DAILY.dataset.key, "day", bookkeeping=True)
    assert not frame.duplicated(subset=["date", "email"]).any()
    return frame.groupby(frame["_label"].dt.strftime("%Y-%m")).size().to_dict()


def request_counts(store: Store) -> dict[str, int]:
    """Model requests per day partition, failing on a repeated request id."""
    source = store.source(REQUESTS.dataset.key, None)
    if source is None:
        return {}
    frame = store.sql(
        "SELECT strftime(_label, '%Y-%m-%d') AS day, count(*) AS n, "
        "count(DISTINCT request_id) AS ids FROM {src} GROUP BY 1",
        src=source,
    )
    assert (frame["n"] == frame["ids"]).all()
    return dict(zip(frame["day"], frame["n"], strict=True))


def test_queries_during_a_sync_see_every_partition_either_as_before_or_as_after(tmp_path):
    store = Store(str(tmp_path / "history"))
    with serve(latency=0.01) as served:
        sync_once(store, served.url, [DAILY, REQUESTS], since=SINCE, until=MIDDLE)
        before = (daily_counts(store), request_counts(store))

        writer_store = Store(store.url)  # the sync's own handle, on a slow disk
        write = writer_store.root.write

        def slow_write(path, data):
            write(path, data)
            time.sleep(0.1)

        writer_store.root.write = slow_write
        done, failures = threading.Event(), []

        def background():
            try:
                tasks = sync.plan(writer_store, [DAILY, REQUESTS], SINCE, UNTIL, now=NOW)
                assert len(tasks) == 2  # one task each: every partition is written once
                sync_once(writer_store, served.url, [DAILY, REQUESTS], since=SINCE)
            except BaseException as err:  # reported below
                failures.append(err)
            finally:
                done.set()

        thread = threading.Thread(target=background)
        thread.start()
        seen = []
        while not done.is_set():
            seen.append((daily_counts(store), request_counts(store)))
        thread.join()
        assert failures == []
        after = (daily_counts(store), request_counts(store))

    assert before[0]["2026-06"] < after[0]["2026-06"]  # June was replaced, more days held
    assert set(after[1]) > set(before[1])  # and model requests' new days were added
    for daily, requests in seen:
        for month, count in daily.items():
            assert count in (before[0].get(month), after[0][month]), month
        for day, count in requests.items():
            assert count in (before[1].get(day), after[1][day]), day
    states = {(tuple(sorted(d.items())), tuple(sorted(r.items()))) for d, r in seen}
    assert len(states) >= 3  # reads did fall between the sync's writes
