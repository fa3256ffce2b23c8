"""A stand-in for the region's OpenID Connect provider: a real HTTP server on a free port.

It serves discovery, its signing keys, an authorization endpoint that signs in one preset
person at once (as if they had typed their password), and the token endpoint that exchanges the
code for an ID token naming them.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

REALM = "/realms/region"
KEY_ID = "key-1"


@dataclass
class FakeProvider:
    """The provider's address, its key, and the person its next sign-in is for."""

    issuer: str
    key: rsa.RSAPrivateKey
    person: dict[str, Any] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def sign(self, claims: dict[str, Any], *, key: rsa.RSAPrivateKey | None = None) -> str:
        """A token as the provider would sign it (or as a forger would, with another key)."""
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def claims(self, audience: str, **changes: Any) -> dict[str, Any]:
        """Claims about the preset person for ``audience``, valid for five minutes."""
        now = int(time.time())
        return {
            "iss": self.issuer,
            "aud": audience,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
            **self.person,
            **changes,
        }


@contextmanager
def fake_provider(person: dict[str, Any] | None = None) -> Iterator[FakeProvider]:
    """Serve a provider until the block ends."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoints)
    provider = FakeProvider(f"http://127.0.0.1:{server.server_port}{REALM}", key, person or {})
    server.provider = provider  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


class _Endpoints(BaseHTTPRequestHandler):
    @property
    def provider(self) -> FakeProvider:
        return self.server.provider  # type: ignore[attr-defined,no-any-return]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        issuer = self.provider.issuer
        if url.path == f"{REALM}/.well-known/openid-configuration":
            self._json(
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/authorize",
                    "token_endpoint": f"{issuer}/token",
                    "jwks_uri": f"{issuer}/.well-known/jwks.json",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                    "code_challenge_methods_supported": ["S256"],
                }
            )
        elif url.path == f"{REALM}/.well-known/jwks.json":
            jwk = json.loads(RSAAlgorithm.to_jwk(self.provider.key.public_key()))
            self._json({"keys": [jwk | {"kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        elif url.path == f"{REALM}/authorize":
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            code = secrets.token_urlsafe(16)
            self.provider.codes[code] = query
            target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {
            name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()
        }
        request = self.provider.codes.pop(form.get("code", ""), None)
        if urlsplit(self.path).path != f"{REALM}/token" or request is None:
            self._json({"error": "invalid_grant"}, status=400)
            return
        claims = self.provider.claims(request["client_id"], nonce=request.get("nonce"))
        self._json(
            {
                "access_token": self.provider.sign(self.provider.claims("account")),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self.provider.sign(claims),
            }
        )

    def _json(self, body: dict[str, Any], status: int = 200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:
        """Quiet: the tests say what matters."""
