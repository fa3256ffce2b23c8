"""Staff sign in at the region's OpenID Connect provider instead of with a password."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from digitalwell_intake.domain import DEMO_PASSWORD
from digitalwell_shared.staff import SESSION_COOKIE, Role, StaffAuth
from tests.support.intake import RunningIntake, running_intake, settings
from tests.support.oidc import FakeProvider, fake_provider


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    with fake_provider() as running:
        yield running


@pytest.fixture(scope="module")
async def intake(
    kafka_bootstrap_servers: str, mongodb_url: str, provider: FakeProvider
) -> AsyncIterator[RunningIntake]:
    service_settings = settings(kafka_bootstrap_servers, mongodb_url).model_copy(
        update={
            "staff_oidc_issuer": provider.issuer,
            "staff_oidc_client_id": "digitalwell-intake",
            "staff_oidc_roles_claim": "groups",
            "seed_demo_staff": True,
        }
    )
    async with running_intake(service_settings) as running:
        yield running


async def _sign_in_at_the_provider(intake: RunningIntake, next_url: str) -> httpx.Response:
    """Follow the browser's path: intake → provider → intake's callback."""
    to_provider = await intake.client.get("/staff/sign-in", params={"next": next_url})
    assert to_provider.status_code == 302, to_provider.text
    assert to_provider.headers["location"].startswith(intake.settings.staff_oidc_issuer)
    async with httpx.AsyncClient(trust_env=False) as browser:
        back = await browser.get(to_provider.headers["location"])
    assert back.status_code == 302
    callback = httpx.URL(back.headers["location"])
    assert callback.path == "/staff/oidc/callback"
    return await intake.client.get(callback.path, params=callback.params)


async def test_the_provider_signs_a_person_in_with_their_roles(
    intake: RunningIntake, provider: FakeProvider
) -> None:
    provider.person = {
        "sub": "u-1",
        "name": "Lena Region",
        "email": "lena@region.example",
        "email_verified": True,
        "groups": ["forum_coordinator", "staff"],
    }

    signed_in = await _sign_in_at_the_provider(intake, "/staff")

    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/staff"
    member = StaffAuth(intake.settings).verify(intake.client.cookies[SESSION_COOKIE])
    assert member.name == "Lena Region"
    assert member.roles == {Role.FORUM_COORDINATOR}
    assert member.id == f"oidc:{provider.issuer.rstrip('/')}|u-1"
    assert member.email == "lena@region.example"
    assert "Lena Region" in (await intake.client.get("/staff")).text


async def test_an_unverified_address_from_the_provider_is_not_taken(
    intake: RunningIntake, provider: FakeProvider
) -> None:
    intake.client.cookies.clear()
    provider.person = {
        "sub": "u-3",
        "name": "Mallory",
        "email": "chair@example.org",
        "email_verified": False,
        "groups": ["council_member"],
    }

    signed_in = await _sign_in_at_the_provider(intake, "/staff")

    assert signed_in.status_code == 303, signed_in.text
    member = StaffAuth(intake.settings).verify(intake.client.cookies[SESSION_COOKIE])
    assert member.email == ""
    assert member.id.endswith("|u-3")


async def test_a_person_without_a_digitalwell_role_is_not_signed_in(
    intake: RunningIntake, provider: FakeProvider
) -> None:
    intake.client.cookies.clear()
    provider.person = {"sub": "u-2", "name": "Other Person", "groups": ["staff"]}

    refused = await _sign_in_at_the_provider(intake, "/staff")

    assert refused.status_code == 401
    assert "ingen DigitalWell-roll" in refused.text
    assert SESSION_COOKIE not in intake.client.cookies


async def test_a_callback_that_did_not_start_here_is_refused(intake: RunningIntake) -> None:
    intake.client.cookies.clear()

    forged = await intake.client.get("/staff/oidc/callback", params={"code": "x", "state": "y"})

    assert forged.status_code == 401


async def test_password_sign_in_is_off(intake: RunningIntake) -> None:
    response = await intake.client.post(
        "/api/v1/auth/token", json={"email": "chair@example.org", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 403
    assert "region" in response.json()["detail"]
