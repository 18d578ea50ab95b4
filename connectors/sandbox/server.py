"""The sandbox as a real HTTP server on loopback, for browser tests and benchmarks.

Vendor routes go to `Sandbox.handle`; these admin routes do not (and are not logged):

    POST   /_sandbox/faults    JSON list of FaultRule fields (or one object): add rules
    DELETE /_sandbox/faults    clear the rules
    GET    /_sandbox/faults    the rules, as JSON
    GET    /_sandbox/requests  the request log, as JSON
    GET    /_sandbox/scenario  the organisation served: {"scenario", "seed", "developers" (as
                               asked; null: the demo's roster), "headcount", "spaces",
                               "pipelines", "trueEffect"}
    DELETE /_sandbox/requests  clear the log
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .core import Sandbox
from .faults import FaultRule

ADMIN_PREFIX = "/_sandbox/"


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, sandbox: Sandbox, latency: float = 0.0):
        self.sandbox = sandbox
        self.latency = latency
        super().__init__(address, SandboxHandler)

    def handle_error(self, request, client_address):
        """Clients that hang up (timeouts, dropped connections) are expected here: stay quiet."""


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: do not wait for ACKs
    timeout = 60  # idle keep-alive connections are closed after this many seconds
    server: SandboxServer

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        """Silence the per-request stderr line."""

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def _dispatch(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith(ADMIN_PREFIX):
            self._admin(body)
            return
        if self.server.latency:
            time.sleep(self.server.latency)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        answer = self.server.sandbox.handle(
            self.command, f"http://{host}{self.path}", dict(self.headers.items()), body
        )
        if answer.delay:
            time.sleep(answer.delay)
        if answer.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        truncated = len(answer.body) < int(answer.headers.get("Content-Length", len(answer.body)))
        if truncated:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                if answer.trickle:
                    self.wfile.flush()
                    for index in range(len(answer.body)):
                        self.wfile.write(answer.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(answer.trickle)
                else:
                    self.wfile.write(answer.body)

    def _admin(self, body: bytes):
        sandbox, route = self.server.sandbox, (self.command, self.path.split("?")[0])
        if route == ("POST", "/_sandbox/faults"):
            try:
                raw = json.loads(body or b"[]")
                added = [
                    sandbox.add_fault(FaultRule.from_dict(item))
                    for item in (raw if isinstance(raw, list) else [raw])
                ]
            except (ValueError, TypeError) as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(200, {"added": [rule.to_dict() for rule in added]})
        elif route == ("DELETE", "/_sandbox/faults"):
            sandbox.clear_faults()
            self._json(200, {"cleared": True})
        elif route == ("GET", "/_sandbox/faults"):
            self._json(200, {"faults": [rule.to_dict() for rule in sandbox.faults]})
        elif route == ("GET", "/_sandbox/scenario"):
            world = sandbox.world
            self._json(
                200,
                {
                    "scenario": sandbox.scenario,
                    "seed": sandbox.seed,
                    "developers": sandbox.developers,
                    "headcount": len(world.developers),
                    "spaces": len(world.spaces),
                    "pipelines": len(world.pipelines),
                    "trueEffect": world.true_effect,
                },
            )
        elif route == ("GET", "/_sandbox/requests"):
            self._json(200, {"requests": sandbox.request_log()})
        elif route == ("DELETE", "/_sandbox/requests"):
            sandbox.clear_requests()
            self._json(200, {"cleared": True})
        else:
            self._json(404, {"error": "Unknown sandbox admin route"})

    def _json(self, status: int, payload) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def running_server(
    sandbox: Sandbox | None = None, latency: float = 0.0, host: str = "127.0.0.1", port: int = 0
):
    """Serve `sandbox` (a new one by default) on a thread; yields the base URL
    "http://127.0.0.1:PORT" (port 0: a free port) and shuts down on exit."""
    server = SandboxServer((host, port), sandbox or Sandbox(), latency=latency)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="sandbox-server",
        daemon=True,
    )
    thread.start()
    try:
        bound_host, bound_port = server.server_address[:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
