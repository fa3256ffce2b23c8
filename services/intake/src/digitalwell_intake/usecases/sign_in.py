"""Staff sign-in: the password under an atomic lock and throttle, one-time codes, sign-out.

Every refusal of a password runs exactly one argon2 verification (against a decoy hash when
the password is not to be checked), so a refusal takes the same time whatever its cause.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from digitalwell_intake import totp
from digitalwell_intake.deps import Deps
from digitalwell_intake.domain import (
    DEMO_PASSWORD,
    REFUSED,
    SECOND_FACTOR_ROLES,
    AccountNotFoundError,
    EnrolmentNeededError,
    SecondFactorRefusedError,
    SignInRefusedError,
    SignInThrottledError,
    check_password,
    sign_in_key,
    ticket_hash,
)
from digitalwell_intake.records import EnrolmentTicket, Reservation, StaffAccount, StaffCredentials
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import SessionEndReason, StaffSessionRevoked
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import SessionToken, StaffMember

log = get_logger(__name__)

_ENROLMENT_TICKET_LIFETIME = timedelta(minutes=10)

AccountChange = Callable[[Transaction], Awaitable[StaffAccount | None]]
"""A write to an account in the transaction that ends its sessions; None: no such account."""


async def sign_in(
    deps: Deps, email: str, password: str, *, client: str, totp_code: str = ""
) -> StaffAccount:
    """The account ``email`` and ``password`` sign in from ``client``; SignInRefusedError if not.

    SignInThrottledError when ``client`` tried too often this minute; EnrolmentNeededError when
    the account's role must enrol an authenticator app first.
    """
    now = deps.clock()
    email = email.strip().lower()
    policy = deps.sign_in
    if policy.per_address_per_minute is not None:
        counted = await deps.attempts.count_from_address(client, now)
        if counted > policy.per_address_per_minute:
            raise SignInThrottledError(60 - now.second)
    # Unknown addresses are locked the same way, so a lock says nothing about an account.
    key = sign_in_key(email, client)
    reserved = await deps.attempts.reserve(
        key, now, max_attempts=policy.max_failures, lock_for=policy.lock_for
    )
    found = await deps.accounts.by_email(email)
    if not isinstance(reserved, Reservation) or found is None or found.account.disabled:
        await deps.passwords.verify(deps.passwords.decoy_hash, password)
        log.warning("staff sign-in refused", locked=not isinstance(reserved, Reservation))
        raise SignInRefusedError(REFUSED)
    account = found.account
    if not await deps.passwords.verify(found.password_hash, password):
        log.warning("staff sign-in refused", staff_id=account.id, attempt=reserved.attempts)
        raise SignInRefusedError(REFUSED)
    if policy.production and password == DEMO_PASSWORD:
        raise SignInRefusedError(
            "this account still has the demo password, which production refuses; "
            "ask an administrator to set a new one"
        )
    await _second_factor(deps, found, totp_code, now)
    await deps.attempts.clear(key)
    rehash = (
        await deps.passwords.hash(password)
        if deps.passwords.needs_rehash(found.password_hash)
        else None
    )
    await deps.accounts.record_success(account.id, now, rehash)
    log.info("staff signed in", staff_id=account.id)
    return account


async def _second_factor(deps: Deps, found: StaffCredentials, code: str, now: datetime) -> None:
    """Check the one-time code of an enrolled account, or one whose role must have one.

    A wrong code leaves the attempt counted, so codes are guessed under the same lock.
    """
    account = found.account
    if found.totp_secret is None:
        if deps.sign_in.totp_required and not SECOND_FACTOR_ROLES.isdisjoint(account.roles):
            ticket, secret = secrets.token_urlsafe(32), totp.new_secret()
            await deps.accounts.set_enrolment_ticket(
                account.id,
                EnrolmentTicket(
                    ticket_hash=ticket_hash(ticket),
                    secret=secret,
                    expires_at=now + _ENROLMENT_TICKET_LIFETIME,
                ),
            )
            raise EnrolmentNeededError(ticket, secret, account.email)
        return
    step = totp.matching_step(found.totp_secret, code, now)
    if step is None:
        raise SecondFactorRefusedError(
            "enter the current one-time code from your authenticator app"
        )
    if not await deps.accounts.use_totp_step(account.id, step):
        raise SecondFactorRefusedError("this one-time code was used already: wait for the next one")


async def enrol_at_sign_in(deps: Deps, ticket: str, code: str) -> StaffAccount:
    """Finish a sign-in that needed an enrolment: the first code from the new app.

    SecondFactorRefusedError when the ticket has run out (or was used) or the code is wrong;
    the person then signs in again.
    """
    now = deps.clock()
    taken = await deps.accounts.take_enrolment_ticket(ticket_hash(ticket), now)
    if taken is None:
        raise SecondFactorRefusedError("the sign-in has expired: sign in again")
    account, secret = taken
    step = totp.matching_step(secret, code, now)
    if step is None:
        raise SecondFactorRefusedError("that code is not right: sign in again and scan anew")
    await deps.accounts.enrol(account.id, secret, step)
    log.info("one-time codes enrolled", staff_id=account.id)
    return account


async def start_enrolment(deps: Deps, account_id: str) -> str:
    """A new secret for a signed-in person's app, kept pending until a code confirms it."""
    secret = totp.new_secret()
    if await deps.accounts.set_pending_secret(account_id, secret) is None:
        raise AccountNotFoundError(account_id)
    return secret


async def confirm_enrolment(deps: Deps, account_id: str, code: str) -> None:
    """Make the pending secret the account's, given a code from it; SecondFactorRefusedError."""
    found = await deps.accounts.by_id(account_id)
    if found is None:
        raise AccountNotFoundError(account_id)
    secret = found.totp_pending
    step = totp.matching_step(secret, code, deps.clock()) if secret else None
    if secret is None or step is None:
        raise SecondFactorRefusedError("that code is not right: scan the code and try again")
    await deps.accounts.enrol(account_id, secret, step)
    log.info("one-time codes enrolled", staff_id=account_id)


async def change_password(
    deps: Deps, account_id: str, current: str, new: str, *, client: str
) -> StaffAccount:
    """The person sets a new password, giving the current one; every session ends.

    The current password is checked under the same lock as sign-in, so a stolen session
    cannot be used to guess it. SignInRefusedError when it is wrong.
    """
    check_password(new, production=deps.sign_in.production)
    found = await deps.accounts.by_id(account_id)
    if found is None:
        raise AccountNotFoundError(account_id)
    key = sign_in_key(found.account.email, client)
    reserved = await deps.attempts.reserve(
        key,
        deps.clock(),
        max_attempts=deps.sign_in.max_failures,
        lock_for=deps.sign_in.lock_for,
    )
    checked = isinstance(reserved, Reservation)
    against = found.password_hash if checked else deps.passwords.decoy_hash
    if not await deps.passwords.verify(against, current) or not checked:
        raise SignInRefusedError("the current password is not right")
    await deps.attempts.clear(key)
    password_hash = await deps.passwords.hash(new)

    async def change(transaction: Transaction) -> StaffAccount | None:
        return await deps.accounts.set_password_hash(account_id, password_hash, transaction)

    return await end_sessions(deps, account_id, SessionEndReason.PASSWORD_CHANGED, change=change)


async def sign_out(deps: Deps, staff_id: str, session_id: str) -> None:
    """End one session: the person signed out."""
    event = _revocation(deps, staff_id, SessionEndReason.SIGNED_OUT, session_id)

    async def write(_transaction: Transaction) -> Written[None]:
        return Written(None, [(event, deps.committer.envelope_for(event))])

    await deps.committer.commit_with_events(write)
    _ended(deps, event)


def issue_token(
    deps: Deps, account: StaffAccount, renewing: StaffMember | None = None
) -> SessionToken:
    """A new session for ``account``, or ``renewing`` that session with the account's roles."""
    return deps.issuer.issue(
        staff_id=account.id,
        email=account.email,
        name=account.name,
        roles=account.roles,
        session_id=renewing.session_id if renewing else None,
        started_at=renewing.session_started_at if renewing else None,
    )


async def renew(deps: Deps, member: StaffMember) -> SessionToken | None:
    """The person's session renewed for another idle period; None when it may not go on.

    The account is read again: a disabled account ends here, and the roles are the current
    ones. A session past its maximum length is not renewed.
    """
    if member.session_started_at is None:  # a provider's access token: the provider renews it
        return None
    if member.session_started_at + deps.issuer.session_length <= deps.clock():
        return None
    if member.id.startswith("oidc:"):
        # Signed in at the region's provider: no account here, and the roles stay the token's.
        return deps.issuer.issue(
            staff_id=member.id,
            email=member.email,
            name=member.name,
            roles=member.roles,
            session_id=member.session_id,
            started_at=member.session_started_at,
        )
    found = await deps.accounts.by_id(member.id)
    if found is None or found.account.disabled:
        return None
    return issue_token(deps, found.account, renewing=member)


async def end_sessions(
    deps: Deps, staff_id: str, reason: SessionEndReason, *, change: AccountChange
) -> StaffAccount:
    """End every session of the person, after ``change``; the account as it is now.

    StaffSessionRevoked goes to the outbox in the transaction of its cause: ``change`` writes
    the account in the same transaction, and when it finds no account nothing ends and
    AccountNotFoundError is raised.
    """
    event = _revocation(deps, staff_id, reason, None)

    async def write(transaction: Transaction) -> Written[StaffAccount]:
        account = await change(transaction)
        if account is None:
            raise AccountNotFoundError(staff_id)
        return Written(account, [(event, deps.committer.envelope_for(event))])

    account = await deps.committer.commit_with_events(write)
    _ended(deps, event)
    return account


def _revocation(
    deps: Deps, staff_id: str, reason: SessionEndReason, session_id: str | None
) -> StaffSessionRevoked:
    return StaffSessionRevoked(
        staff_id=staff_id, session_id=session_id, reason=reason, revoked_at=deps.clock()
    )


def _ended(deps: Deps, event: StaffSessionRevoked) -> None:
    """Refuse the ended sessions here at once; the other replicas learn it from the event."""
    deps.revoked.add(event.staff_id, event.session_id, event.revoked_at)
    log.info("staff sessions ended", staff_id=event.staff_id, reason=event.reason.value)
