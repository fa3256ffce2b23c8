"""Signed-in staff for tests: a session token as intake would issue it."""

from __future__ import annotations

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import Role, StaffAuth


def staff_token(settings: ServiceSettings, *roles: Role, name: str = "Test Person") -> str:
    """A token for a person holding ``roles``, valid for the service with ``settings``."""
    slug = "-".join(sorted(role.value for role in roles)) or "no-role"
    return (
        StaffAuth(settings)
        .issue(staff_id=f"staff_{slug}", email=f"{slug}@example.org", name=name, roles=roles)
        .token
    )
