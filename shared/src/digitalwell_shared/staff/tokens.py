"""Staff session tokens: intake's keys, and checking a token (intake's, or the region provider's).

intake signs a session token (a JWT, EdDSA with its Ed25519 private key, the person's roles in
it); every service checks it here with intake's public keys (``STAFF_VERIFY_KEYS``), so no
other service can mint one. With ``STAFF_OIDC_ISSUER`` set, access tokens from the region's
OpenID Connect provider are accepted as well, checked against its JWKS.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff.claims import AUDIENCE, ISSUER, REQUIRED, SessionClaims
from digitalwell_shared.staff.members import (
    NotSignedInError,
    RevokedSessions,
    StaffMember,
    member_from_provider,
)

ALGORITHM = "EdDSA"
CLOCK_LEEWAY = timedelta(seconds=30)  # replicas' clocks differ a little


class StaffKeyError(ValueError):
    """A key setting cannot be read; the message names what is wrong, never the key."""


def decode_key_bytes(text: str, *, setting: str) -> tuple[str, bytes]:
    """``<key id>:<base64url 32 bytes>`` as its key id and raw bytes."""
    kid, sep, encoded = text.strip().partition(":")
    if not sep or not kid or not encoded:
        raise StaffKeyError(f"{setting}: each key is <key id>:<base64url key>")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as broken:
        raise StaffKeyError(f"{setting}: key {kid!r} is not base64url") from broken
    if len(raw) != 32:  # noqa: PLR2004 - an Ed25519 key is 32 bytes
        raise StaffKeyError(f"{setting}: key {kid!r} is not a 32-byte Ed25519 key")
    return kid, raw


def parse_verify_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """``STAFF_VERIFY_KEYS`` as public keys by key id."""
    keys = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        kid, raw = decode_key_bytes(entry, setting="STAFF_VERIFY_KEYS")
        keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
    if not keys:
        raise StaffKeyError("STAFF_VERIFY_KEYS: at least one key is needed")
    return keys


class TokenVerifier:
    """Checks a staff token: signature, audience, lifetime, revocation; the person it names.

    A session ends at its idle deadline (``exp``, renewed through intake's refresh), at its
    maximum length (``auth_time`` + the session length), or when intake revokes it
    (``revoked``, kept up to date from StaffSessionRevoked by ``staff_revocations``).
    """

    def __init__(self, settings: ServiceSettings, revoked: RevokedSessions) -> None:
        self._keys = parse_verify_keys(settings.staff_verify_keys)
        self._session_length = timedelta(minutes=settings.staff_session_minutes)
        self._oidc = _OidcVerifier(settings) if settings.staff_oidc_issuer else None
        self._revoked = revoked

    def verify(self, token: str) -> StaffMember:
        """The person a token names; NotSignedInError when forged, expired, revoked or malformed."""
        if self._oidc is not None and (_issuer_of(token) or "").rstrip("/") == self._oidc.issuer:
            return self._oidc.verify(token)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise NotSignedInError("the token is not signed with a key this service knows")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],  # only EdDSA: an HS256 or "none" token is refused here
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=CLOCK_LEEWAY,
                options={"require": list(REQUIRED)},
            )
        except jwt.PyJWTError as refused:
            raise NotSignedInError(str(refused)) from refused
        read = SessionClaims.of(claims)
        # A token meant to outlive the session length was not minted by intake's rules.
        if read.expires_at - read.issued_at > self._session_length or (
            read.expires_at - read.started_at > self._session_length + CLOCK_LEEWAY
        ):
            raise NotSignedInError("the token lives longer than a staff session may")
        if self._revoked.is_revoked(read.staff_id, read.session_id, read.started_at):
            raise NotSignedInError("the session has ended")
        return read.member()


def _issuer_of(token: str) -> str | None:
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return issuer if isinstance(issuer, str) else None


class _OidcVerifier:
    """Access tokens from the region's OpenID Connect provider, checked against its JWKS."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.issuer = settings.staff_oidc_issuer.rstrip("/")
        jwks_url = settings.staff_oidc_jwks_url or f"{self.issuer}/.well-known/jwks.json"
        # PyJWKClient caches the keys and fetches again only for a key id it has not seen.
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True)
        self._audience = settings.staff_oidc_audience
        self._roles_claim = settings.staff_oidc_roles_claim

    def verify(self, token: str) -> StaffMember:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=self._audience or None,
                issuer=[self.issuer, f"{self.issuer}/"],  # providers differ on the slash
                options={"require": ["exp", "sub"], "verify_aud": bool(self._audience)},
            )
        except jwt.PyJWTError as refused:
            raise NotSignedInError(str(refused)) from refused
        return member_from_provider(claims, self._roles_claim)
