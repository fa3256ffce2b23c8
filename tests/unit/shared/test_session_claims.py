"""A staff token's claims read back as intake wrote them: one model for the writer and readers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from digitalwell_shared.staff import AUDIENCE, ISSUER, Role, SessionClaims

STARTED = datetime(2026, 11, 2, 9, 0, 0, 123456, tzinfo=UTC)


def test_claims_written_are_the_claims_read() -> None:
    written = SessionClaims(
        staff_id="stf_1",
        email="asa@example.se",
        name="Åsa",
        roles=frozenset({Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}),
        session_id="sid_1",
        issued_at=STARTED + timedelta(minutes=5),
        started_at=STARTED,
        expires_at=STARTED + timedelta(minutes=35),
    )
    token = jwt.encode(written.payload(), "k" * 32, algorithm="HS256")
    decoded = jwt.decode(
        token,
        "k" * 32,
        algorithms=["HS256"],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"verify_exp": False},  # a fixed time long past
    )
    read = SessionClaims.of(decoded)
    # Seconds on the wire for iat and exp, milliseconds for the session's start.
    assert read.started_at == STARTED.replace(microsecond=123000)
    assert read.issued_at == written.issued_at.replace(microsecond=0)
    assert read.model_dump(exclude={"started_at", "issued_at", "expires_at"}) == written.model_dump(
        exclude={"started_at", "issued_at", "expires_at"}
    )
    assert read.member().roles == {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}


def test_unknown_role_names_are_ignored() -> None:
    claims = {"sub": "stf_2", "sid": "s", "iat": 0, "auth_time": 0, "exp": 60}
    assert SessionClaims.of({**claims, "roles": ["root", "council_member"]}).roles == {
        Role.COUNCIL_MEMBER
    }
