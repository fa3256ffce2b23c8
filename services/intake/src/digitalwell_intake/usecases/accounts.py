"""Staff accounts: administrators create, disable, enable, re-role and reset them; demo staff.

Each change but enabling ends the person's sessions in every service (``end_sessions``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from digitalwell_intake.deps import Deps
from digitalwell_intake.domain import (
    DEMO_PASSWORD,
    AccountExistsError,
    AccountNotFoundError,
    PasswordRefusedError,
    check_password,
)
from digitalwell_intake.records import StaffAccount
from digitalwell_intake.usecases.sign_in import end_sessions
from digitalwell_shared.contracts import SessionEndReason
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import Role

log = get_logger(__name__)

DEMO_STAFF: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("chair@example.org", "Karin Ek", (Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)),
    ("member1@example.org", "Anders Berg", (Role.COUNCIL_MEMBER,)),
    ("member2@example.org", "Sara Lind", (Role.COUNCIL_MEMBER,)),
    ("coordinator@example.org", "Maria Holm", (Role.FORUM_COORDINATOR,)),
    ("officer@example.org", "Johan Nyström", (Role.INTAKE_OFFICER,)),
    ("admin@example.org", "Eva Sund", (Role.ADMINISTRATOR,)),
)


async def list_accounts(deps: Deps) -> list[StaffAccount]:
    """Every staff account, by e-mail address."""
    return await deps.accounts.list()


async def create_account(
    deps: Deps, email: str, name: str, roles: Iterable[Role], password: str
) -> StaffAccount:
    """A new account; PasswordRefusedError or AccountExistsError when it cannot be made."""
    check_password(password, production=deps.sign_in.production)
    account = StaffAccount(
        id=f"staff_{uuid.uuid4().hex[:16]}",
        email=email.lower(),
        name=name,
        roles=tuple(sorted(roles)),
        disabled=False,
        created_at=deps.clock(),
    )
    if not await deps.accounts.insert(account, await deps.passwords.hash(password)):
        raise AccountExistsError(email)
    log.info("staff account created", staff_id=account.id, roles=[r.value for r in account.roles])
    return account


async def set_disabled(deps: Deps, account_id: str, *, disabled: bool) -> StaffAccount:
    """Disable (ending every session) or enable an account; AccountNotFoundError if none."""
    if not disabled:
        enabled = await deps.accounts.set_disabled(account_id, disabled=False)
        if enabled is None:
            raise AccountNotFoundError(account_id)
        return enabled

    async def change(transaction: Transaction) -> StaffAccount | None:
        return await deps.accounts.set_disabled(account_id, disabled=True, transaction=transaction)

    return await end_sessions(deps, account_id, SessionEndReason.ACCOUNT_DISABLED, change=change)


async def set_roles(deps: Deps, account_id: str, roles: Iterable[Role]) -> StaffAccount:
    """Give the account these roles, ending its sessions (their tokens name the old ones)."""
    chosen = tuple(roles)

    async def change(transaction: Transaction) -> StaffAccount | None:
        return await deps.accounts.set_roles(account_id, chosen, transaction)

    return await end_sessions(deps, account_id, SessionEndReason.ROLES_CHANGED, change=change)


async def reset_password(deps: Deps, account_id: str, password: str) -> StaffAccount:
    """An administrator sets a new password; every session of the person ends."""
    check_password(password, production=deps.sign_in.production)
    password_hash = await deps.passwords.hash(password)

    async def change(transaction: Transaction) -> StaffAccount | None:
        return await deps.accounts.set_password_hash(account_id, password_hash, transaction)

    return await end_sessions(deps, account_id, SessionEndReason.PASSWORD_RESET, change=change)


async def seed_demo_staff(deps: Deps) -> int:
    """Create the demo accounts that are missing; return how many were created."""
    if deps.sign_in.production:  # settings refuse this too; a second lock on the same door
        raise PasswordRefusedError("demo accounts are never created in production")
    existing = await deps.accounts.emails([email for email, _name, _roles in DEMO_STAFF])
    created = 0
    for email, name, roles in DEMO_STAFF:
        if email in existing:
            continue
        try:
            await create_account(deps, email, name, roles, DEMO_PASSWORD)
        except AccountExistsError:  # another intake process seeded it a moment ago
            continue
        created += 1
    if created:
        log.info("demo staff accounts created", created=created)
    return created


async def bootstrap_administrator(deps: Deps, email: str, password: str) -> bool:
    """Create the first administrator unless the address has an account; True if created."""
    if await deps.accounts.by_email(email) is not None:
        return False
    try:
        await create_account(deps, email, "Administrator", [Role.ADMINISTRATOR], password)
    except AccountExistsError:  # another intake process created it a moment ago
        return False
    return True
