"""The sandbox server in its own process (so client and server run on different cores), and
its request log over the admin routes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
_URL = re.compile(r"(http://[\w.\-]+:\d+)")


# Days each of the server's per-day data caches holds unless `stock`: more days than the sandbox
# has data for (2025-01-01 .. today), so one untimed warm-up pass holds a whole 365-day range and
# the timed loads measure the connectors, not data generation (the real APIs have none).
CACHE_DAYS = 4096


class SandboxProcess:
    """`with SandboxProcess(latency_ms=100, today=...) as server:` starts
    `python -m connectors.sandbox --port 0 ... --cache-days 4096` (without --cache-days when
    `stock`: the sandbox's own cache sizes), reads the URL it prints, and stops it (by its own
    pid) on exit. `developers` sizes the organisation (None: the demo's 36)."""

    def __init__(
        self,
        latency_ms: float,
        today: dt.date,
        stock: bool = False,
        start_timeout: float = 60.0,
        developers: int | None = None,
    ):
        self.latency_ms = latency_ms
        self.today = today
        self.stock = stock
        self.developers = developers
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""

    @property
    def command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "connectors.sandbox",
            "--port",
            "0",
            "--latency-ms",
            f"{self.latency_ms:g}",
            "--today",
            self.today.isoformat(),
        ]
        if self.developers is not None:
            command += ["--developers", str(self.developers)]
        if not self.stock:
            command += ["--cache-days", str(CACHE_DAYS)]
        return command

    def __enter__(self) -> SandboxProcess:
        env = {k: v for k, v in os.environ.items() if not k.endswith(("_KEY", "_BASE_URL"))}
        env["PYTHONPATH"] = str(PROJECT_DIR)
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        try:
            self.url = self._read_url()
        except BaseException:
            self.stop()
            raise
        return self

    def _read_url(self) -> str:
        deadline = time.monotonic() + self.start_timeout
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        buffered = b""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sandbox server exited with {self.process.returncode}")
            if selector.select(timeout=0.2):
                chunk = os.read(self.process.stdout.fileno(), 4096)
                buffered += chunk
                found = _URL.search(buffered.decode("utf-8", "replace"))
                if found:
                    return found.group(1)
        raise RuntimeError("the sandbox server did not print its URL in time")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # the server's own clean shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the server process has used so far; None off Linux."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, AttributeError, ValueError, IndexError):
            return None

    # ---------------------------------------------------------------- the request log

    def _admin(self, method: str, route: str):
        request = urllib.request.Request(self.url + route, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def requests(self) -> list[dict]:
        """Every vendor request the server answered since the last `clear()`."""
        return self._admin("GET", "/_sandbox/requests")["requests"]

    def clear(self) -> None:
        self._admin("DELETE", "/_sandbox/requests")
