"""Administrators' account use cases against in-memory stores; the demo and first accounts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from digitalwell_intake.deps import SignInPolicy
from digitalwell_intake.domain import (
    DEMO_PASSWORD,
    AccountExistsError,
    AccountNotFoundError,
    PasswordRefusedError,
)
from digitalwell_intake.usecases import accounts, sign_in
from digitalwell_shared.contracts import SessionEndReason, StaffSessionRevoked
from digitalwell_shared.staff import Role
from tests.unit.intake.fakes import FakeDeps

PASSWORD = "a-long-enough-secret"
CLIENT = "198.51.100.7"


async def test_a_new_account_is_stored_with_its_roles_and_a_hash_of_its_password() -> None:
    fake = FakeDeps()

    account = await accounts.create_account(
        fake.deps, "New.Person@Example.org", "New Person", [Role.INTAKE_OFFICER], PASSWORD
    )

    assert account.email == "new.person@example.org"
    assert account.roles == (Role.INTAKE_OFFICER,)
    assert account.created_at == fake.clock()
    stored = fake.accounts.credentials[account.id]
    assert stored.account == account
    assert stored.password_hash.startswith("$argon2")
    assert await accounts.list_accounts(fake.deps) == [account]


async def test_an_address_has_one_account_and_a_password_must_be_long_enough() -> None:
    fake = FakeDeps()
    await accounts.create_account(fake.deps, "a@example.org", "A", [Role.ADMINISTRATOR], PASSWORD)

    with pytest.raises(AccountExistsError):
        await accounts.create_account(
            fake.deps, "A@example.org", "A", [Role.ADMINISTRATOR], PASSWORD
        )
    with pytest.raises(PasswordRefusedError):
        await accounts.create_account(
            fake.deps, "b@example.org", "B", [Role.ADMINISTRATOR], "short"
        )

    assert len(await accounts.list_accounts(fake.deps)) == 1


async def test_disabling_ends_every_session_and_enabling_ends_none() -> None:
    fake = FakeDeps()
    account = await accounts.create_account(
        fake.deps, "a@example.org", "A", [Role.COUNCIL_MEMBER], PASSWORD
    )

    disabled = await accounts.set_disabled(fake.deps, account.id, disabled=True)
    enabled = await accounts.set_disabled(fake.deps, account.id, disabled=False)

    assert disabled.disabled
    assert not enabled.disabled
    (event,) = fake.committer.events
    assert isinstance(event, StaffSessionRevoked)
    assert (event.staff_id, event.session_id, event.reason) == (
        account.id,
        None,
        SessionEndReason.ACCOUNT_DISABLED,
    )


async def test_new_roles_end_the_sessions_that_name_the_old_ones() -> None:
    fake = FakeDeps()
    account = await accounts.create_account(
        fake.deps, "a@example.org", "A", [Role.COUNCIL_MEMBER], PASSWORD
    )

    changed = await accounts.set_roles(
        fake.deps, account.id, [Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR]
    )

    assert set(changed.roles) == {Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR}
    assert fake.accounts.account(account.id) == changed
    (event,) = fake.committer.events
    assert isinstance(event, StaffSessionRevoked)
    assert event.reason is SessionEndReason.ROLES_CHANGED


async def test_a_reset_password_signs_in_and_ends_the_old_sessions() -> None:
    fake = FakeDeps()
    account = await accounts.create_account(
        fake.deps, "a@example.org", "A", [Role.COUNCIL_MEMBER], PASSWORD
    )

    await accounts.reset_password(fake.deps, account.id, "a-new-long-password")

    (event,) = fake.committer.events
    assert isinstance(event, StaffSessionRevoked)
    assert event.reason is SessionEndReason.PASSWORD_RESET
    signed_in = await sign_in.sign_in(
        fake.deps, account.email, "a-new-long-password", client=CLIENT
    )
    assert signed_in.id == account.id


@pytest.mark.parametrize("change", ["disable", "roles", "password"])
async def test_changing_an_unknown_account_ends_nothing(change: str) -> None:
    fake = FakeDeps()

    changes = {
        "disable": lambda: accounts.set_disabled(fake.deps, "staff_unknown", disabled=True),
        "roles": lambda: accounts.set_roles(fake.deps, "staff_unknown", [Role.ADMINISTRATOR]),
        "password": lambda: accounts.reset_password(
            fake.deps, "staff_unknown", "a-new-long-password"
        ),
    }

    with pytest.raises(AccountNotFoundError):
        await changes[change]()

    assert fake.committer.events == []
    assert not fake.revoked.is_revoked("staff_unknown", "sid", fake.clock())


async def test_enabling_an_unknown_account_is_not_found() -> None:
    fake = FakeDeps()

    with pytest.raises(AccountNotFoundError):
        await accounts.set_disabled(fake.deps, "staff_unknown", disabled=False)


async def test_the_demo_staff_are_created_once() -> None:
    fake = FakeDeps()

    first = await accounts.seed_demo_staff(fake.deps)
    second = await accounts.seed_demo_staff(fake.deps)

    assert (first, second) == (len(accounts.DEMO_STAFF), 0)
    officer = await sign_in.sign_in(fake.deps, "officer@example.org", DEMO_PASSWORD, client=CLIENT)
    assert officer.roles == (Role.INTAKE_OFFICER,)


async def test_production_never_creates_demo_staff_nor_takes_the_demo_password() -> None:
    fake = FakeDeps()
    production = replace(fake.deps, sign_in=SignInPolicy(production=True))

    with pytest.raises(PasswordRefusedError):
        await accounts.seed_demo_staff(production)
    with pytest.raises(PasswordRefusedError):
        await accounts.create_account(
            production, "a@example.org", "A", [Role.ADMINISTRATOR], DEMO_PASSWORD
        )

    assert await accounts.list_accounts(production) == []


async def test_the_first_administrator_is_created_once() -> None:
    fake = FakeDeps()

    created = await accounts.bootstrap_administrator(fake.deps, "it@region.example", PASSWORD)
    again = await accounts.bootstrap_administrator(fake.deps, "it@region.example", PASSWORD)

    assert (created, again) == (True, False)
    (admin,) = await accounts.list_accounts(fake.deps)
    assert (admin.email, admin.name, admin.roles) == (
        "it@region.example",
        "Administrator",
        (Role.ADMINISTRATOR,),
    )
