"""Access tokens from the region's OpenID Connect provider, checked against its published keys."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import NotSignedIn, Role, StaffAuth

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A stand-in for the provider's key endpoint: a real HTTP server serving a JWKS."""
    jwk = json.loads(RSAAlgorithm.to_jwk(KEY.public_key())) | {"kid": "key-1", "use": "sig"}
    body = json.dumps({"keys": [jwk]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Keys)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/realms/region"
    finally:
        server.shutdown()


def _auth(issuer: str) -> StaffAuth:
    return StaffAuth(
        ServiceSettings(
            mongodb_database="x",
            http_port=1,
            staff_oidc_issuer=issuer,
            staff_oidc_audience="digitalwell",
            staff_oidc_roles_claim="realm_access.roles",
        )
    )


def _provider_token(issuer: str, *, key: rsa.RSAPrivateKey = KEY, **changes: object) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": "digitalwell",
        "sub": "user-42",
        "name": "Lena Region",
        "email": "lena@region.example",
        "realm_access": {"roles": ["council_member", "offline_access"]},
        "iat": now,
        "exp": now + 300,
        "jti": "abc",
    } | changes
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "key-1"})


def test_a_provider_token_signs_in_with_the_roles_from_its_claim(provider: str) -> None:
    member = _auth(provider).verify(_provider_token(provider))

    assert member.name == "Lena Region"
    assert member.roles == {Role.COUNCIL_MEMBER}


@pytest.mark.parametrize(
    "changes",
    [{"aud": "someone-else"}, {"exp": int(time.time()) - 10}],
    ids=["another audience", "expired"],
)
def test_a_provider_token_for_someone_else_or_expired_is_refused(
    provider: str, changes: dict[str, object]
) -> None:
    with pytest.raises(NotSignedIn):
        _auth(provider).verify(_provider_token(provider, **changes))


def test_a_token_signed_with_another_key_is_refused(provider: str) -> None:
    with pytest.raises(NotSignedIn):
        _auth(provider).verify(_provider_token(provider, key=OTHER_KEY))


def test_digitalwell_tokens_still_work_beside_the_provider(provider: str) -> None:
    auth = _auth(provider)
    own = auth.issue(staff_id="s1", email="a@example.org", name="A", roles=[Role.ADMINISTRATOR])

    assert auth.verify(own.token).roles == {Role.ADMINISTRATOR}
