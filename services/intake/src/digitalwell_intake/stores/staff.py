"""Staff accounts (who may sign in, with which roles) and the sign-in attempts that lock them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from digitalwell_intake.records import EnrolmentTicket, Reservation, StaffAccount, StaffCredentials
from digitalwell_shared.mongo import UNCLAIMED, Database, Document, Transaction
from digitalwell_shared.staff import Role

# What an account's readers never get: hashes and one-time code secrets.
_HIDDEN = {"password_hash": 0, "totp_secret": 0, "totp_pending": 0, "totp_ticket": 0}


class StaffAccountStore(Protocol):
    """What the use cases need of the staff accounts."""

    async def by_email(self, email: str) -> StaffCredentials | None:
        """The account signed in with ``email`` (any case), if any."""
        ...

    async def by_id(self, account_id: str) -> StaffCredentials | None:
        """The account with this id, if any."""
        ...

    async def insert(self, account: StaffAccount, password_hash: str) -> bool:
        """Store a new account; False when its e-mail address has one already."""
        ...

    async def emails(self, emails: list[str]) -> set[str]:
        """Which of ``emails`` have an account."""
        ...

    async def list(self) -> list[StaffAccount]:
        """Every account, by e-mail address."""
        ...

    async def record_success(self, account_id: str, at: datetime, new_hash: str | None) -> None:
        """Note the sign-in, and store a re-hashed password if given."""
        ...

    async def set_disabled(
        self, account_id: str, *, disabled: bool, transaction: Transaction | None = None
    ) -> StaffAccount | None:
        """Disable or enable the account; the account now, None if there is none."""
        ...

    async def set_roles(
        self, account_id: str, roles: Iterable[Role], transaction: Transaction
    ) -> StaffAccount | None:
        """Give the account these roles; the account now, None if there is none."""
        ...

    async def set_password_hash(
        self, account_id: str, password_hash: str, transaction: Transaction
    ) -> StaffAccount | None:
        """Store a new password's hash; the account now, None if there is none."""
        ...

    async def set_pending_secret(self, account_id: str, secret: str) -> StaffAccount | None:
        """Keep a new app's secret until a code confirms it; None if there is no account."""
        ...

    async def enrol(self, account_id: str, secret: str, step: int) -> None:
        """Make ``secret`` the account's one-time code secret, ``step`` its last code used."""
        ...

    async def set_enrolment_ticket(self, account_id: str, ticket: EnrolmentTicket) -> None:
        """Let a sign-in that must enrol an app finish with this ticket."""
        ...

    async def take_enrolment_ticket(
        self, ticket_hash: str, now: datetime
    ) -> tuple[StaffAccount, str] | None:
        """The account an unexpired ticket belongs to and its new secret, taking the ticket."""
        ...

    async def use_totp_step(self, account_id: str, step: int) -> bool:
        """Take one-time-code step ``step``; False when it (or a later one) was used already."""
        ...


class SignInAttemptStore(Protocol):
    """What the use cases need of the sign-in attempts: the lock and the throttle."""

    async def reserve(
        self, key: str, now: datetime, *, max_attempts: int, lock_for: timedelta
    ) -> Reservation | datetime:
        """An attempt for ``key``, or when the lock that refuses one ends."""
        ...

    async def clear(self, key: str) -> None:
        """A correct sign-in: its earlier failures no longer count."""
        ...

    async def count_from_address(self, address: str, now: datetime) -> int:
        """Count one attempt from ``address`` in the current minute; the minute's count so far."""
        ...


class MongoStaffAccountStore:
    """Staff accounts in ``staff_accounts``, one per e-mail address (stored in lower case)."""

    def __init__(self, database: Database) -> None:
        self._accounts = database["staff_accounts"]

    async def ensure_indexes(self) -> None:
        """One account per e-mail address."""
        await self._accounts.create_index("email", unique=True)

    async def by_email(self, email: str) -> StaffCredentials | None:
        """The account signed in with ``email``, if any."""
        found = await self._accounts.find_one({"email": email.lower()})
        return _credentials(found) if found is not None else None

    async def by_id(self, account_id: str) -> StaffCredentials | None:
        """The account with this id, if any."""
        found = await self._accounts.find_one({"_id": account_id})
        return _credentials(found) if found is not None else None

    async def insert(self, account: StaffAccount, password_hash: str) -> bool:
        """Store a new account; False when its e-mail address has one already."""
        document: Document = {
            "_id": account.id,
            "email": account.email.lower(),
            "name": account.name,
            "roles": sorted(role.value for role in account.roles),
            "password_hash": password_hash,
            "disabled": account.disabled,
            "created_at": account.created_at,
        }
        try:
            await self._accounts.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    async def emails(self, emails: list[str]) -> set[str]:
        """Which of ``emails`` have an account."""
        cursor = self._accounts.find({"email": {"$in": emails}}, {"email": 1})
        return {account["email"] async for account in cursor}

    async def list(self) -> list[StaffAccount]:
        """Every account, by e-mail address, read without password hashes and code secrets."""
        cursor = self._accounts.find({}, _HIDDEN).sort("email", 1)
        return [_account(found) async for found in cursor]

    async def record_success(self, account_id: str, at: datetime, new_hash: str | None) -> None:
        """Note the sign-in, and store a re-hashed password if given."""
        changes: Document = {"last_sign_in_at": at}
        if new_hash is not None:
            changes["password_hash"] = new_hash
        await self._accounts.update_one({"_id": account_id}, {"$set": changes})

    async def set_disabled(
        self, account_id: str, *, disabled: bool, transaction: Transaction | None = None
    ) -> StaffAccount | None:
        """Disable or enable the account; the account now, None if there is none."""
        return await self._change(account_id, {"disabled": disabled}, transaction)

    async def set_roles(
        self, account_id: str, roles: Iterable[Role], transaction: Transaction
    ) -> StaffAccount | None:
        """Give the account these roles; the account now, None if there is none."""
        changes = {"roles": sorted(role.value for role in roles)}
        return await self._change(account_id, changes, transaction)

    async def set_password_hash(
        self, account_id: str, password_hash: str, transaction: Transaction
    ) -> StaffAccount | None:
        """Store a new password's hash; the account now, None if there is none."""
        return await self._change(account_id, {"password_hash": password_hash}, transaction)

    async def set_pending_secret(self, account_id: str, secret: str) -> StaffAccount | None:
        """Keep a new app's secret until a code confirms it; None if there is no account."""
        return await self._change(account_id, {"totp_pending": secret})

    async def enrol(self, account_id: str, secret: str, step: int) -> None:
        """Make ``secret`` the account's one-time code secret, ``step`` its last code used."""
        await self._change(account_id, {"totp_secret": secret, "totp_last_step": step})

    async def set_enrolment_ticket(self, account_id: str, ticket: EnrolmentTicket) -> None:
        """Let a sign-in that must enrol an app finish with this ticket."""
        stored = {
            "hash": ticket.ticket_hash,
            "secret": ticket.secret,
            "expires_at": ticket.expires_at,
        }
        await self._change(account_id, {"totp_ticket": stored})

    async def take_enrolment_ticket(
        self, ticket_hash: str, now: datetime
    ) -> tuple[StaffAccount, str] | None:
        """The account an unexpired ticket belongs to and its new secret, taking the ticket."""
        found: Document | None = await self._accounts.find_one_and_update(
            {"totp_ticket.hash": ticket_hash, "totp_ticket.expires_at": {"$gt": now}},
            {"$unset": {"totp_ticket": ""}},
        )
        if found is None:
            return None
        return _account(found), str(found["totp_ticket"]["secret"])

    async def use_totp_step(self, account_id: str, step: int) -> bool:
        """Take one-time-code step ``step``; False when it (or a later one) was used already."""
        result = await self._accounts.update_one(
            {"_id": account_id, "totp_last_step": {"$lt": step}}, {"$set": {"totp_last_step": step}}
        )
        return result.modified_count == 1

    async def _change(
        self, account_id: str, changes: Document, transaction: Transaction | None = None
    ) -> StaffAccount | None:
        found: Document | None = await self._accounts.find_one_and_update(
            {"_id": account_id},
            {"$set": changes},
            projection=_HIDDEN,
            return_document=ReturnDocument.AFTER,
            session=transaction,
        )
        return _account(found) if found is not None else None


def _account(document: Document) -> StaffAccount:
    return StaffAccount(
        id=document["_id"],
        email=document["email"],
        name=document["name"],
        roles=tuple(Role(role) for role in document["roles"]),
        disabled=bool(document.get("disabled")),
        created_at=document["created_at"],
        last_sign_in_at=document.get("last_sign_in_at"),
    )


def _credentials(document: Document) -> StaffCredentials:
    return StaffCredentials(
        account=_account(document),
        password_hash=document["password_hash"],
        totp_secret=document.get("totp_secret"),
        totp_pending=document.get("totp_pending"),
    )


class MongoSignInAttemptStore:
    """Failed sign-in attempts per (account, client address), and attempts per address.

    The lock is decided here, in the database, so that however many guesses arrive at once (in
    any number of intake processes) at most ``max_attempts`` are let through to the password.
    """

    def __init__(self, database: Database) -> None:
        self._attempts = database["sign_in_attempts"]
        self._rates = database["sign_in_rates"]

    async def reserve(
        self, key: str, now: datetime, *, max_attempts: int, lock_for: timedelta
    ) -> Reservation | datetime:
        """An attempt for ``key``, or when the lock that refuses one ends."""
        # Failures older than the lock's length are forgotten: nothing was tried since.
        await self._attempts.update_one(
            {"_id": key, "locked_until": {"$lte": now}}, {"$set": {"attempts": 0}}
        )
        with contextlib.suppress(DuplicateKeyError):  # a concurrent attempt made it just now
            await self._attempts.update_one(
                {"_id": key},
                {"$setOnInsert": {"attempts": 0, "locked_until": UNCLAIMED}},
                upsert=True,
            )
        # The one atomic step: count this attempt only while fewer than the most are counted.
        taken: Document | None = await self._attempts.find_one_and_update(
            {"_id": key, "attempts": {"$lt": max_attempts}},
            {"$inc": {"attempts": 1}, "$set": {"locked_until": now + lock_for}},
            return_document=ReturnDocument.AFTER,
        )
        if taken is not None:
            return Reservation(key=key, attempts=int(taken["attempts"]))
        locked: Document | None = await self._attempts.find_one({"_id": key})
        return locked["locked_until"] if locked is not None else now + lock_for

    async def clear(self, key: str) -> None:
        """A correct sign-in: its earlier failures no longer count."""
        await self._attempts.delete_one({"_id": key})

    async def attempts(self, key: str) -> int:
        """How many attempts are counted for ``key`` (for tests and the operator)."""
        found = await self._attempts.find_one({"_id": key})
        return int(found["attempts"]) if found is not None else 0

    async def count_from_address(self, address: str, now: datetime) -> int:
        """Count one attempt from ``address`` in the current minute; the minute's count so far."""
        key = f"{address}|{now:%Y%m%d%H%M}"
        for _ in range(2):
            try:
                counted: Document | None = await self._rates.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"attempts": 1}, "$setOnInsert": {"minute": now}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:  # two first attempts of the minute: the other inserted
                continue
            return int(counted["attempts"]) if counted is not None else 1
        return 1
