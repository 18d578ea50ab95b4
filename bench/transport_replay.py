"""The bare transport of a load: the very requests a connector sent (from the server's log),
sent again with the same dependencies (a model-request window's pages one after another, every
other request on its own) through a plain session in a pool of the same size, reading each body
and nothing else. Its wall time is what the network and the server alone cost; the connector's
own time is the load's wall minus it."""

from __future__ import annotations

import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from connectors.firebender import MODEL_REQUESTS
from connectors.http import MAX_WORKERS, new_session
from connectors.sandbox import keys

HEADERS = {
    "builder": {"Authorization": f"Bearer {keys.BUILDER_ORG_KEY}"},
    "firebender": {"X-API-Key": keys.FIREBENDER_KEY},
    "codefresh": {"Authorization": keys.CODEFRESH_KEY},
}


def chains(log: list[dict]) -> list[list[dict]]:
    """Requests that depend on each other, in the order they were sent."""
    windows: dict[tuple, list[dict]] = defaultdict(list)
    alone = []
    for record in log:
        body = record.get("json")
        if record["path"] == MODEL_REQUESTS.path and isinstance(body, dict):
            windows[(body.get("startDate"), body.get("endDate"), body.get("email"))].append(record)
        else:
            alone.append([record])
    return [*windows.values(), *alone]


def replay(url: str, log: list[dict], pool: int = MAX_WORKERS) -> float:
    """Wall seconds to send `log` again, `pool` chains at a time, on a fresh session."""
    vendors = {record["vendor"] for record in log}
    sessions = {vendor: new_session(vendor) for vendor in vendors}

    def send(chain):
        for record in chain:
            params = [(name, value) for name, values in record["query"].items() for value in values]
            response = sessions[record["vendor"]].request(
                record["method"],
                url + record["path"],
                params=params or None,
                json=record["json"],
                headers=HEADERS[record["vendor"]],
                timeout=(5, 30),
            )
            _ = response.content  # read the body, parse nothing
            if response.status_code != record["status"]:
                raise AssertionError(
                    f"replay got {response.status_code} for {record['path']}, "
                    f"the load got {record['status']}"
                )

    work = chains(log)
    started = time.perf_counter()
    if len(work) == 1:
        send(work[0])
    else:
        with ThreadPoolExecutor(max_workers=min(pool, len(work))) as executor:
            list(executor.map(send, work))
    wall = time.perf_counter() - started
    for session in sessions.values():
        session.close()
    return wall
