"""Staff accounts: sign-in checked with argon2, an atomic lock and throttle, demo accounts."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from digitalwell_intake import totp
from digitalwell_intake.store import Reservation, SignInAttemptStore, StaffAccountStore
from digitalwell_shared.contracts import IntegrationEvent, SessionEndReason, StaffSessionRevoked
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document, Transaction
from digitalwell_shared.staff import RevokedSessions, Role

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


REFUSED = (
    "wrong e-mail address or password; after repeated failures sign-in from your address is "
    "paused for a while"
)
"""The one answer to a wrong password, an unknown or disabled address and a lock alike, so an
answer tells a stranger neither which addresses have accounts nor which are locked."""


class SignInRefused(Exception):  # noqa: N818 - reads as the rule says it
    """The e-mail address and password do not sign anyone in; the message says why."""


class SignInThrottled(Exception):  # noqa: N818 - reads as the rule says it
    """Too many attempts from one client address: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many sign-in attempts from your address: try again shortly")
        self.retry_after = retry_after


class SecondFactorRefused(SignInRefused):
    """The password was right but the one-time code is missing, wrong or already used."""


class EnrolmentNeeded(Exception):  # noqa: N818 - reads as the rule says it
    """The password was right, and this role must enrol a one-time code app first.

    ``ticket`` lets the sign-in page finish the enrolment (and the sign-in) with a code.
    """

    def __init__(self, ticket: str, secret: str, email: str) -> None:
        super().__init__("enrol an authenticator app at the sign-in page to sign in")
        self.ticket = ticket
        self.secret = secret
        self.email = email


SECOND_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.COUNCIL_CHAIR})
_ENROLMENT_TICKET_LIFETIME = timedelta(minutes=10)


class AccountExists(Exception):  # noqa: N818 - reads as the rule says it
    """An account with this e-mail address exists."""


class AccountNotFound(LookupError):  # noqa: N818 - reads as the rule says it
    """No staff account has this id."""


class PasswordRefused(ValueError):  # noqa: N818 - reads as the rule says it
    """The password may not be used; the message says why."""


@dataclass(frozen=True, slots=True)
class LockPolicy:
    """How many failed sign-ins lock an account for one client address, and for how long.

    ``per_address_per_minute`` (None: no limit) throttles every attempt from one address.
    """

    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)
    per_address_per_minute: int | None = None


Write = Callable[[Transaction], Awaitable[Sequence[tuple[IntegrationEvent, Envelope]]]]


@dataclass
class SessionEnding:
    """Ends sessions: StaffSessionRevoked in the outbox, in the transaction of its cause.

    ``commit_with_events`` and ``envelope_for`` are the runtime's; ``revoked`` is this
    replica's StaffAuth.revoked, told at once (every replica learns it from the event).
    """

    commit_with_events: Callable[[Write], Awaitable[None]]
    envelope_for: Callable[[IntegrationEvent], Envelope]
    revoked: RevokedSessions

    async def end(
        self,
        staff_id: str,
        reason: SessionEndReason,
        *,
        session_id: str | None = None,
        change: Callable[[Transaction], Awaitable[bool]] | None = None,
    ) -> None:
        """Revoke one session (``session_id``) or all of the person's, after ``change``.

        ``change`` writes the account in the same transaction and returns False when there is
        no account, which ends nothing and raises AccountNotFound.
        """
        event = StaffSessionRevoked(
            staff_id=staff_id, session_id=session_id, reason=reason, revoked_at=datetime.now(UTC)
        )

        async def write(session: Transaction) -> Sequence[tuple[IntegrationEvent, Envelope]]:
            if change is not None and not await change(session):
                raise AccountNotFound(staff_id)
            return [(event, self.envelope_for(event))]

        await self.commit_with_events(write)
        self.revoked.add(staff_id, session_id, event.revoked_at)
        log.info("staff sessions ended", staff_id=staff_id, reason=reason.value)


@dataclass
class Accounts:
    """Checks passwords and keeps staff accounts; hashing runs in a thread, off the event loop."""

    store: StaffAccountStore
    attempts: SignInAttemptStore
    production: bool
    lock_policy: LockPolicy
    hasher: PasswordHasher
    sessions: SessionEnding
    # Administrators and chairs must give a one-time code (always so in production).
    totp_required: bool = False

    @cached_property
    def _decoy_hash(self) -> str:
        # An unknown address costs as much time as a wrong password, so timing tells nothing.
        return self.hasher.hash(uuid.uuid4().hex)

    async def sign_in(self, email: str, password: str, *, client: str, totp: str = "") -> Document:
        """The account ``email`` and ``password`` sign in from ``client``; SignInRefused if not.

        Every refusal runs exactly one argon2 verification (against a decoy hash when the
        password is not to be checked), so a refusal takes the same time whatever its cause.
        """
        now = datetime.now(UTC)
        email = email.strip().lower()
        policy = self.lock_policy
        if policy.per_address_per_minute is not None:
            counted = await self.attempts.count_from_address(client, now)
            if counted > policy.per_address_per_minute:
                raise SignInThrottled(60 - now.second)
        # Unknown addresses are locked the same way, so a lock says nothing about an account.
        key = f"{email}|{client}"
        reserved = await self.attempts.reserve(
            key, now, max_attempts=policy.max_failures, lock_for=policy.lock_for
        )
        account = await self.store.by_email(email)
        if not isinstance(reserved, Reservation) or account is None or account.get("disabled"):
            await self._verify(self._decoy_hash, password)
            log.warning("staff sign-in refused", locked=not isinstance(reserved, Reservation))
            raise SignInRefused(REFUSED)
        if not await self._verify(account["password_hash"], password):
            log.warning("staff sign-in refused", staff_id=account["_id"], attempt=reserved.attempts)
            raise SignInRefused(REFUSED)
        if self.production and password == DEMO_PASSWORD:
            raise SignInRefused(
                "this account still has the demo password, which production refuses; "
                "ask an administrator to set a new one"
            )
        await self._second_factor(account, totp, now)
        await self.attempts.clear(key)
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
            "disabled": False,
            "created_at": datetime.now(UTC),
        }
        if not await self.store.insert(account):
            raise AccountExists(email)
        log.info("staff account created", staff_id=account["_id"], roles=account["roles"])
        return account

    async def _second_factor(self, account: Document, code: str, now: datetime) -> None:
        """Check the one-time code of an enrolled account, or one whose role must have one.

        A wrong code leaves the attempt counted, so codes are guessed under the same lock.
        """
        secret = account.get("totp_secret")
        if secret is None:
            roles = {Role(role) for role in account["roles"]}
            if self.totp_required and not roles.isdisjoint(SECOND_FACTOR_ROLES):
                ticket, new = await self._enrolment_ticket(account["_id"], now)
                raise EnrolmentNeeded(ticket, new, account["email"])
            return
        step = totp.matching_step(secret, code, now)
        if step is None:
            raise SecondFactorRefused("enter the current one-time code from your authenticator app")
        if not await self.store.use_totp_step(account["_id"], step):
            raise SecondFactorRefused("this one-time code was used already: wait for the next one")

    async def _enrolment_ticket(self, account_id: str, now: datetime) -> tuple[str, str]:
        ticket, secret = secrets.token_urlsafe(32), totp.new_secret()
        await self.store.change(
            account_id,
            {
                "totp_ticket": {
                    "hash": _ticket_hash(ticket),
                    "secret": secret,
                    "expires_at": now + _ENROLMENT_TICKET_LIFETIME,
                }
            },
        )
        return ticket, secret

    async def enrol_at_sign_in(self, ticket: str, code: str) -> Document:
        """Finish a sign-in that needed an enrolment: the first code from the new app.

        SecondFactorRefused when the ticket has run out (or was used) or the code is wrong; the
        person then signs in again.
        """
        now = datetime.now(UTC)
        account = await self.store.by_enrolment_ticket(_ticket_hash(ticket), now)
        if account is None:
            raise SecondFactorRefused("the sign-in has expired: sign in again")
        secret = account["totp_ticket"]["secret"]
        step = totp.matching_step(secret, code, now)
        if step is None:
            raise SecondFactorRefused("that code is not right: sign in again and scan anew")
        await self.store.change(account["_id"], {"totp_secret": secret, "totp_last_step": step})
        log.info("one-time codes enrolled", staff_id=account["_id"])
        return account

    async def start_enrolment(self, account_id: str) -> str:
        """A new secret for a signed-in person's app, kept pending until a code confirms it."""
        secret = totp.new_secret()
        if await self.store.change(account_id, {"totp_pending": secret}) is None:
            raise AccountNotFound(account_id)
        return secret

    async def confirm_enrolment(self, account_id: str, code: str) -> None:
        """Make the pending secret the account's, given a code from it; SecondFactorRefused."""
        account = await self._account(account_id)
        secret = account.get("totp_pending")
        step = totp.matching_step(secret, code, datetime.now(UTC)) if secret else None
        if secret is None or step is None:
            raise SecondFactorRefused("that code is not right: scan the code and try again")
        await self.store.change(account_id, {"totp_secret": secret, "totp_last_step": step})
        log.info("one-time codes enrolled", staff_id=account_id)

    async def sign_out(self, staff_id: str, session_id: str) -> None:
        """End one session: the person signed out."""
        await self.sessions.end(staff_id, SessionEndReason.SIGNED_OUT, session_id=session_id)

    async def set_disabled(self, account_id: str, *, disabled: bool) -> Document:
        """Disable (ending every session) or enable an account; AccountNotFound if none."""
        if not disabled:
            return await self._change(account_id, {"disabled": False})
        await self.sessions.end(
            account_id,
            SessionEndReason.ACCOUNT_DISABLED,
            change=self._changer(account_id, {"disabled": True}),
        )
        return await self._account(account_id)

    async def set_roles(self, account_id: str, roles: Iterable[Role]) -> Document:
        """Give the account these roles, ending its sessions (their tokens name the old ones)."""
        await self.sessions.end(
            account_id,
            SessionEndReason.ROLES_CHANGED,
            change=self._changer(account_id, {"roles": sorted(role.value for role in roles)}),
        )
        return await self._account(account_id)

    async def reset_password(self, account_id: str, password: str) -> Document:
        """An administrator sets a new password; every session of the person ends."""
        self.check_password(password)
        password_hash = await asyncio.to_thread(self.hasher.hash, password)
        await self.sessions.end(
            account_id,
            SessionEndReason.PASSWORD_RESET,
            change=self._changer(account_id, {"password_hash": password_hash}),
        )
        return await self._account(account_id)

    async def change_password(
        self, account_id: str, current: str, new: str, *, client: str
    ) -> Document:
        """The person sets a new password, giving the current one; every session ends.

        The current password is checked under the same lock as sign-in, so a stolen session
        cannot be used to guess it. SignInRefused when it is wrong.
        """
        self.check_password(new)
        account = await self.store.by_id(account_id)
        if account is None:
            raise AccountNotFound(account_id)
        key = f"{account['email']}|{client}"
        reserved = await self.attempts.reserve(
            key,
            datetime.now(UTC),
            max_attempts=self.lock_policy.max_failures,
            lock_for=self.lock_policy.lock_for,
        )
        checked = isinstance(reserved, Reservation)
        if not await self._verify(
            account["password_hash"] if checked else self._decoy_hash, current
        ):
            raise SignInRefused("the current password is not right")
        if not checked:
            raise SignInRefused("the current password is not right")
        await self.attempts.clear(key)
        password_hash = await asyncio.to_thread(self.hasher.hash, new)
        await self.sessions.end(
            account_id,
            SessionEndReason.PASSWORD_CHANGED,
            change=self._changer(account_id, {"password_hash": password_hash}),
        )
        return await self._account(account_id)

    def _changer(
        self, account_id: str, changes: Document
    ) -> Callable[[Transaction], Awaitable[bool]]:
        async def change(session: Transaction) -> bool:
            return await self.store.change(account_id, changes, session) is not None

        return change

    async def _change(self, account_id: str, changes: Document) -> Document:
        changed = await self.store.change(account_id, changes)
        if changed is None:
            raise AccountNotFound(account_id)
        return changed

    async def _account(self, account_id: str) -> Document:
        account = await self.store.by_id(account_id)
        if account is None:
            raise AccountNotFound(account_id)
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

    async def bootstrap_administrator(self, email: str, password: str) -> bool:
        """Create the first administrator unless the address has an account; True if created."""
        if await self.store.by_email(email) is not None:
            return False
        try:
            await self.create(email, "Administrator", [Role.ADMINISTRATOR], password)
        except AccountExists:  # another intake process created it a moment ago
            return False
        return True

    async def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self.hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def _ticket_hash(ticket: str) -> str:
    # Only the hash is stored: a reader of the database cannot finish someone's sign-in.
    return hashlib.sha256(ticket.encode()).hexdigest()
