"""The Sandbox: one object answering all three vendors' APIs, with a request log and fault rules.

`handle()` routes on the path only (the vendors' paths do not collide), so one sandbox can sit
behind any host. It never sleeps or touches a socket: the SandboxResponse says what the
transport must do (`delay` before answering, `drop` the connection, and a body shorter than its
Content-Length when truncated). Both transports (adapter.py, server.py) obey it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from . import builder, codefresh, data, faults, firebender
from .faults import FaultBook, FaultRule
from .messages import Context, Reply, Request

VENDOR_MODULES = {"builder": builder, "firebender": firebender, "codefresh": codefresh}
DEFAULT_HOSTS = {
    "builder": "https://builder.io",
    "firebender": "https://api.firebender.com",
    "codefresh": "https://g.codefresh.io",
}


@dataclass(frozen=True)
class SandboxResponse:
    status: int  # 0 when dropped
    headers: dict
    body: bytes
    delay: float = 0.0  # seconds the transport waits before answering
    drop: bool = False  # the transport closes the connection without answering
    trickle: float = 0.0  # seconds between two bytes of the body (0: all at once)

    def json(self):
        return json.loads(self.body)


@dataclass(frozen=True)
class RequestRecord:
    vendor: str | None
    method: str
    path: str
    query: dict  # name -> list of values
    json: object  # the parsed JSON body, or None
    status: int | None  # None when the connection was dropped
    faults: tuple = field(default=())  # kinds of the fault rules that fired

    def as_dict(self) -> dict:
        return {
            "vendor": self.vendor,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "json": self.json,
            "status": self.status,
            "faults": list(self.faults),
        }


def vendor_of(path: str) -> str | None:
    return next((name for name, module in VENDOR_MODULES.items() if module.owns(path)), None)


class Sandbox:
    """Simulated Builder.io, Firebender and Codefresh APIs over deterministic synthetic data.

    `today` is the last day with data (default: the clock's UTC date, read per request);
    `clock` returns epoch seconds and only matters on that day (Firebender withholds requests of
    the last 10 minutes). `requests` logs every request; fault rules make answers go wrong.
    `scenario` and `seed` choose the organisation served (scenarios.py): "demo" with seed 0 is
    the demo data; another seed draws another organisation telling the same story. An unknown
    scenario is a ValueError naming the known ones. `developers` sizes the organisation (None:
    the demo's roster of 36; N: N developers with spaces and pipelines in proportion, see
    data.World), and `cache_days` sets how many days its per-day caches hold.
    """

    def __init__(
        self,
        today: date | None = None,
        clock=time.time,
        log_limit: int | None = None,
        scenario: str = "demo",
        seed: int = 0,
        developers: int | None = None,
        cache_days: int | None = None,
    ):
        self.world = data.World.get(scenario, seed, developers=developers, cache_days=cache_days)
        self._today = today
        self.clock = clock
        self.log_limit = log_limit  # keep only the newest requests (a long-running demo)
        self.requests: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._faults = FaultBook()

    @property
    def scenario(self) -> str:
        return self.world.scenario.name

    @property
    def seed(self) -> int:
        return self.world.seed

    @property
    def developers(self) -> int | None:
        """The organisation's size as asked for (None: the demo's roster of 36)."""
        return self.world.size

    @property
    def today(self) -> date:
        return self._today or datetime.fromtimestamp(self.clock(), tz=UTC).date()

    # ------------------------------------------------------------ faults and log

    def add_fault(self, rule: FaultRule) -> FaultRule:
        return self._faults.add(rule)

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> list[FaultRule]:
        return self._faults.rules()

    def clear_requests(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def request_log(self) -> list[dict]:
        with self._log_lock:
            return [record.as_dict() for record in self.requests]

    # ------------------------------------------------------------ answering

    def handle(self, method: str, url: str, headers=None, body=None) -> SandboxResponse:
        req = Request.parse(method, url, headers, body)
        vendor = vendor_of(req.path)
        rules = self._faults.fire(vendor, req.path)
        kinds = tuple(rule.kind for rule in rules)
        if "drop" in kinds:
            response = SandboxResponse(0, {}, b"", drop=True)
        else:
            response = self._answer(req, vendor, rules, kinds)
        self._record(req, vendor, None if response.drop else response.status, kinds)
        return response

    def _answer(self, req: Request, vendor, rules, kinds) -> SandboxResponse:
        failing = next((rule for rule in rules if rule.kind in faults.ERROR_KINDS), None)
        if failing:
            reply = faults.error_reply(failing, vendor)
        elif vendor is None:
            reply = Reply(404, {"error": "Not found"})
        else:
            ctx = Context(
                today=self.today,
                now_ms=int(self.clock() * 1000),
                overlap="overlap" in kinds,
                labels=tuple(kind for kind in kinds if kind in faults.LABEL_KINDS),
                world=self.world,
            )
            reply = VENDOR_MODULES[vendor].handle(req, ctx)
        body = reply.render()
        ok_json = reply.status == 200 and reply.is_json
        if ok_json and set(kinds) & set(faults.ROW_KINDS + ("repeat_cursor",)):
            payload = json.loads(body)  # a private copy: cached rows are never touched
            faults.mutate(kinds, payload, req)
            body = Reply(200, payload).render()
        headers = {
            "Content-Type": reply.content_type,
            **reply.headers,
            "Content-Length": str(len(body)),
        }
        if ok_json and "truncate" in kinds:
            body = body[: len(body) // 2]
        delay = sum(
            rule.seconds if rule.seconds is not None else faults.DEFAULT_SLOW_SECONDS
            for rule in rules
            if rule.kind == "slow"
        )
        trickle = max(
            (
                rule.seconds if rule.seconds is not None else faults.DEFAULT_TRICKLE_SECONDS
                for rule in rules
                if rule.kind == "trickle"
            ),
            default=0.0,
        )
        return SandboxResponse(reply.status, headers, body, delay=delay, trickle=trickle)

    def _record(self, req: Request, vendor, status, kinds) -> None:
        parsed = req.json(None) if req.body else None
        record = RequestRecord(
            vendor,
            req.method,
            req.path,
            {k: list(v) for k, v in req.query.items()},
            parsed,
            status,
            kinds,
        )
        with self._log_lock:
            self.requests.append(record)
            if self.log_limit is not None and len(self.requests) > self.log_limit:
                del self.requests[: len(self.requests) - self.log_limit]
