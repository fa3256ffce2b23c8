"""The claims of a staff session token: the one place that knows their names.

intake writes them (``SessionClaims.payload`` into the JWT it signs) and every service reads
them back (``SessionClaims.of`` after the signature, audience and issuer are checked), so the
writer and the readers cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from digitalwell_shared.staff.members import Role, StaffMember, known_roles

ISSUER = "digitalwell"
AUDIENCE = "digitalwell-staff"
REQUIRED = ("exp", "iat", "sub", "sid", "auth_time")
"""The claims a token must carry to be read at all (PyJWT's ``require``)."""


def _milliseconds(moment: datetime) -> float:
    # To the millisecond (a JWT date may have a fraction), as revocation times are stored: a
    # session begun just after "end all sessions" is not taken for an old one.
    return math.floor(moment.timestamp() * 1000) / 1000


class SessionClaims(BaseModel):
    """Who a token is for, which session, and its times."""

    model_config = ConfigDict(frozen=True)

    staff_id: str
    email: str = ""
    name: str = ""
    roles: frozenset[Role] = frozenset()
    session_id: str
    issued_at: datetime
    started_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, claims: Mapping[str, Any]) -> SessionClaims:
        """The claims of a verified token; unknown role names are ignored."""
        return cls(
            staff_id=str(claims["sub"]),
            email=str(claims.get("email", "")),
            name=str(claims.get("name") or claims.get("email") or claims["sub"]),
            roles=known_roles(claims.get("roles", [])),
            session_id=str(claims["sid"]),
            issued_at=datetime.fromtimestamp(claims["iat"], UTC),
            started_at=datetime.fromtimestamp(claims["auth_time"], UTC),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )

    def payload(self) -> dict[str, Any]:
        """The JWT claims intake signs."""
        return {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": self.staff_id,
            "email": self.email,
            "name": self.name,
            "roles": sorted(role.value for role in self.roles),
            "sid": self.session_id,
            "iat": self.issued_at,
            "auth_time": _milliseconds(self.started_at),
            "exp": self.expires_at,
        }

    def member(self) -> StaffMember:
        """The signed-in person these claims name, with their session's times."""
        return StaffMember(
            id=self.staff_id,
            email=self.email,
            name=self.name,
            roles=self.roles,
            session_id=self.session_id,
            session_started_at=self.started_at,
            expires_at=self.expires_at,
        )
