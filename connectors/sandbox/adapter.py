"""The in-process transport: a requests adapter whose connection pools answer from a Sandbox.

Only urllib3's lowest step (`_make_request`, which would write to a socket) is replaced, so
`urlopen`'s retry loop runs unchanged: a `urllib3.util.Retry` given as
`SandboxTransport(sandbox, max_retries=...)` re-sends, honours Retry-After and gives up exactly as
it would over the network. Faults map onto what urllib3 would see: "drop" raises ProtocolError,
"slow" beyond the read timeout raises ReadTimeoutError (at once, without waiting), "truncate"
gives a body shorter than its Content-Length, "trickle" a body that gives one byte per read.
"""

from __future__ import annotations

import io
import threading
import time

import requests
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import ProtocolError, ReadTimeoutError
from urllib3.response import HTTPResponse
from urllib3.util import parse_url
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from .core import Sandbox
from .messages import reason


class SandboxPool(HTTPConnectionPool):
    """A connection pool for one (scheme, host, port) whose requests go to the sandbox."""

    def __init__(
        self, host: str, port: int | None, *, sandbox: Sandbox, scheme: str = "http", **kwargs
    ):
        super().__init__(host, port, **kwargs)
        self.scheme = scheme
        self.sandbox = sandbox

    def _make_request(
        self,
        conn,
        method,
        url,
        body=None,
        headers=None,
        retries=None,
        timeout=_DEFAULT_TIMEOUT,
        chunked=False,
        response_conn=None,
        preload_content=True,
        decode_content=True,
        enforce_content_length=True,
    ):
        self.num_requests += 1
        read_timeout = self._get_timeout(timeout).read_timeout
        full_url = url if "://" in url else f"{self.scheme}://{self._host_text()}{url}"
        answer = self.sandbox.handle(method, full_url, dict(headers or {}), body)
        if answer.drop:
            raise ProtocolError(
                "Connection aborted.", ConnectionResetError(104, "Connection reset by peer")
            )
        if answer.delay:
            if read_timeout is not None and answer.delay > read_timeout:
                raise ReadTimeoutError(self, url, f"Read timed out. (read timeout={read_timeout})")
            time.sleep(answer.delay)
        response = HTTPResponse(
            body=_Trickle(answer.body, answer.trickle)
            if answer.trickle
            else io.BytesIO(answer.body),
            headers=answer.headers,
            status=answer.status,
            reason=reason(answer.status),
            version=11,
            version_string="HTTP/1.1",
            preload_content=preload_content,
            decode_content=decode_content,
            original_response=None,
            pool=self,
            connection=response_conn,
            retries=retries,
            enforce_content_length=enforce_content_length,
            request_method=method,
            request_url=url,
        )
        return response

    def _host_text(self) -> str:
        default = {"http": 80, "https": 443}.get(self.scheme)
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port in (None, default) else f"{host}:{self.port}"


class _Trickle(io.BytesIO):
    """A body that gives one byte per read, `seconds` apart, as a trickling server does."""

    def __init__(self, body: bytes, seconds: float):
        super().__init__(body)
        self.seconds = seconds

    def read(self, size=-1, /):
        time.sleep(self.seconds)
        return super().read(1 if size else 0)

    read1 = read


class SandboxTransport(requests.adapters.HTTPAdapter):
    """Mount on a session (`session.mount("https://builder.io", SandboxTransport(sandbox))`) to
    send that prefix's requests to `sandbox`. Keyword arguments go to HTTPAdapter
    (`max_retries`, `pool_maxsize`, ...)."""

    def __init__(self, sandbox: Sandbox, **kwargs):
        self.sandbox = sandbox
        self._pools: dict[tuple, SandboxPool] = {}
        self._pools_lock = threading.Lock()
        super().__init__(**kwargs)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        parsed = parse_url(request.url)
        scheme = (parsed.scheme or "http").lower()
        port = parsed.port or {"http": 80, "https": 443}.get(scheme)
        key = (scheme, (parsed.host or "").lower(), port)
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is None:
                pool = SandboxPool(
                    key[1],
                    port,
                    sandbox=self.sandbox,
                    scheme=scheme,
                    maxsize=self._pool_maxsize,
                    block=self._pool_block,
                )
                self._pools[key] = pool
        return pool

    def cert_verify(self, conn, url, verify, cert):
        """No TLS happens in-process: nothing to verify."""

    def close(self) -> None:
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()
        super().close()
