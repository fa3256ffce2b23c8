"""Ending a staff session at intake ends it in another service too, within seconds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from digitalwell_intake.domain import DEMO_PASSWORD
from tests.support.council import RunningCouncil, running_council
from tests.support.council import ensure_topics as ensure_council_topics
from tests.support.council import settings as council_settings
from tests.support.intake import RunningIntake, running_intake, settings
from tests.support.staff import bearer
from tests.support.waiting import until_true

PASSWORD = "a-long-enough-secret"
# The first event after council's consumer group forms waits for the group (Tansu: 5-15 s).
SECONDS = 90.0


@pytest.fixture(scope="module")
async def intake(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    """intake with the demo accounts (the administrator makes the test's accounts)."""
    service_settings = settings(intake_kafka, mongodb_url).model_copy(
        update={"seed_demo_staff": True}
    )
    async with running_intake(service_settings) as running:
        yield running


@pytest.fixture(scope="module")
async def council(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningCouncil]:
    """council on the same broker, with a database of its own."""
    await ensure_council_topics(intake_kafka)
    async with running_council(
        council_settings(intake_kafka, mongodb_url), intake_kafka
    ) as running:
        yield running


async def _member_token(intake: RunningIntake) -> tuple[str, str]:
    """A new council member's account id and bearer token, signed in at intake."""
    admin = await intake.client.post(
        "/api/v1/auth/token", json={"email": "admin@example.org", "password": DEMO_PASSWORD}
    )
    email = f"member.{uuid.uuid4().hex[:8]}@example.org"
    created = await intake.client.post(
        "/api/v1/staff",
        json={"email": email, "name": "Ledamot", "roles": ["council_member"], "password": PASSWORD},
        headers=bearer(admin.json()["access_token"]),
    )
    token = await intake.client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
    )
    return created.json()["id"], token.json()["access_token"]


async def _refused_at(client: httpx.AsyncClient, token: str) -> bool:
    response = await client.get("/api/v1/cases", headers=bearer(token))
    return response.status_code == 401


async def test_signing_out_at_intake_ends_the_session_at_council(
    intake: RunningIntake, council: RunningCouncil
) -> None:
    _account_id, token = await _member_token(intake)
    assert (await council.client.get("/api/v1/cases", headers=bearer(token))).status_code == 200

    signed_out = await intake.client.post("/api/v1/auth/sign-out", headers=bearer(token))

    assert signed_out.status_code == 204
    await until_true(lambda: _refused_at(council.client, token), seconds=SECONDS)
    revocations = council.database["staff_revocations"]
    assert await revocations.count_documents({"session_id": {"$ne": None}}) >= 1


async def test_disabling_an_account_at_intake_ends_its_sessions_at_council(
    intake: RunningIntake, council: RunningCouncil
) -> None:
    account_id, token = await _member_token(intake)
    other_id, other_token = await _member_token(intake)
    assert (await council.client.get("/api/v1/cases", headers=bearer(token))).status_code == 200
    admin = await intake.client.post(
        "/api/v1/auth/token", json={"email": "admin@example.org", "password": DEMO_PASSWORD}
    )

    disabled = await intake.client.post(
        f"/api/v1/staff/{account_id}/disable", headers=bearer(admin.json()["access_token"])
    )

    assert disabled.status_code == 200
    await until_true(lambda: _refused_at(council.client, token), seconds=SECONDS)
    # Someone else's session goes on.
    assert other_id != account_id
    kept = await council.client.get("/api/v1/cases", headers=bearer(other_token))
    assert kept.status_code == 200
