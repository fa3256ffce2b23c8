"""The only module that talks to intake's MongoDB database."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from digitalwell_intake.domain import ApplicationStatus, TimelineEntry, TimelineKind
from digitalwell_shared.contracts import Decision, SupportGranted
from digitalwell_shared.mongo import UNCLAIMED, Database, Document, Transaction


@dataclass(frozen=True, slots=True)
class Claim:
    """A key that at most one live application holds: a duplicate key or an Idempotency-Key."""

    key: str
    application_id: str
    fingerprint: str
    expires_at: datetime


class ClaimTaken(Exception):  # noqa: N818 - a signal, not a failure
    """Another application holds this claim and it has not expired."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ApplicationStore:
    """Applications with their timelines, and the claims that keep submissions single."""

    def __init__(self, database: Database) -> None:
        self._applications = database["applications"]
        self._claims = database["claims"]
        self._case_series = database["case_series"]
        # Every submission's transaction writes the year's counter, so concurrent ones conflict
        # and the database aborts and retries them; within a process they take turns instead,
        # which is far cheaper (on the embedded database many times so). Processes still race
        # safely: the transaction decides.
        self.numbering = asyncio.Lock()

    async def ensure_indexes(self) -> None:
        """Indexes the queries need; safe to call on every start."""
        # Claims are unique by _id; expired ones are only clean-up, the claim logic ignores them.
        await self._claims.create_index("expires_at", expireAfterSeconds=0)
        # The registrar's list: newest first, optionally of one status.
        await self._applications.create_index([("submitted_at", DESCENDING)])
        await self._applications.create_index([("status", ASCENDING), ("submitted_at", DESCENDING)])

    async def claim(self, claim: Claim, now: datetime, session: Transaction) -> None:
        """Take ``claim`` for its application, or raise ClaimTaken if a live one holds it.

        One upsert, so two submissions at the same moment cannot both take it: the filter
        matches only an expired claim, and when a live one exists the upsert's insert of the
        same _id fails on the unique _id index.
        """
        try:
            await self._claims.update_one(
                {"_id": claim.key, "expires_at": {"$lte": now}},
                {
                    "$set": {
                        "application_id": claim.application_id,
                        "fingerprint": claim.fingerprint,
                        "expires_at": claim.expires_at,
                    }
                },
                upsert=True,
                session=session,
            )
        except DuplicateKeyError as taken:
            raise ClaimTaken(claim.key) from taken

    async def live_claim(self, key: str, now: datetime) -> Claim | None:
        """The claim on ``key`` if it has not expired."""
        found = await self._claims.find_one({"_id": key, "expires_at": {"$gt": now}})
        if found is None:
            return None
        return Claim(
            key=found["_id"],
            application_id=found["application_id"],
            fingerprint=found["fingerprint"],
            expires_at=found["expires_at"],
        )

    async def next_in_series(self, series: str, session: Transaction) -> int:
        """The next number of a registration series, in the submission's transaction.

        Numbers are taken in the transaction that stores the application, so a submission that
        fails or turns out to be a duplicate leaves no gap in the register.
        """
        counter = await self._case_series.find_one_and_update(
            {"_id": series},
            {"$inc": {"last": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        assert counter is not None  # noqa: S101 - an upsert returning the document after
        return int(counter["last"])

    async def insert(self, application: Document, session: Transaction) -> None:
        """Store a new application; its first timeline entry is in ``application``."""
        await self._applications.insert_one(application, session=session)

    async def registered(self, status: ApplicationStatus | None, limit: int) -> list[Document]:
        """Applications as registered, newest first, optionally of one status."""
        query = {} if status is None else {"status": status.value}
        cursor = self._applications.find(query).sort("submitted_at", DESCENDING).limit(limit)
        return [application async for application in cursor]

    async def get(self, application_id: str, session: Transaction | None = None) -> Document | None:
        """One application, with its timeline."""
        return await self._applications.find_one({"_id": application_id}, session=session)

    async def move(
        self,
        application_id: str,
        *,
        expected: ApplicationStatus,
        status: ApplicationStatus,
        entry: TimelineEntry,
        session: Transaction,
    ) -> None:
        """Set the status and append ``entry``, if the status is still ``expected``.

        In a transaction the status was read in the same snapshot, so the filter always
        matches; it is there so that a write outside one cannot undo a concurrent move.
        """
        await self._applications.update_one(
            {"_id": application_id, "status": expected.value},
            {
                "$set": {"status": status.value, "updated_at": entry.at},
                "$push": {"timeline": timeline_document(entry)},
            },
            session=session,
        )


def timeline_document(entry: TimelineEntry) -> Document:
    """A timeline entry as it is stored."""
    document: Document = {"kind": entry.kind.value, "at": entry.at}
    if entry.kind is TimelineKind.DECIDED:
        document["decision"] = entry.decision.value if entry.decision else None
        document["support_granted"] = [s.model_dump(mode="json") for s in entry.support_granted]
        document["motivation"] = entry.motivation
        document["decided_by"] = entry.decided_by
    if entry.kind is TimelineKind.WITHDRAWN:
        document["reason"] = entry.reason
    return document


def timeline_entries(application: Document) -> list[TimelineEntry]:
    """A stored application's timeline."""
    return [_entry(document) for document in application.get("timeline", [])]


def _entry(document: dict[str, Any]) -> TimelineEntry:
    decision = document.get("decision")
    return TimelineEntry(
        kind=TimelineKind(document["kind"]),
        at=document["at"],
        decision=Decision(decision) if decision else None,
        support_granted=tuple(
            SupportGranted.model_validate(s) for s in document.get("support_granted", [])
        ),
        motivation=document.get("motivation", ""),
        decided_by=document.get("decided_by", ""),
        reason=document.get("reason", ""),
    )


class StaffAccountStore:
    """Staff accounts: who may sign in, with which roles, and their failed attempts."""

    def __init__(self, database: Database) -> None:
        self._accounts = database["staff_accounts"]

    async def ensure_indexes(self) -> None:
        """One account per e-mail address (stored in lower case)."""
        await self._accounts.create_index("email", unique=True)

    async def by_email(self, email: str) -> Document | None:
        """The account signed in with ``email``, if any."""
        return await self._accounts.find_one({"email": email.lower()})

    async def insert(self, account: Document) -> bool:
        """Store a new account; False when its e-mail address has one already."""
        try:
            await self._accounts.insert_one(account)
        except DuplicateKeyError:
            return False
        return True

    async def emails(self, emails: list[str]) -> set[str]:
        """Which of ``emails`` have an account."""
        cursor = self._accounts.find({"email": {"$in": emails}}, {"email": 1})
        return {account["email"] async for account in cursor}

    async def list(self) -> list[Document]:
        """Every account, by e-mail address, without password hashes and one-time code secrets."""
        hidden = {"password_hash": 0, "totp_secret": 0, "totp_pending": 0, "totp_ticket": 0}
        cursor = self._accounts.find({}, hidden).sort("email", 1)
        return [account async for account in cursor]

    async def by_id(self, account_id: str) -> Document | None:
        """The account with this id, if any."""
        return await self._accounts.find_one({"_id": account_id})

    async def record_success(self, account_id: str, at: datetime, new_hash: str | None) -> None:
        """Note the sign-in, and store a re-hashed password if given."""
        changes: Document = {"last_sign_in_at": at}
        if new_hash is not None:
            changes["password_hash"] = new_hash
        await self._accounts.update_one({"_id": account_id}, {"$set": changes})

    async def change(
        self, account_id: str, changes: Document, session: Transaction | None = None
    ) -> Document | None:
        """Set ``changes`` on the account; the account as it is now, None if there is none."""
        found: Document | None = await self._accounts.find_one_and_update(
            {"_id": account_id},
            {"$set": changes},
            projection={"password_hash": 0, "totp_secret": 0, "totp_pending": 0, "totp_ticket": 0},
            return_document=ReturnDocument.AFTER,
            session=session,
        )
        return found

    async def use_totp_step(self, account_id: str, step: int) -> bool:
        """Take one-time-code step ``step``; False when it (or a later one) was used already."""
        result = await self._accounts.update_one(
            {"_id": account_id, "totp_last_step": {"$lt": step}}, {"$set": {"totp_last_step": step}}
        )
        return result.modified_count == 1

    async def by_enrolment_ticket(self, ticket_hash: str, now: datetime) -> Document | None:
        """The account a sign-in's unexpired enrolment ticket belongs to, taking the ticket."""
        found: Document | None = await self._accounts.find_one_and_update(
            {"totp_ticket.hash": ticket_hash, "totp_ticket.expires_at": {"$gt": now}},
            {"$unset": {"totp_ticket": ""}},
        )
        return found


@dataclass(frozen=True, slots=True)
class Reservation:
    """One sign-in attempt reserved under the lock: it may check a password."""

    key: str
    attempts: int


class SignInAttemptStore:
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
            return Reservation(key, int(taken["attempts"]))
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
