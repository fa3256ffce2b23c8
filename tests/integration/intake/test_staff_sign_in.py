"""Staff sign-in at intake: tokens every service accepts, the sign-in page, accounts, the lock."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from digitalwell_council.settings import Settings as CouncilSettings
from digitalwell_intake.accounts import DEMO_PASSWORD
from digitalwell_shared.staff import SESSION_COOKIE, Role, StaffAuth
from tests.support.intake import RunningIntake, application_body, running_intake, settings


@pytest.fixture
async def intake(kafka_bootstrap_servers: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    service_settings = settings(kafka_bootstrap_servers, mongodb_url).model_copy(
        update={"seed_demo_staff": True, "staff_max_failed_sign_ins": 3}
    )
    async with running_intake(service_settings) as running:
        yield running


async def _token(client: httpx.AsyncClient, email: str, password: str = DEMO_PASSWORD) -> str:
    response = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_demo_account_gets_a_token_that_another_service_accepts(
    intake: RunningIntake,
) -> None:
    response = await intake.client.post(
        "/api/v1/auth/token", json={"email": "Chair@Example.org", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 480 * 60
    me = await intake.client.get("/api/v1/auth/me", headers=_bearer(body["access_token"]))
    assert me.json()["roles"] == ["council_chair", "council_member"], me.text
    # council verifies it with code from shared/ and the same session secret.
    member = StaffAuth(CouncilSettings()).verify(body["access_token"])
    assert member.name == "Karin Ek"
    assert member.has_any([Role.COUNCIL_CHAIR])


async def test_a_wrong_password_and_an_unknown_address_get_the_same_401(
    intake: RunningIntake,
) -> None:
    wrong = await intake.client.post(
        "/api/v1/auth/token", json={"email": "member1@example.org", "password": "not-the-one"}
    )
    unknown = await intake.client.post(
        "/api/v1/auth/token", json={"email": "nobody@example.org", "password": DEMO_PASSWORD}
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong e-mail address or password"}


async def test_repeated_failures_lock_the_account_even_for_the_right_password(
    intake: RunningIntake,
) -> None:
    for _ in range(3):
        await intake.client.post(
            "/api/v1/auth/token", json={"email": "member2@example.org", "password": "guess-guess"}
        )

    locked = await intake.client.post(
        "/api/v1/auth/token", json={"email": "member2@example.org", "password": DEMO_PASSWORD}
    )

    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) > 0
    assert "locked" in locked.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-address", "password": "x"}, "email"),
        ({"email": "chair@example.org", "password": ""}, "password"),
        ({"email": "chair@example.org"}, "password"),
    ],
)
async def test_a_malformed_sign_in_names_the_field(
    intake: RunningIntake, body: dict[str, str], field: str
) -> None:
    response = await intake.client.post("/api/v1/auth/token", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_an_administrator_creates_an_account_that_can_sign_in(intake: RunningIntake) -> None:
    admin = await _token(intake.client, "admin@example.org")
    email = f"new.{uuid.uuid4().hex[:8]}@example.org"
    new = {"email": email, "name": "Ny Ledamot", "roles": ["council_member"]}

    short = await intake.client.post(
        "/api/v1/staff", json=new | {"password": "short"}, headers=_bearer(admin)
    )
    created = await intake.client.post(
        "/api/v1/staff", json=new | {"password": "a-long-enough-secret"}, headers=_bearer(admin)
    )
    again = await intake.client.post(
        "/api/v1/staff", json=new | {"password": "a-long-enough-secret"}, headers=_bearer(admin)
    )

    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]
    assert created.status_code == 201, created.text
    assert "password_hash" not in created.text
    assert again.status_code == 409
    assert await _token(intake.client, email, "a-long-enough-secret")


async def test_staff_routes_answer_401_without_and_403_with_the_wrong_role(
    intake: RunningIntake,
) -> None:
    member = await _token(intake.client, "member1@example.org")
    officer = await _token(intake.client, "officer@example.org")
    await intake.client.post("/api/v1/applications", json=application_body())

    assert (await intake.client.get("/api/v1/staff")).status_code == 401
    assert (await intake.client.get("/api/v1/staff", headers=_bearer(member))).status_code == 403
    assert (await intake.client.get("/api/v1/applications")).status_code == 401
    forbidden = await intake.client.get("/api/v1/applications", headers=_bearer(member))
    assert forbidden.status_code == 403
    register = await intake.client.get("/api/v1/applications", headers=_bearer(officer))
    assert register.status_code == 200
    assert re.fullmatch(r"DW-20\d\d-\d{4}", register.json()[0]["case_number"])


async def test_the_sign_in_page_signs_the_browser_in_and_out(intake: RunningIntake) -> None:
    client = intake.client
    assert (await client.get("/staff")).status_code == 401
    form = await client.get("/staff/sign-in", params={"next": "/staff/applications"})
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
    assert nonce is not None

    signed_in = await client.post(
        "/staff/sign-in",
        data={
            "email": "officer@example.org",
            "password": DEMO_PASSWORD,
            "nonce": nonce.group(1),
            "next": "/staff/applications",
        },
    )

    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/staff/applications"
    assert SESSION_COOKIE in client.cookies
    register = await client.get("/staff/applications")
    assert register.status_code == 200
    assert "Johan Nyström" in register.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', register.text)
    assert csrf is not None
    signed_out = await client.post("/staff/sign-out", data={"csrf_token": csrf.group(1)})
    assert signed_out.status_code == 303
    assert (await client.get("/staff")).status_code == 401


async def test_a_sign_in_form_without_its_nonce_is_refused(intake: RunningIntake) -> None:
    response = await intake.client.post(
        "/staff/sign-in",
        data={"email": "officer@example.org", "password": DEMO_PASSWORD, "nonce": "forged"},
    )

    assert response.status_code == 403
    assert SESSION_COOKIE not in intake.client.cookies


async def test_sign_in_does_not_send_people_to_another_site(intake: RunningIntake) -> None:
    form = await intake.client.get("/staff/sign-in", params={"next": "https://evil.example/x"})

    assert 'name="next" value=""' in form.text
