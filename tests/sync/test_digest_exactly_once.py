"""`python -m sync --alert --digest` killed while the digest goes: the next run does not send the
week's digest again (it may have arrived), says so, and the receiver could tell a repeat by the
digest's idempotency key (one per week and channel)."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from alerts import lifecycle
from store import Store
from tests.alerts.test_delivery import receiver

from .conftest import PROJECT
from .test_alert_command import server, settings, sync_alert, sync_alert_command  # noqa: F401


def test_a_run_killed_while_sending_the_digest_never_sends_it_twice(server, tmp_path):  # noqa: F811
    store, received, running = tmp_path / "store", [], {}
    with receiver((200, "ok")) as hook:  # the alerts go first, in a run of their own
        first = sync_alert(store, settings(server, hook.url))
        assert first.returncode == 0, first.stderr[-2000:]

    class KillingReceiver(BaseHTTPRequestHandler):
        """Takes the digest, then kills the sender before it can record the delivery."""

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.headers.get("Idempotency-Key"), body))
            running["sync"].kill()
            running["sync"].wait()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), KillingReceiver)
    threading.Thread(target=hook.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{hook.server_port}"
        command, env = sync_alert_command(store, settings(server, url), "--digest")
        running["sync"] = subprocess.Popen(
            command, env=env, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert running["sync"].wait(timeout=240) == -signal.SIGKILL
    finally:
        hook.shutdown()
        hook.server_close()
    ((key, body),) = received
    assert json.loads(body)["text"].startswith("AI and CI, week of")  # it was the digest
    assert key and key.startswith("digest-")  # the receiver can tell a repeat by it
    with receiver((200, "ok")) as working:
        again = sync_alert(store, settings(server, working.url), "--digest")
        assert again.returncode == 0, again.stderr[-2000:]
        assert working.bodies == []  # not a second digest
    assert "was being sent by webhook when a run was interrupted: not sent again" in again.stderr
    assert key in again.stderr
    table = lifecycle.typed(Store(str(store)).alerts())
    digest = table[table["kind"] == "digest"]
    assert len(digest) == 1 and digest["notified_webhook"].notna().all()
    assert table["sending_webhook"].isna().all()


def keyed_receiver(status: int):
    """A webhook answering `status`, keeping each request's Idempotency-Key."""
    keys: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            keys.append(self.headers.get("Idempotency-Key"))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    hook = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=hook.serve_forever, args=(0.05,), daemon=True).start()
    return hook, f"http://127.0.0.1:{hook.server_port}", keys


def test_a_digest_that_failed_is_sent_once_later_under_the_same_key(server, tmp_path):  # noqa: F811
    store = tmp_path / "store"
    with receiver((200, "ok")) as hook:
        assert sync_alert(store, settings(server, hook.url)).returncode == 0
    seen = []
    for status, code in ((400, 1), (200, 0), (200, 0)):
        hook, url, keys = keyed_receiver(status)
        try:
            done = sync_alert(store, settings(server, url), "--digest")
        finally:
            hook.shutdown()
            hook.server_close()
        assert done.returncode == code, done.stderr[-2000:]
        seen.append(keys)
    (failed,), (sent,), again = seen
    assert failed and failed.startswith("digest-") and sent == failed  # one key per week
    assert again == []  # sent: never again
