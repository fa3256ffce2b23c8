"""In-memory fakes of intake's stores, and Deps built on them, for the use-case unit tests.

They keep records as the Mongo stores return them and make the same decisions (a live claim
refuses, a lock refuses), with no I/O; the transaction they are given is ignored, so a fake
changed before a write raises stays changed (the use cases write last, as the stores do).
"""

# ruff: noqa: ARG002 - the fakes take the transaction as the stores do, and keep none

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime, timedelta

from argon2 import PasswordHasher

from digitalwell_intake.deps import Deps, SignInPolicy, SubmissionPolicy
from digitalwell_intake.domain import ApplicationStatus, TimelineEntry
from digitalwell_intake.passwords import Passwords
from digitalwell_intake.records import (
    Application,
    Claim,
    EnrolmentTicket,
    Reservation,
    StaffAccount,
    StaffCredentials,
)
from digitalwell_intake.staff_tokens import DEV_STAFF_SIGNING_KEY, TokenIssuer
from digitalwell_intake.stores.applications import ClaimTakenError
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import RevokedSessions, Role
from tests.support.committing import FakeCommitter, FixedClock


class FakeApplicationStore:
    """Applications, claims and registration series in dictionaries."""

    def __init__(self) -> None:
        self.applications: dict[str, Application] = {}
        self.claims: dict[str, Claim] = {}
        self.series: dict[str, int] = {}
        self.numbering = asyncio.Lock()

    async def claim(self, claim: Claim, now: datetime, transaction: Transaction) -> None:
        held = self.claims.get(claim.key)
        if held is not None and held.expires_at > now:
            raise ClaimTakenError(claim.key)
        self.claims[claim.key] = claim

    async def live_claim(self, key: str, now: datetime) -> Claim | None:
        held = self.claims.get(key)
        return held if held is not None and held.expires_at > now else None

    async def next_in_series(self, series: str, transaction: Transaction) -> int:
        self.series[series] = self.series.get(series, 0) + 1
        return self.series[series]

    async def insert(self, application: Application, transaction: Transaction) -> None:
        assert application.id not in self.applications
        self.applications[application.id] = application

    async def registered(self, status: ApplicationStatus | None, limit: int) -> list[Application]:
        chosen = [a for a in self.applications.values() if status is None or a.status is status]
        return sorted(chosen, key=lambda a: a.submitted_at, reverse=True)[:limit]

    async def get(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Application | None:
        return self.applications.get(application_id)

    async def move(
        self,
        application_id: str,
        *,
        expected: ApplicationStatus,
        status: ApplicationStatus,
        entry: TimelineEntry,
        transaction: Transaction,
    ) -> None:
        application = self.applications[application_id]
        if application.status is not expected:
            return
        self.applications[application_id] = application.model_copy(
            update={
                "status": status,
                "updated_at": entry.at,
                "timeline": (*application.timeline, entry),
            }
        )


class FakeStaffAccountStore:
    """Staff accounts with their credentials, code steps and enrolment tickets."""

    def __init__(self) -> None:
        self.credentials: dict[str, StaffCredentials] = {}
        self.last_steps: dict[str, int] = {}
        self.tickets: dict[str, tuple[str, EnrolmentTicket]] = {}

    def account(self, account_id: str) -> StaffAccount:
        """The account as stored now (for a test's assertions)."""
        return self.credentials[account_id].account

    async def by_email(self, email: str) -> StaffCredentials | None:
        found = [c for c in self.credentials.values() if c.account.email == email.lower()]
        return found[0] if found else None

    async def by_id(self, account_id: str) -> StaffCredentials | None:
        return self.credentials.get(account_id)

    async def insert(self, account: StaffAccount, password_hash: str) -> bool:
        if await self.by_email(account.email) is not None:
            return False
        stored = account.model_copy(update={"email": account.email.lower()})
        self.credentials[account.id] = StaffCredentials(account=stored, password_hash=password_hash)
        return True

    async def emails(self, emails: list[str]) -> set[str]:
        return {c.account.email for c in self.credentials.values()} & set(emails)

    async def list(self) -> list[StaffAccount]:
        return sorted((c.account for c in self.credentials.values()), key=lambda a: a.email)

    async def record_success(self, account_id: str, at: datetime, new_hash: str | None) -> None:
        self._change_account(account_id, last_sign_in_at=at)
        if new_hash is not None:
            self._change(account_id, password_hash=new_hash)

    async def set_disabled(
        self, account_id: str, *, disabled: bool, transaction: Transaction | None = None
    ) -> StaffAccount | None:
        return self._change_account(account_id, disabled=disabled)

    async def set_roles(
        self, account_id: str, roles: Iterable[Role], transaction: Transaction
    ) -> StaffAccount | None:
        return self._change_account(account_id, roles=tuple(sorted(roles)))

    async def set_password_hash(
        self, account_id: str, password_hash: str, transaction: Transaction
    ) -> StaffAccount | None:
        return self._change(account_id, password_hash=password_hash)

    async def set_pending_secret(self, account_id: str, secret: str) -> StaffAccount | None:
        return self._change(account_id, totp_pending=secret)

    async def enrol(self, account_id: str, secret: str, step: int) -> None:
        self._change(account_id, totp_secret=secret)
        self.last_steps[account_id] = step

    async def set_enrolment_ticket(self, account_id: str, ticket: EnrolmentTicket) -> None:
        self.tickets[ticket.ticket_hash] = (account_id, ticket)

    async def take_enrolment_ticket(
        self, ticket_hash: str, now: datetime
    ) -> tuple[StaffAccount, str] | None:
        held = self.tickets.get(ticket_hash)
        if held is None or held[1].expires_at <= now:
            return None
        del self.tickets[ticket_hash]
        account_id, ticket = held
        return self.account(account_id), ticket.secret

    async def use_totp_step(self, account_id: str, step: int) -> bool:
        if self.last_steps.get(account_id, -1) >= step:
            return False
        self.last_steps[account_id] = step
        return True

    def _change(self, account_id: str, **changes: object) -> StaffAccount | None:
        found = self.credentials.get(account_id)
        if found is None:
            return None
        self.credentials[account_id] = found.model_copy(update=changes)
        return found.account

    def _change_account(self, account_id: str, **changes: object) -> StaffAccount | None:
        found = self.credentials.get(account_id)
        if found is None:
            return None
        account = found.account.model_copy(update=changes)
        self.credentials[account_id] = found.model_copy(update={"account": account})
        return account


class FakeSignInAttemptStore:
    """Counted attempts per key with their locks, and attempts per address and minute."""

    def __init__(self) -> None:
        self.counted: dict[str, tuple[int, datetime]] = {}
        self.per_minute: dict[str, int] = {}

    async def reserve(
        self, key: str, now: datetime, *, max_attempts: int, lock_for: timedelta
    ) -> Reservation | datetime:
        attempts, locked_until = self.counted.get(key, (0, now))
        if locked_until <= now:
            attempts = 0
        if attempts >= max_attempts:
            return locked_until
        self.counted[key] = (attempts + 1, now + lock_for)
        return Reservation(key=key, attempts=attempts + 1)

    async def clear(self, key: str) -> None:
        self.counted.pop(key, None)

    def attempts(self, key: str) -> int:
        """How many attempts are counted for ``key``."""
        return self.counted.get(key, (0, None))[0]

    async def count_from_address(self, address: str, now: datetime) -> int:
        key = f"{address}|{now:%Y%m%d%H%M}"
        self.per_minute[key] = self.per_minute.get(key, 0) + 1
        return self.per_minute[key]


class FakeDeps:
    """Deps on fakes, with the fakes at hand for a test's assertions."""

    def __init__(self, sign_in: SignInPolicy | None = None) -> None:
        self.applications = FakeApplicationStore()
        self.accounts = FakeStaffAccountStore()
        self.attempts = FakeSignInAttemptStore()
        self.committer = FakeCommitter()
        self.clock = FixedClock()
        self.revoked = RevokedSessions()
        self.deps = Deps(
            applications=self.applications,
            accounts=self.accounts,
            attempts=self.attempts,
            committer=self.committer,
            # The lowest argon2 costs: real hashes, made in a moment.
            passwords=Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)),
            issuer=TokenIssuer(DEV_STAFF_SIGNING_KEY, session_minutes=480, idle_minutes=30),
            revoked=self.revoked,
            submission=SubmissionPolicy(
                duplicate_window=timedelta(minutes=10), idempotency_key_lifetime=timedelta(days=1)
            ),
            sign_in=sign_in or SignInPolicy(max_failures=3),
            clock=self.clock,
        )
