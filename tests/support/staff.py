"""Signed-in staff for tests: a session token as intake would issue it."""

from __future__ import annotations

from digitalwell_intake.staff_tokens import DEV_STAFF_SIGNING_KEY, TokenIssuer
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import Role


def staff_token(
    settings: ServiceSettings,
    *roles: Role,
    name: str = "Test Person",
    email: str | None = None,
    signing_key: str = DEV_STAFF_SIGNING_KEY,
) -> str:
    """A token for a person holding ``roles``, valid for the service with ``settings``.

    Signed with intake's development key, which every service's default STAFF_VERIFY_KEYS
    lists; only a test (or intake) holds a private key that can do this.
    """
    slug = "-".join(sorted(role.value for role in roles)) or "no-role"
    address = email or f"{slug}@example.org"
    issuer = TokenIssuer(
        signing_key,
        session_minutes=settings.staff_session_minutes,
        idle_minutes=settings.staff_idle_minutes,
    )
    return issuer.issue(staff_id=f"staff-{address}", email=address, name=name, roles=roles).token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header that carries ``token`` to a staff API."""
    return {"Authorization": f"Bearer {token}"}
