"""Staff accounts: sign-in checked with argon2, a lock after repeated failures, demo accounts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from digitalwell_intake.store import StaffAccountStore
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document
from digitalwell_shared.staff import Role

log = get_logger(__name__)

DEMO_PASSWORD = "digitalwell-dev"  # noqa: S105 - the documented demo password, refused in production
DEMO_STAFF: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("chair@example.org", "Karin Ek", (Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)),
    ("member1@example.org", "Anders Berg", (Role.COUNCIL_MEMBER,)),
    ("member2@example.org", "Sara Lind", (Role.COUNCIL_MEMBER,)),
    ("coordinator@example.org", "Maria Holm", (Role.FORUM_COORDINATOR,)),
    ("officer@example.org", "Johan Nyström", (Role.INTAKE_OFFICER,)),
    ("admin@example.org", "Eva Sund", (Role.ADMINISTRATOR,)),
)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work per request


class SignInRefused(Exception):  # noqa: N818 - reads as the rule says it
    """The e-mail address and password do not sign anyone in; the message says why."""


class AccountLocked(SignInRefused):
    """Too many failed attempts: the account is locked for a while."""

    def __init__(self, until: datetime) -> None:
        super().__init__("too many failed sign-ins: the account is locked for a while")
        self.until = until


class AccountExists(Exception):  # noqa: N818 - reads as the rule says it
    """An account with this e-mail address exists."""


class PasswordRefused(ValueError):  # noqa: N818 - reads as the rule says it
    """The password may not be used; the message says why."""


@dataclass(frozen=True, slots=True)
class LockPolicy:
    """How many failed sign-ins in a row lock an account, and for how long."""

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


@dataclass
class Accounts:
    """Checks passwords and keeps staff accounts; hashing runs in a thread, off the event loop."""

    store: StaffAccountStore
    production: bool
    lock_policy: LockPolicy
    hasher: PasswordHasher

    @cached_property
    def _decoy_hash(self) -> str:
        # An unknown address costs as much time as a wrong password, so timing tells nothing.
        return self.hasher.hash(uuid.uuid4().hex)

    async def sign_in(self, email: str, password: str) -> Document:
        """The account ``email`` and ``password`` sign in; SignInRefused otherwise."""
        now = datetime.now(UTC)
        account = await self.store.by_email(email)
        if account is None or account.get("disabled"):
            await self._verify(self._decoy_hash, password)
            raise SignInRefused("wrong e-mail address or password")
        locked_until = account.get("locked_until")
        if locked_until is not None and locked_until > now:
            raise AccountLocked(locked_until)
        if not await self._verify(account["password_hash"], password):
            failures = account.get("failed_sign_ins", 0) + 1
            lock = (
                now + self.lock_policy.lock_for
                if failures >= self.lock_policy.max_failures
                else None
            )
            await self.store.record_failure(account["_id"], lock)
            log.warning("staff sign-in refused", staff_id=account["_id"], locked=lock is not None)
            if lock is not None:
                raise AccountLocked(lock)
            raise SignInRefused("wrong e-mail address or password")
        if self.production and password == DEMO_PASSWORD:
            raise SignInRefused(
                "this account still has the demo password, which production refuses; "
                "ask an administrator to set a new one"
            )
        rehash = (
            await asyncio.to_thread(self.hasher.hash, password)
            if self.hasher.check_needs_rehash(account["password_hash"])
            else None
        )
        await self.store.record_success(account["_id"], now, rehash)
        log.info("staff signed in", staff_id=account["_id"])
        return account

    async def create(self, email: str, name: str, roles: Iterable[Role], password: str) -> Document:
        """A new account; PasswordRefused or AccountExists when it cannot be made."""
        self.check_password(password)
        account = {
            "_id": f"staff_{uuid.uuid4().hex[:16]}",
            "email": email.lower(),
            "name": name,
            "roles": sorted(role.value for role in roles),
            "password_hash": await asyncio.to_thread(self.hasher.hash, password),
            "failed_sign_ins": 0,
            "locked_until": None,
            "created_at": datetime.now(UTC),
        }
        if not await self.store.insert(account):
            raise AccountExists(email)
        log.info("staff account created", staff_id=account["_id"], roles=account["roles"])
        return account

    def check_password(self, password: str) -> None:
        """Raise PasswordRefused unless ``password`` may be set."""
        if self.production and password == DEMO_PASSWORD:
            raise PasswordRefused("the demo password is refused in production")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise PasswordRefused(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
        if len(password) > MAX_PASSWORD_LENGTH:
            raise PasswordRefused(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")

    async def seed_demo_staff(self) -> int:
        """Create the demo accounts that are missing; return how many were created."""
        if self.production:  # settings refuse this too; a second lock on the same door
            raise PasswordRefused("demo accounts are never created in production")
        existing = await self.store.emails([email for email, _name, _roles in DEMO_STAFF])
        created = 0
        for email, name, roles in DEMO_STAFF:
            if email in existing:
                continue
            try:
                await self.create(email, name, roles, DEMO_PASSWORD)
            except AccountExists:  # another intake process seeded it a moment ago
                continue
            created += 1
        if created:
            log.info("demo staff accounts created", created=created)
        return created

    async def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self.hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
