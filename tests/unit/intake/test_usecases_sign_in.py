"""Staff sign-in use cases against in-memory stores: the lock, the throttle, one-time codes,
one's own password, sign-out and renewal."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import jwt
import pyotp
import pytest

from digitalwell_intake.deps import SignInPolicy
from digitalwell_intake.domain import (
    DEMO_PASSWORD,
    REFUSED,
    AccountNotFoundError,
    EnrolmentNeededError,
    PasswordRefusedError,
    SecondFactorRefusedError,
    SignInRefusedError,
    SignInThrottledError,
)
from digitalwell_intake.records import StaffAccount
from digitalwell_intake.usecases import accounts, sign_in
from digitalwell_shared.contracts import SessionEndReason, StaffSessionRevoked
from digitalwell_shared.staff import Role, StaffMember
from tests.unit.intake.fakes import FakeDeps

PASSWORD = "a-long-enough-secret"
CLIENT = "198.51.100.7"


async def _account(fake: FakeDeps, *roles: Role, email: str = "person@example.org") -> StaffAccount:
    return await accounts.create_account(
        fake.deps, email, "Test Person", roles or (Role.COUNCIL_MEMBER,), PASSWORD
    )


def _member(account: StaffAccount, fake: FakeDeps, *, started_ago: timedelta) -> StaffMember:
    return StaffMember(
        id=account.id,
        email=account.email,
        name=account.name,
        roles=frozenset(account.roles),
        session_id="sid-1",
        session_started_at=fake.clock() - started_ago,
    )


async def test_the_right_password_signs_in_and_clears_the_failures() -> None:
    fake = FakeDeps()
    account = await _account(fake)
    with pytest.raises(SignInRefusedError):
        await sign_in.sign_in(fake.deps, account.email, "wrong", client=CLIENT)

    signed_in = await sign_in.sign_in(fake.deps, " Person@Example.org ", PASSWORD, client=CLIENT)

    assert signed_in.id == account.id
    assert fake.attempts.attempts(f"{account.email}|{CLIENT}") == 0
    assert fake.accounts.account(account.id).last_sign_in_at == fake.clock()


@pytest.mark.parametrize("who", ["unknown", "disabled", "wrong password"])
async def test_every_refusal_says_the_same(who: str) -> None:
    fake = FakeDeps()
    account = await _account(fake)
    if who == "disabled":
        await accounts.set_disabled(fake.deps, account.id, disabled=True)
    email = "nobody@example.org" if who == "unknown" else account.email
    password = "wrong" if who == "wrong password" else PASSWORD

    with pytest.raises(SignInRefusedError) as refused:
        await sign_in.sign_in(fake.deps, email, password, client=CLIENT)

    assert str(refused.value) == REFUSED


async def test_after_the_most_failures_even_the_right_password_is_refused_until_the_lock_ends() -> (
    None
):
    fake = FakeDeps(SignInPolicy(max_failures=3, lock_for=timedelta(minutes=15)))
    account = await _account(fake)
    for _ in range(3):
        with pytest.raises(SignInRefusedError):
            await sign_in.sign_in(fake.deps, account.email, "wrong", client=CLIENT)

    with pytest.raises(SignInRefusedError):
        await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)
    other_address = await sign_in.sign_in(fake.deps, account.email, PASSWORD, client="192.0.2.1")
    fake.clock.advance(timedelta(minutes=16))
    later = await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)

    assert other_address.id == later.id == account.id


async def test_too_many_attempts_from_one_address_are_throttled() -> None:
    fake = FakeDeps(SignInPolicy(per_address_per_minute=2))
    account = await _account(fake)
    await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)
    await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)

    with pytest.raises(SignInThrottledError) as throttled:
        await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)

    assert throttled.value.retry_after == 60 - fake.clock().second


async def test_production_refuses_the_demo_password_at_sign_in() -> None:
    fake = FakeDeps()
    await accounts.seed_demo_staff(fake.deps)
    production = replace(fake.deps, sign_in=SignInPolicy(production=True))

    with pytest.raises(SignInRefusedError, match="demo password"):
        await sign_in.sign_in(production, "officer@example.org", DEMO_PASSWORD, client=CLIENT)


async def test_an_administrator_enrols_an_app_at_first_sign_in_and_then_needs_its_codes() -> None:
    fake = FakeDeps(SignInPolicy(totp_required=True))
    admin = await _account(fake, Role.ADMINISTRATOR)

    with pytest.raises(EnrolmentNeededError) as needed:
        await sign_in.sign_in(fake.deps, admin.email, PASSWORD, client=CLIENT)
    code = pyotp.TOTP(needed.value.secret).at(fake.clock())
    enrolled = await sign_in.enrol_at_sign_in(fake.deps, needed.value.ticket, code)
    with pytest.raises(SecondFactorRefusedError):  # a ticket finishes one sign-in
        await sign_in.enrol_at_sign_in(fake.deps, needed.value.ticket, code)
    with pytest.raises(SecondFactorRefusedError, match="used already"):
        await sign_in.sign_in(fake.deps, admin.email, PASSWORD, client=CLIENT, totp_code=code)
    fake.clock.advance(timedelta(seconds=30))
    next_code = pyotp.TOTP(needed.value.secret).at(fake.clock())
    signed_in = await sign_in.sign_in(
        fake.deps, admin.email, PASSWORD, client=CLIENT, totp_code=next_code
    )

    assert enrolled.id == signed_in.id == admin.id
    assert fake.accounts.credentials[admin.id].totp_secret == needed.value.secret


async def test_a_member_without_a_required_code_signs_in_without_one() -> None:
    fake = FakeDeps(SignInPolicy(totp_required=True))
    member = await _account(fake, Role.COUNCIL_MEMBER)

    signed_in = await sign_in.sign_in(fake.deps, member.email, PASSWORD, client=CLIENT)

    assert signed_in.id == member.id


async def test_an_app_enrolled_when_signed_in_is_confirmed_by_its_code() -> None:
    fake = FakeDeps()
    account = await _account(fake)

    secret = await sign_in.start_enrolment(fake.deps, account.id)
    with pytest.raises(SecondFactorRefusedError):
        await sign_in.confirm_enrolment(fake.deps, account.id, "000000")
    await sign_in.confirm_enrolment(fake.deps, account.id, pyotp.TOTP(secret).at(fake.clock()))

    assert fake.accounts.credentials[account.id].totp_secret == secret
    with pytest.raises(SecondFactorRefusedError):
        await sign_in.sign_in(fake.deps, account.email, PASSWORD, client=CLIENT)


async def test_a_provider_signed_in_person_has_no_app_to_enrol_here() -> None:
    fake = FakeDeps()

    with pytest.raises(AccountNotFoundError):
        await sign_in.start_enrolment(fake.deps, "oidc:someone")
    with pytest.raises(AccountNotFoundError):
        await sign_in.confirm_enrolment(fake.deps, "oidc:someone", "123456")


async def test_changing_ones_password_ends_every_session() -> None:
    fake = FakeDeps()
    account = await _account(fake)
    new = "another-long-secret"

    changed = await sign_in.change_password(fake.deps, account.id, PASSWORD, new, client=CLIENT)

    assert changed.id == account.id
    (event,) = fake.committer.events
    assert isinstance(event, StaffSessionRevoked)
    assert (event.staff_id, event.session_id, event.reason) == (
        account.id,
        None,
        SessionEndReason.PASSWORD_CHANGED,
    )
    assert fake.revoked.is_revoked(account.id, "any", fake.clock() - timedelta(seconds=1))
    assert (await sign_in.sign_in(fake.deps, account.email, new, client=CLIENT)).id == account.id


async def test_a_wrong_current_password_changes_nothing() -> None:
    fake = FakeDeps()
    account = await _account(fake)

    with pytest.raises(SignInRefusedError):
        await sign_in.change_password(
            fake.deps, account.id, "wrong", "another-long-secret", client=CLIENT
        )
    with pytest.raises(PasswordRefusedError):
        await sign_in.change_password(fake.deps, account.id, PASSWORD, "short", client=CLIENT)

    assert fake.committer.events == []
    assert fake.attempts.attempts(f"{account.email}|{CLIENT}") == 1


async def test_signing_out_ends_that_session_only() -> None:
    fake = FakeDeps()
    account = await _account(fake)

    await sign_in.sign_out(fake.deps, account.id, "sid-1")

    (event,) = fake.committer.events
    assert isinstance(event, StaffSessionRevoked)
    assert (event.session_id, event.reason) == ("sid-1", SessionEndReason.SIGNED_OUT)
    started = fake.clock() - timedelta(minutes=1)
    assert fake.revoked.is_revoked(account.id, "sid-1", started)
    assert not fake.revoked.is_revoked(account.id, "sid-2", started)


async def test_a_session_is_renewed_with_the_current_roles() -> None:
    fake = FakeDeps()
    account = await _account(fake)
    member = _member(account, fake, started_ago=timedelta(minutes=20))
    await accounts.set_roles(fake.deps, account.id, [Role.INTAKE_OFFICER])

    renewed = await sign_in.renew(fake.deps, member)

    assert renewed is not None
    claims = _claims(renewed.token)
    assert (claims["sub"], claims["sid"], claims["roles"]) == (
        account.id,
        "sid-1",
        [Role.INTAKE_OFFICER.value],
    )


async def test_a_disabled_account_or_an_old_session_is_not_renewed() -> None:
    fake = FakeDeps()
    account = await _account(fake)
    old = _member(account, fake, started_ago=timedelta(hours=9))
    fresh = _member(account, fake, started_ago=timedelta(minutes=1))

    past_its_length = await sign_in.renew(fake.deps, old)
    await accounts.set_disabled(fake.deps, account.id, disabled=True)
    disabled = await sign_in.renew(fake.deps, fresh)

    assert past_its_length is None
    assert disabled is None


async def test_a_token_names_the_account() -> None:
    fake = FakeDeps()
    account = await _account(fake, Role.INTAKE_OFFICER)

    token = sign_in.issue_token(fake.deps, account)

    claims = _claims(token.token)
    assert (claims["sub"], claims["email"], claims["roles"]) == (
        account.id,
        account.email,
        ["intake_officer"],
    )


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims
