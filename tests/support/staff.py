"""Signed-in staff for tests: a session token as intake would issue it."""

from __future__ import annotations

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import Role, StaffAuth


def staff_token(
    settings: ServiceSettings, *roles: Role, name: str = "Test Person", email: str | None = None
) -> str:
    """A token for a person holding ``roles``, valid for the service with ``settings``."""
    slug = "-".join(sorted(role.value for role in roles)) or "no-role"
    address = email or f"{slug}@example.org"
    return (
        StaffAuth(settings)
        .issue(staff_id=f"staff-{address}", email=address, name=name, roles=roles)
        .token
    )


def bearer(token: str) -> dict[str, str]:
    """The Authorization header that carries ``token`` to a staff API."""
    return {"Authorization": f"Bearer {token}"}
