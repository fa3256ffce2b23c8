"""Minting staff sign-in tokens: only intake holds the private key they are signed with."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from digitalwell_shared.staff import (
    ALGORITHM,
    Role,
    SessionClaims,
    SessionToken,
    decode_key_bytes,
)

# The development signing key, published here on purpose: settings refuse it in production.
DEV_STAFF_SIGNING_KEY = "dev:L7K3PpVAPuh-ngossIkKrnYe3o65npRhKSGE4wKt-0g"


def parse_signing_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    """``INTAKE_STAFF_SIGNING_KEY`` (``<key id>:<base64url 32-byte seed>``) as a private key."""
    kid, seed = decode_key_bytes(text, setting="INTAKE_STAFF_SIGNING_KEY")
    return kid, Ed25519PrivateKey.from_private_bytes(seed)


class TokenIssuer:
    """Issues staff tokens whose ``exp`` is the idle deadline, never past the session's end."""

    def __init__(self, signing_key: str, *, session_minutes: int, idle_minutes: int) -> None:
        self._kid, self._key = parse_signing_key(signing_key)
        self.session_length = timedelta(minutes=session_minutes)
        self._idle_length = timedelta(minutes=idle_minutes)

    def issue(
        self,
        *,
        staff_id: str,
        email: str,
        name: str,
        roles: Iterable[Role],
        session_id: str | None = None,
        started_at: datetime | None = None,
    ) -> SessionToken:
        """A token for a new session, or (with ``session_id`` and ``started_at``) a renewed one."""
        now = datetime.now(UTC)
        started_at = started_at or now
        expires_at = min(now + self._idle_length, started_at + self.session_length)
        claims = SessionClaims(
            staff_id=staff_id,
            email=email,
            name=name,
            roles=frozenset(roles),
            session_id=session_id or uuid.uuid4().hex,
            issued_at=now,
            started_at=started_at,
            expires_at=expires_at,
        )
        token = jwt.encode(
            claims.payload(), self._key, algorithm=ALGORITHM, headers={"kid": self._kid}
        )
        return SessionToken(token, expires_at)
