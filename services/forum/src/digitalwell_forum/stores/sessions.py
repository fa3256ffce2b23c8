"""Sessions, each with the counters that keep its seats: the only place capacity is decided.

Every booking, cancellation and offer changes its session's counters in its own transaction,
so concurrent transactions on one session conflict and are retried one after another by the
database: the counters never disagree with the bookings.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from pymongo import ASCENDING, ReturnDocument

from digitalwell_forum.domain import SessionStatus
from digitalwell_forum.records import ForumSession, SessionCoordinator, SessionDate
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.mongo import Database, Document, Transaction


class SessionStore(Protocol):
    """Sessions and their seat counters."""

    async def insert(self, session: ForumSession, transaction: Transaction) -> None:
        """Store a newly scheduled session."""
        ...

    async def get(
        self, session_id: str, transaction: Transaction | None = None
    ) -> ForumSession | None:
        """One session with its counters."""
        ...

    async def get_many(
        self, session_ids: Collection[str], transaction: Transaction
    ) -> dict[str, ForumSession]:
        """Sessions by id."""
        ...

    async def upcoming(self, now: datetime) -> list[ForumSession]:
        """Scheduled sessions that have not started, soonest first."""
        ...

    async def all(self) -> list[ForumSession]:
        """Every session, latest first."""
        ...

    async def started(self, now: datetime) -> list[ForumSession]:
        """Scheduled sessions that have begun, oldest first."""
        ...

    async def take_sequence(self, session_id: str, transaction: Transaction) -> ForumSession | None:
        """Number the next arrival at a scheduled session; None once it is cancelled."""
        ...

    async def take_seat(self, session_id: str, capacity: int, transaction: Transaction) -> bool:
        """Count one more confirmed seat, only while one is free; False when none is."""
        ...

    async def adjust(
        self,
        session_id: str,
        transaction: Transaction,
        *,
        confirmed: int = 0,
        offered: int = 0,
        waitlisted: int = 0,
    ) -> ForumSession | None:
        """Change the counters by these amounts; the session after."""
        ...

    async def mark_alerted(
        self, session_id: str, percents: Sequence[int], transaction: Transaction
    ) -> None:
        """Note the alert levels the coordinator has been told of."""
        ...

    async def cancel(
        self, session_id: str, reason: str, now: datetime, transaction: Transaction
    ) -> ForumSession | None:
        """Cancel a scheduled session and empty its counters; None if it already was cancelled."""
        ...

    async def mark_attendance_taken(
        self, session_id: str, now: datetime, transaction: Transaction
    ) -> None:
        """Note when the coordinator last marked who came."""
        ...


class MongoSessionStore:
    """Sessions in the ``sessions`` collection."""

    def __init__(self, database: Database) -> None:
        self._sessions = database["sessions"]

    async def ensure_indexes(self) -> None:
        """The upcoming list and the attendance report read by status and start."""
        await self._sessions.create_index([("status", ASCENDING), ("starts_at", ASCENDING)])

    async def insert(self, session: ForumSession, transaction: Transaction) -> None:
        """Store a newly scheduled session."""
        await self._sessions.insert_one(_document(session), session=transaction)

    async def get(
        self, session_id: str, transaction: Transaction | None = None
    ) -> ForumSession | None:
        """One session with its counters."""
        return _session(await self._sessions.find_one({"_id": session_id}, session=transaction))

    async def get_many(
        self, session_ids: Collection[str], transaction: Transaction
    ) -> dict[str, ForumSession]:
        """Sessions by id."""
        cursor = self._sessions.find({"_id": {"$in": list(session_ids)}}, session=transaction)
        return {found["_id"]: _loaded(found) async for found in cursor}

    async def upcoming(self, now: datetime) -> list[ForumSession]:
        """Scheduled sessions that have not started, soonest first."""
        cursor = self._sessions.find(
            {"status": SessionStatus.SCHEDULED.value, "starts_at": {"$gt": now}}
        ).sort("starts_at", ASCENDING)
        return [_loaded(found) async for found in cursor]

    async def all(self) -> list[ForumSession]:
        """Every session, latest first (staff's list)."""
        cursor = self._sessions.find({}).sort("starts_at", -1)
        return [_loaded(found) async for found in cursor]

    async def started(self, now: datetime) -> list[ForumSession]:
        """Scheduled sessions that have begun, oldest first (the attendance report)."""
        cursor = self._sessions.find(
            {"status": SessionStatus.SCHEDULED.value, "starts_at": {"$lte": now}}
        ).sort("starts_at", ASCENDING)
        return [_loaded(found) async for found in cursor]

    async def take_sequence(self, session_id: str, transaction: Transaction) -> ForumSession | None:
        """Number the next arrival at a scheduled session; None once it is cancelled.

        The first write of a booking's transaction: it makes concurrent bookings of one
        session conflict at once, so they commit one after another in the order they numbered.
        """
        return _session(
            await self._sessions.find_one_and_update(
                {"_id": session_id, "status": SessionStatus.SCHEDULED.value},
                {"$inc": {"sequence": 1}},
                return_document=ReturnDocument.AFTER,
                session=transaction,
            )
        )

    async def take_seat(self, session_id: str, capacity: int, transaction: Transaction) -> bool:
        """Count one more confirmed seat, only while one is free; False when none is."""
        result = await self._sessions.update_one(
            {
                "_id": session_id,
                # The condition in the database, not only in Python: no booking can exceed it.
                "$expr": {"$lt": [{"$add": ["$confirmed", "$offered"]}, capacity]},
            },
            {"$inc": {"confirmed": 1}},
            session=transaction,
        )
        return result.modified_count == 1

    async def adjust(
        self,
        session_id: str,
        transaction: Transaction,
        *,
        confirmed: int = 0,
        offered: int = 0,
        waitlisted: int = 0,
    ) -> ForumSession | None:
        """Change the counters (confirmed, offered, waitlisted) by these amounts; the result."""
        changes = {"confirmed": confirmed, "offered": offered, "waitlisted": waitlisted}
        return _session(
            await self._sessions.find_one_and_update(
                {"_id": session_id},
                {"$inc": {name: by for name, by in changes.items() if by}},
                return_document=ReturnDocument.AFTER,
                session=transaction,
            )
        )

    async def mark_alerted(
        self, session_id: str, percents: Sequence[int], transaction: Transaction
    ) -> None:
        """Note the alert levels the coordinator has been told of."""
        await self._sessions.update_one(
            {"_id": session_id},
            {"$addToSet": {"alerted": {"$each": list(percents)}}},
            session=transaction,
        )

    async def cancel(
        self, session_id: str, reason: str, now: datetime, transaction: Transaction
    ) -> ForumSession | None:
        """Cancel a scheduled session and empty its counters; None if it already was cancelled."""
        return _session(
            await self._sessions.find_one_and_update(
                {"_id": session_id, "status": SessionStatus.SCHEDULED.value},
                {
                    "$set": {
                        "status": SessionStatus.CANCELLED.value,
                        "cancel_reason": reason,
                        "cancelled_at": now,
                        "confirmed": 0,
                        "offered": 0,
                        "waitlisted": 0,
                    }
                },
                return_document=ReturnDocument.AFTER,
                session=transaction,
            )
        )

    async def mark_attendance_taken(
        self, session_id: str, now: datetime, transaction: Transaction
    ) -> None:
        """Note when the coordinator last marked who came."""
        await self._sessions.update_one(
            {"_id": session_id}, {"$set": {"attendance_marked_at": now}}, session=transaction
        )


def _document(session: ForumSession) -> Document:
    """A new session as stored: its first start and last end kept apart for the queries."""
    coordinator = session.coordinator
    return {
        "_id": session.id,
        "kind": session.kind.value,
        "title": session.title,
        "description": session.description,
        "location": session.location,
        "dates": [{"starts_at": d.starts_at, "ends_at": d.ends_at} for d in session.dates],
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "public_sector_participants": list(session.public_sector_participants),
        "registration_deadline": session.registration_deadline,
        "coordinator": None
        if coordinator is None
        else {
            "id": coordinator.id,
            "name": coordinator.name,
            "email": coordinator.email,
            "language": coordinator.language.value,
        },
        "status": session.status.value,
        "scheduled_at": session.scheduled_at,
        "sequence": session.sequence,
        "confirmed": session.confirmed,
        "offered": session.offered,
        "waitlisted": session.waitlisted,
        "alerted": list(session.alerted),
    }


def _session(document: Document | None) -> ForumSession | None:
    return None if document is None else _loaded(document)


def _loaded(document: Document) -> ForumSession:
    dates = document.get("dates") or [
        {"starts_at": document["starts_at"], "ends_at": document["ends_at"]}
    ]
    return ForumSession(
        id=document["_id"],
        kind=SessionKind(document["kind"]),
        title=document["title"],
        description=document.get("description") or "",
        location=document["location"],
        dates=tuple(SessionDate(starts_at=d["starts_at"], ends_at=d["ends_at"]) for d in dates),
        starts_at=document["starts_at"],
        ends_at=document["ends_at"],
        capacity=int(document["capacity"]),
        public_sector_participants=tuple(document.get("public_sector_participants") or ()),
        registration_deadline=document.get("registration_deadline") or document["starts_at"],
        coordinator=_coordinator(document.get("coordinator")),
        status=SessionStatus(document["status"]),
        scheduled_at=document.get("scheduled_at"),
        sequence=int(document.get("sequence", 0)),
        confirmed=int(document.get("confirmed", 0)),
        offered=int(document.get("offered", 0)),
        waitlisted=int(document.get("waitlisted", 0)),
        alerted=tuple(document.get("alerted") or ()),
        cancel_reason=document.get("cancel_reason") or "",
        cancelled_at=document.get("cancelled_at"),
        attendance_marked_at=document.get("attendance_marked_at"),
    )


def _coordinator(stored: Document | None) -> SessionCoordinator | None:
    if not stored:
        return None
    return SessionCoordinator(
        id=str(stored.get("id") or ""),
        name=str(stored.get("name") or ""),
        email=str(stored.get("email") or ""),
        language=Language(stored.get("language") or Language.SV.value),
    )
