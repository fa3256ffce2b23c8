"""Applications with their timelines, the claims that keep submissions single, the series."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from digitalwell_intake.domain import ApplicationStatus, TimelineEntry, TimelineKind
from digitalwell_intake.records import Application, ApplicationDetails, Claim
from digitalwell_shared.contracts import Decision, SupportGranted
from digitalwell_shared.mongo import Database, Document, Transaction


class ClaimTakenError(Exception):
    """Another application holds this claim and it has not expired."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ApplicationStore(Protocol):
    """What the use cases need of the applications and their claims."""

    numbering: asyncio.Lock
    """Held around a submission's transaction, so a process's submissions take turns."""

    async def claim(self, claim: Claim, now: datetime, transaction: Transaction) -> None:
        """Take ``claim``, or raise ClaimTakenError if a live one holds its key."""
        ...

    async def live_claim(self, key: str, now: datetime) -> Claim | None:
        """The claim on ``key`` if it has not expired."""
        ...

    async def next_in_series(self, series: str, transaction: Transaction) -> int:
        """The next number of a registration series, in the submission's transaction."""
        ...

    async def insert(self, application: Application, transaction: Transaction) -> None:
        """Store a new application."""
        ...

    async def registered(self, status: ApplicationStatus | None, limit: int) -> list[Application]:
        """Applications as registered, newest first, optionally of one status."""
        ...

    async def get(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Application | None:
        """One application, with its timeline."""
        ...

    async def move(
        self,
        application_id: str,
        *,
        expected: ApplicationStatus,
        status: ApplicationStatus,
        entry: TimelineEntry,
        transaction: Transaction,
    ) -> None:
        """Set the status and append ``entry``, if the status is still ``expected``."""
        ...


class MongoApplicationStore:
    """Applications in ``applications``, claims in ``claims``, counters in ``case_series``."""

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

    async def claim(self, claim: Claim, now: datetime, transaction: Transaction) -> None:
        """Take ``claim`` for its application, or raise ClaimTakenError if a live one holds it.

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
                session=transaction,
            )
        except DuplicateKeyError as taken:
            raise ClaimTakenError(claim.key) from taken

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

    async def next_in_series(self, series: str, transaction: Transaction) -> int:
        """The next number of a registration series, in the submission's transaction.

        Numbers are taken in the transaction that stores the application, so a submission that
        fails or turns out to be a duplicate leaves no gap in the register.
        """
        counter = await self._case_series.find_one_and_update(
            {"_id": series},
            {"$inc": {"last": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=transaction,
        )
        assert counter is not None  # noqa: S101 - an upsert returning the document after
        return int(counter["last"])

    async def insert(self, application: Application, transaction: Transaction) -> None:
        """Store a new application; its first timeline entry is in ``application``."""
        await self._applications.insert_one(_document(application), session=transaction)

    async def registered(self, status: ApplicationStatus | None, limit: int) -> list[Application]:
        """Applications as registered, newest first, optionally of one status."""
        query = {} if status is None else {"status": status.value}
        cursor = self._applications.find(query).sort("submitted_at", DESCENDING).limit(limit)
        return [_application(found) async for found in cursor]

    async def get(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Application | None:
        """One application, with its timeline."""
        found = await self._applications.find_one({"_id": application_id}, session=transaction)
        return _application(found) if found is not None else None

    async def move(
        self,
        application_id: str,
        *,
        expected: ApplicationStatus,
        status: ApplicationStatus,
        entry: TimelineEntry,
        transaction: Transaction,
    ) -> None:
        """Set the status and append ``entry``, if the status is still ``expected``.

        In a transaction the status was read in the same snapshot, so the filter always
        matches; it is there so that a write outside one cannot undo a concurrent move.
        """
        await self._applications.update_one(
            {"_id": application_id, "status": expected.value},
            {
                "$set": {"status": status.value, "updated_at": entry.at},
                "$push": {"timeline": _timeline_document(entry)},
            },
            session=transaction,
        )


def _document(application: Application) -> Document:
    return {
        "_id": application.id,
        "case_number": application.case_number,
        "status": application.status.value,
        "submitted_at": application.submitted_at,
        "updated_at": application.updated_at,
        "application": application.details.model_dump(mode="json"),
        "consent_given_at": application.consent_given_at,
        "timeline": [_timeline_document(entry) for entry in application.timeline],
    }


def _application(document: Document) -> Application:
    return Application(
        id=document["_id"],
        case_number=document.get("case_number"),
        status=ApplicationStatus(document["status"]),
        submitted_at=document["submitted_at"],
        updated_at=document["updated_at"],
        details=ApplicationDetails.model_validate(document["application"]),
        consent_given_at=document.get("consent_given_at"),
        timeline=tuple(_entry(entry) for entry in document.get("timeline", [])),
    )


def _timeline_document(entry: TimelineEntry) -> Document:
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
