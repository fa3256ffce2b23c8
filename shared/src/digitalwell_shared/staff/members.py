"""Who a member of staff is: their roles, the signed-in person, and the sessions that ended."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """What a member of staff does in the programme; each staff route names the roles it needs."""

    INTAKE_OFFICER = "intake_officer"
    COUNCIL_MEMBER = "council_member"
    COUNCIL_CHAIR = "council_chair"
    FORUM_COORDINATOR = "forum_coordinator"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """The signed-in person behind a request."""

    id: str
    email: str
    name: str
    roles: frozenset[Role]
    session_id: str
    # Set for DigitalWell's own sessions (intake's tokens), None for a provider's access token.
    session_started_at: datetime | None = None
    expires_at: datetime | None = None

    def has_any(self, roles: Iterable[Role]) -> bool:
        """True when the person holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)


class NotSignedInError(Exception):
    """The request carries no valid session or token."""


@dataclass(frozen=True, slots=True)
class SessionToken:
    """A freshly issued token and when it stops working."""

    token: str
    expires_at: datetime


class RevokedSessions:
    """Which sessions intake has ended, as this replica last read them (see staff_revocations).

    Two kinds: one session by its id, or every session of a person begun before a time.
    """

    def __init__(self) -> None:
        self._sessions: set[str] = set()
        self._people: dict[str, datetime] = {}

    def replace(self, sessions: Iterable[str], people: dict[str, datetime]) -> None:
        """Take what the database holds now (a whole, consistent reading)."""
        self._sessions = set(sessions)
        self._people = dict(people)

    def add(self, staff_id: str, session_id: str | None, revoked_at: datetime) -> None:
        """Note one revocation at once, before the next reading."""
        if session_id is not None:
            self._sessions.add(session_id)
        elif revoked_at > self._people.get(staff_id, datetime.min.replace(tzinfo=UTC)):
            self._people[staff_id] = revoked_at

    def is_revoked(self, staff_id: str, session_id: str, started_at: datetime) -> bool:
        """True when this session, or every session of the person begun by then, has ended."""
        if session_id in self._sessions:
            return True
        revoked_at = self._people.get(staff_id)
        return revoked_at is not None and started_at <= revoked_at


def known_roles(names: Iterable[str]) -> frozenset[Role]:
    """The DigitalWell roles among ``names``; any other name is ignored."""
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if name in known)


def _roles_in_claims(claims: dict[str, Any], path: str) -> list[str]:
    """The role names at a dotted ``path`` of a provider's claims, e.g. ``realm_access.roles``."""
    found: Any = claims
    for part in path.split("."):
        found = found.get(part, {}) if isinstance(found, dict) else {}
    return [role for role in found if isinstance(role, str)] if isinstance(found, list) else []


def member_from_provider(claims: dict[str, Any], roles_path: str) -> StaffMember:
    """The person a provider's verified claims describe, with the DigitalWell roles they list.

    A person is known by the provider's subject within its issuer (``sub`` is unique and never
    reassigned there; an e-mail address is neither), and the address is taken only when the
    provider says it has verified it, so nobody becomes a council member by typing an address.
    """
    issuer = str(claims.get("iss", "")).rstrip("/")
    subject = str(claims["sub"])
    email = str(claims.get("email", "")) if claims.get("email_verified") is True else ""
    name = claims.get("name") or claims.get("preferred_username") or email or subject
    return StaffMember(
        id=f"{issuer}|{subject}",
        email=email,
        name=str(name),
        roles=known_roles(_roles_in_claims(claims, roles_path)),
        session_id=str(claims.get("sid") or claims.get("jti") or subject),
    )
