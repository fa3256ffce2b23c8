"""Staff sign-in at intake: tokens every service accepts, the sign-in page, accounts, the lock."""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr

from digitalwell_council.settings import Settings as CouncilSettings
from digitalwell_intake.deps import Deps, SignInPolicy, SubmissionPolicy
from digitalwell_intake.domain import (
    DEMO_PASSWORD,
    REFUSED,
    SignInRefusedError,
    SignInThrottledError,
)
from digitalwell_intake.passwords import Passwords
from digitalwell_intake.staff_tokens import TokenIssuer
from digitalwell_intake.stores.applications import MongoApplicationStore
from digitalwell_intake.stores.staff import MongoSignInAttemptStore, MongoStaffAccountStore
from digitalwell_intake.usecases import accounts, sign_in
from digitalwell_shared.staff import SESSION_COOKIE, RevokedSessions, Role, StaffAuth
from tests.support.intake import RunningIntake, application_body, running_intake, settings

MAX_FAILURES = 3
NEW_PASSWORD = "a-long-enough-secret"


@pytest.fixture(scope="module")
async def intake(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    """intake with the demo accounts, locking after three failures; shared by this module.

    Tests that change an account or lock one make an account of their own.
    """
    service_settings = settings(intake_kafka, mongodb_url).model_copy(
        update={"seed_demo_staff": True, "staff_max_failed_sign_ins": MAX_FAILURES}
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


async def _new_account(intake: RunningIntake, *roles: Role) -> dict[str, Any]:
    """An account of this test's own, made by the demo administrator."""
    admin = await _token(intake.client, "admin@example.org")
    email = f"staff.{uuid.uuid4().hex[:8]}@example.org"
    created = await intake.client.post(
        "/api/v1/staff",
        json={
            "email": email,
            "name": "Test Person",
            "roles": [role.value for role in roles or (Role.COUNCIL_MEMBER,)],
            "password": NEW_PASSWORD,
        },
        headers=_bearer(admin),
    )
    assert created.status_code == 201, created.text
    return created.json() | {"admin": admin}


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/api/v1/auth/token", json={"email": email, "password": password})


async def test_a_demo_account_gets_a_token_that_another_service_accepts(
    intake: RunningIntake,
) -> None:
    response = await intake.client.post(
        "/api/v1/auth/token", json={"email": "Chair@Example.org", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 30 * 60  # the idle period; renewed at /api/v1/auth/refresh
    me = await intake.client.get("/api/v1/auth/me", headers=_bearer(body["access_token"]))
    assert me.json()["roles"] == ["council_chair", "council_member"], me.text
    # council verifies it with intake's public key only: it holds no key that could mint one.
    member = StaffAuth(CouncilSettings()).verify(body["access_token"])
    assert member.name == "Karin Ek"
    assert member.has_any([Role.COUNCIL_CHAIR])


async def test_a_wrong_password_an_unknown_address_and_a_lock_get_the_same_answer(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    wrong = await _sign_in(intake.client, account["email"], "not-the-one")
    unknown = await _sign_in(intake.client, f"nobody.{uuid.uuid4().hex[:6]}@example.org", "x")
    for _ in range(MAX_FAILURES - 1):
        await _sign_in(intake.client, account["email"], "still-not-the-one")
    locked = await _sign_in(intake.client, account["email"], NEW_PASSWORD)

    assert wrong.status_code == unknown.status_code == locked.status_code == 401
    assert wrong.json() == unknown.json() == locked.json() == {"detail": REFUSED}


async def test_forty_guesses_at_once_check_at_most_the_allowed_number_of_passwords(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)

    answers = await asyncio.gather(
        *(_sign_in(intake.client, account["email"], f"guess-{n}") for n in range(40))
    )

    assert {answer.status_code for answer in answers} == {401}
    attempts = MongoSignInAttemptStore(intake.database)
    assert await attempts.attempts(f"{account['email']}|127.0.0.1") == MAX_FAILURES
    # The right password now meets the lock as well.
    assert (await _sign_in(intake.client, account["email"], NEW_PASSWORD)).status_code == 401


class CountingHasher(PasswordHasher):
    """argon2 as intake uses it, counting the verifications against one account's hash."""

    def __init__(self) -> None:
        super().__init__()
        self.account_hash = ""
        self.checked = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's name
        if hash == self.account_hash:
            self.checked += 1
        return super().verify(hash, password)


async def test_forty_concurrent_wrong_passwords_verify_only_five_against_the_real_hash(
    intake: RunningIntake,
) -> None:
    hasher = CountingHasher()
    deps = _deps(intake, SignInPolicy(max_failures=5, lock_for=timedelta(minutes=15)), hasher)
    email = f"guessed.{uuid.uuid4().hex[:8]}@example.org"
    account = await accounts.create_account(
        deps, email, "Guessed", [Role.COUNCIL_CHAIR], NEW_PASSWORD
    )
    stored = await deps.accounts.by_id(account.id)
    assert stored is not None
    hasher.account_hash = stored.password_hash

    results = await asyncio.gather(
        *(sign_in.sign_in(deps, email, f"wrong-{n}", client="198.51.100.7") for n in range(40)),
        return_exceptions=True,
    )

    assert all(isinstance(result, SignInRefusedError) for result in results)
    assert hasher.checked == 5


class _NoCommits:
    """A committer for tests in which nothing is revoked."""

    source = "/digitalwell/test"

    def envelope_for(self, _event: object, **_options: object) -> Any:
        raise AssertionError("nothing is revoked in this test")

    async def commit_with_events(self, _write: object) -> Any:
        raise AssertionError("nothing is revoked in this test")


def _deps(intake: RunningIntake, policy: SignInPolicy, hasher: PasswordHasher) -> Deps:
    """intake's use cases on the test's database, with their own sign-in policy and hasher."""
    return Deps(
        applications=MongoApplicationStore(intake.database),
        accounts=MongoStaffAccountStore(intake.database),
        attempts=MongoSignInAttemptStore(intake.database),
        committer=_NoCommits(),
        passwords=Passwords(hasher),
        issuer=TokenIssuer(
            intake.settings.staff_signing_key.get_secret_value(),
            session_minutes=480,
            idle_minutes=30,
        ),
        revoked=RevokedSessions(),
        submission=SubmissionPolicy(timedelta(minutes=10), timedelta(days=1)),
        sign_in=policy,
    )


async def test_a_stranger_at_another_address_cannot_lock_the_chair_out(
    intake: RunningIntake,
) -> None:
    chair = await _new_account(intake, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)
    async with intake.client_from("203.0.113.66") as stranger:
        for _ in range(MAX_FAILURES + 2):
            await _sign_in(stranger, chair["email"], "guess-guess")
        locked_out = await _sign_in(stranger, chair["email"], NEW_PASSWORD)

    own = await _sign_in(intake.client, chair["email"], NEW_PASSWORD)

    assert locked_out.status_code == 401
    assert own.status_code == 200, own.text


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
        "/api/v1/staff", json=new | {"password": NEW_PASSWORD}, headers=_bearer(admin)
    )
    again = await intake.client.post(
        "/api/v1/staff", json=new | {"password": NEW_PASSWORD}, headers=_bearer(admin)
    )

    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]
    assert created.status_code == 201, created.text
    assert "password_hash" not in created.text
    assert again.status_code == 409
    assert await _token(intake.client, email, NEW_PASSWORD)


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


async def test_disabling_an_account_ends_its_sessions_and_its_sign_in(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)
    admin = _bearer(account["admin"])

    disabled = await intake.client.post(f"/api/v1/staff/{account['id']}/disable", headers=admin)
    refused = await intake.client.get("/api/v1/auth/me", headers=_bearer(token))
    sign_in = await _sign_in(intake.client, account["email"], NEW_PASSWORD)
    enabled = await intake.client.post(f"/api/v1/staff/{account['id']}/enable", headers=admin)

    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True
    assert refused.status_code == 401
    assert sign_in.status_code == 401
    assert sign_in.json() == {"detail": REFUSED}  # as if there were no such account
    assert enabled.json()["disabled"] is False
    assert await _token(intake.client, account["email"], NEW_PASSWORD)
    assert await intake.count("outbox", {"key": account["id"]}) == 1  # StaffSessionRevoked


async def test_an_administrator_resets_a_password_and_the_old_sessions_end(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)

    reset = await intake.client.post(
        f"/api/v1/staff/{account['id']}/password",
        json={"password": "another-long-secret"},
        headers=_bearer(account["admin"]),
    )

    assert reset.status_code == 200, reset.text
    assert (await intake.client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 401
    assert (await _sign_in(intake.client, account["email"], NEW_PASSWORD)).status_code == 401
    assert await _token(intake.client, account["email"], "another-long-secret")


async def test_changing_ones_own_password_needs_the_current_one_and_ends_the_sessions(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)

    wrong = await intake.client.post(
        "/api/v1/auth/password",
        json={"current_password": "not-it", "new_password": "my-own-new-secret"},
        headers=_bearer(token),
    )
    short = await intake.client.post(
        "/api/v1/auth/password",
        json={"current_password": NEW_PASSWORD, "new_password": "short"},
        headers=_bearer(token),
    )
    changed = await intake.client.post(
        "/api/v1/auth/password",
        json={"current_password": NEW_PASSWORD, "new_password": "my-own-new-secret"},
        headers=_bearer(token),
    )

    assert wrong.status_code == 401
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "new_password"]
    assert changed.status_code == 200, changed.text
    assert (await intake.client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 401
    assert await _token(intake.client, account["email"], "my-own-new-secret")


async def test_new_roles_end_the_sessions_that_name_the_old_ones(intake: RunningIntake) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)

    changed = await intake.client.put(
        f"/api/v1/staff/{account['id']}/roles",
        json={"roles": ["forum_coordinator"]},
        headers=_bearer(account["admin"]),
    )
    fresh = await _token(intake.client, account["email"], NEW_PASSWORD)

    assert changed.json()["roles"] == ["forum_coordinator"], changed.text
    assert (await intake.client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 401
    me = await intake.client.get("/api/v1/auth/me", headers=_bearer(fresh))
    assert me.json()["roles"] == ["forum_coordinator"]


async def test_a_token_is_renewed_for_the_same_session_until_it_is_signed_out(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)

    renewed = await intake.client.post("/api/v1/auth/refresh", headers=_bearer(token))
    new_token = renewed.json()["access_token"]
    auth = StaffAuth(intake.settings)
    signed_out = await intake.client.post("/api/v1/auth/sign-out", headers=_bearer(new_token))
    after = await intake.client.post("/api/v1/auth/refresh", headers=_bearer(new_token))

    assert renewed.status_code == 200, renewed.text
    assert auth.verify(new_token).session_id == auth.verify(token).session_id
    assert signed_out.status_code == 204
    assert after.status_code == 401
    assert (await intake.client.get("/api/v1/auth/me", headers=_bearer(token))).status_code == 401


async def test_the_sign_in_page_signs_the_browser_in_and_out_everywhere(
    intake: RunningIntake,
) -> None:
    async with intake.client_from("127.0.0.1") as client:
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
        session = client.cookies[SESSION_COOKIE]
        register = await client.get("/staff/applications")
        assert register.status_code == 200
        assert "Johan Nyström" in register.text
        renewed = await client.get("/staff/session/refresh", params={"next": "/staff/applications"})
        assert renewed.status_code == 303
        assert renewed.headers["location"] == "/staff/applications"
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', register.text)
        assert csrf is not None
        signed_out = await client.post("/staff/sign-out", data={"csrf_token": csrf.group(1)})
        assert signed_out.status_code == 303
        assert (await client.get("/staff")).status_code == 401

    # The session has ended, not only the cookie: a copy of the token no longer works.
    stolen = await intake.client.get("/api/v1/auth/me", headers=_bearer(session))
    assert stolen.status_code == 401


async def test_a_sign_in_form_without_its_nonce_is_refused(intake: RunningIntake) -> None:
    async with intake.client_from("127.0.0.1") as client:
        response = await client.post(
            "/staff/sign-in",
            data={"email": "officer@example.org", "password": DEMO_PASSWORD, "nonce": "forged"},
        )

        assert response.status_code == 403
        assert SESSION_COOKIE not in client.cookies


async def test_sign_in_does_not_send_people_to_another_site(intake: RunningIntake) -> None:
    form = await intake.client.get("/staff/sign-in", params={"next": "https://evil.example/x"})

    assert 'name="next" value=""' in form.text


@pytest.fixture(scope="module")
async def strict_intake(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    """intake as production has it: sign-in throttled, chairs and administrators need codes."""
    service_settings = settings(intake_kafka, mongodb_url).model_copy(
        update={
            "seed_demo_staff": True,
            "staff_sign_in_throttle": True,
            "staff_sign_ins_per_address_per_minute": 4,
            "staff_require_totp": True,
        }
    )
    async with running_intake(service_settings) as running:
        yield running


async def test_the_sign_in_throttle_answers_429_with_retry_after(
    strict_intake: RunningIntake,
) -> None:
    async with strict_intake.client_from("192.0.2.1") as client:
        answers = [await _sign_in(client, f"x{n}@example.org", "guess") for n in range(6)]
    async with strict_intake.client_from("192.0.2.10") as elsewhere:
        other_address = await _sign_in(elsewhere, "x@example.org", "guess")

    assert [answer.status_code for answer in answers[:4]] == [401] * 4
    assert {answer.status_code for answer in answers[4:]} == {429}
    assert 0 < int(answers[4].headers["Retry-After"]) <= 60
    assert other_address.status_code == 401


async def test_an_enrolled_person_needs_a_fresh_code_and_a_code_works_once(
    intake: RunningIntake,
) -> None:
    account = await _new_account(intake)
    token = await _token(intake.client, account["email"], NEW_PASSWORD)
    started = await intake.client.post("/api/v1/auth/totp", headers=_bearer(token))
    app = pyotp.TOTP(started.json()["secret"])
    code = app.now()
    confirmed = await intake.client.post(
        "/api/v1/auth/totp/confirm", json={"code": code}, headers=_bearer(token)
    )
    credentials = {"email": account["email"], "password": NEW_PASSWORD}

    without = await intake.client.post("/api/v1/auth/token", json=credentials)
    replayed = await intake.client.post("/api/v1/auth/token", json=credentials | {"totp": code})
    following = app.at(datetime.now(UTC) + timedelta(seconds=30))
    fresh = await intake.client.post("/api/v1/auth/token", json=credentials | {"totp": following})

    assert started.status_code == 200, started.text
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/DigitalWell:")
    assert started.json()["qr_svg"].startswith("<svg")
    assert confirmed.status_code == 204, confirmed.text
    assert without.status_code == 401
    assert "one-time code" in without.json()["detail"]
    assert replayed.status_code == 401
    assert "used already" in replayed.json()["detail"]
    assert fresh.status_code == 200, fresh.text


async def test_an_administrator_who_must_have_codes_enrols_at_sign_in(
    strict_intake: RunningIntake,
) -> None:
    async with strict_intake.client_from("192.0.2.20") as client:
        api = await _sign_in(client, "admin@example.org", DEMO_PASSWORD)
        form = await client.get("/staff/sign-in")
        nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
        assert nonce is not None
        enrol_page = await client.post(
            "/staff/sign-in",
            data={"email": "admin@example.org", "password": DEMO_PASSWORD, "nonce": nonce[1]},
        )
        ticket = re.search(r'name="ticket" value="([^"]+)"', enrol_page.text)
        uri = re.search(r"<code[^>]*>(otpauth://[^<]+)</code>", enrol_page.text)
        assert ticket is not None
        assert uri is not None
        secret = parse_qs(urlsplit(html.unescape(uri[1])).query)["secret"][0]
        enrolled = await client.post(
            "/staff/sign-in/enrol", data={"ticket": ticket[1], "code": pyotp.TOTP(secret).now()}
        )
        start_page = await client.get("/staff")
        again = await client.post(
            "/staff/sign-in/enrol", data={"ticket": ticket[1], "code": pyotp.TOTP(secret).now()}
        )

    assert api.status_code == 401
    assert "enrol" in api.json()["detail"]
    assert enrol_page.status_code == 200
    assert "<svg" in enrol_page.text
    assert enrolled.status_code == 303, enrolled.text
    assert start_page.status_code == 200
    assert "Eva Sund" in start_page.text
    assert again.status_code == 401  # a ticket finishes one sign-in


async def test_throttled_accounts_logic_counts_per_address(intake: RunningIntake) -> None:
    deps = _deps(intake, SignInPolicy(per_address_per_minute=1), PasswordHasher())
    address = f"10.0.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"

    with pytest.raises(SignInRefusedError):
        await sign_in.sign_in(deps, "nobody@example.org", "x", client=address)
    with pytest.raises(SignInThrottledError):
        await sign_in.sign_in(deps, "nobody@example.org", "x", client=address)


async def test_a_new_installation_gets_its_first_administrator_from_settings(
    intake_kafka: str, mongodb_url: str
) -> None:
    service_settings = settings(intake_kafka, mongodb_url).model_copy(
        update={
            "bootstrap_admin_email": "it@region.example",
            "bootstrap_admin_password": SecretStr("first-admin-password"),
        }
    )
    async with running_intake(service_settings) as intake:
        token = await _token(intake.client, "it@region.example", "first-admin-password")
        me = await intake.client.get("/api/v1/auth/me", headers=_bearer(token))
        # A second start with the same settings neither fails nor makes a second account.
        accounts = await intake.count("staff_accounts")

    async with running_intake(service_settings) as again:
        assert await again.count("staff_accounts") == accounts == 1

    assert me.json()["roles"] == ["administrator"]
