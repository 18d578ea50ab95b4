"""A minimal OpenID Connect provider on loopback, for one real sign-in through `st.login` in
Chromium: discovery, an authorization endpoint that signs in `email` at once (no login form),
a token endpoint returning an RS256 id_token with the request's nonce, and its JWKS."""

from __future__ import annotations

import json
import secrets
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


@contextmanager
def running_provider(email: str, client_id: str = "ai-ci-test"):
    """Yields (issuer URL, a dict whose "email" says who the next sign-in is)."""
    from authlib.jose import JsonWebKey, jwt

    key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "test-key"})
    who = {"email": email}
    codes: dict[str, dict] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _json(self, payload: dict, status: int = 200) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            issuer = f"http://{self.headers['Host']}"
            if parts.path == "/.well-known/openid-configuration":
                self._json(
                    {
                        "issuer": issuer,
                        "authorization_endpoint": f"{issuer}/authorize",
                        "token_endpoint": f"{issuer}/token",
                        "jwks_uri": f"{issuer}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "scopes_supported": ["openid", "email", "profile"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_basic",
                            "client_secret_post",
                        ],
                    }
                )
            elif parts.path == "/jwks":
                self._json({"keys": [key.as_dict(is_private=False)]})
            elif parts.path == "/authorize":
                code = secrets.token_urlsafe(16)
                codes[code] = {"nonce": query.get("nonce"), "email": who["email"], "issuer": issuer}
                target = (
                    query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
                )
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()
            else:
                self._json({"error": "not_found"}, 404)

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            grant = codes.pop(form.get("code", ""), None)
            if urlsplit(self.path).path != "/token" or grant is None:
                self._json({"error": "invalid_grant"}, 400)
                return
            now = int(time.time())
            claims = {
                "iss": grant["issuer"],
                "aud": client_id,
                "sub": grant["email"],
                "email": grant["email"],
                "email_verified": True,
                "name": grant["email"].split("@")[0],
                "iat": now,
                "exp": now + 600,
            }
            if grant["nonce"]:
                claims["nonce"] = grant["nonce"]
            token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key).decode()
            self._json(
                {
                    "access_token": secrets.token_urlsafe(16),
                    "token_type": "Bearer",
                    "expires_in": 600,
                    "id_token": token,
                }
            )

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", who
    finally:
        server.shutdown()
        server.server_close()
