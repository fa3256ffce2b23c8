"""The only module that talks to forum's MongoDB database."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from digitalwell_forum.domain import (
    ACTIVE_STATUSES,
    BookingStatus,
    Reminder,
    Seats,
    SessionStatus,
)
from digitalwell_shared.mongo import Database, Document, Transaction

_ACTIVE = [status.value for status in ACTIVE_STATUSES]


class EligibilityStore:
    """forum's own view of grants: which applications may book an Innovation Forum workshop."""

    def __init__(self, database: Database) -> None:
        self._grants = database["grants"]

    async def ensure_indexes(self) -> None:
        """Applicants type their case number: the booking form looks grants up by it."""
        await self._grants.create_index([("case_number", ASCENDING)])

    async def record(
        self,
        application_id: str,
        *,
        case_number: str,
        innovation_forum: bool,
        decided_at: datetime,
        session: Transaction,
    ) -> None:
        """Keep the latest decision on an application, with its case number."""
        await self._grants.update_one(
            {"_id": application_id},
            {
                "$set": {
                    "case_number": case_number.upper(),
                    "innovation_forum": innovation_forum,
                    "decided_at": decided_at,
                }
            },
            upsert=True,
            session=session,
        )

    async def get(self, application_id: str) -> Document | None:
        """The decision forum knows of, if any."""
        return await self._grants.find_one({"_id": application_id})

    async def find(self, reference: str) -> Document | None:
        """The decision on the application that ``reference`` names: its id or its case number.

        Case numbers are compared in capitals, so ``dw-2026-0001`` finds ``DW-2026-0001``.
        """
        return await self._grants.find_one(
            {"$or": [{"_id": reference}, {"case_number": reference.upper()}]}
        )


class SessionStore:
    """Sessions, each with the counters that keep its seats: the only place capacity is decided.

    Every booking, cancellation and offer changes its session's counters in its own
    transaction, so concurrent transactions on one session conflict and are retried one
    after another by the database: the counters never disagree with the bookings.
    """

    def __init__(self, database: Database) -> None:
        self._sessions = database["sessions"]

    async def ensure_indexes(self) -> None:
        """The upcoming list and the attendance report read by status and start."""
        await self._sessions.create_index([("status", ASCENDING), ("starts_at", ASCENDING)])

    async def insert(self, document: Document, session: Transaction) -> None:
        """Store a newly scheduled session."""
        await self._sessions.insert_one(document, session=session)

    async def get(self, session_id: str, session: Transaction | None = None) -> Document | None:
        """One session with its counters."""
        return await self._sessions.find_one({"_id": session_id}, session=session)

    async def get_many(
        self, session_ids: Collection[str], session: Transaction
    ) -> dict[str, Document]:
        """Sessions by id."""
        return {
            found["_id"]: found
            async for found in self._sessions.find(
                {"_id": {"$in": list(session_ids)}}, session=session
            )
        }

    async def upcoming(self, now: datetime) -> list[Document]:
        """Scheduled sessions that have not started, soonest first."""
        cursor = self._sessions.find(
            {"status": SessionStatus.SCHEDULED.value, "starts_at": {"$gt": now}}
        ).sort("starts_at", ASCENDING)
        return [found async for found in cursor]

    async def all(self) -> list[Document]:
        """Every session, latest first (staff's list)."""
        cursor = self._sessions.find({}).sort("starts_at", -1)
        return [found async for found in cursor]

    async def started(self, now: datetime) -> list[Document]:
        """Scheduled sessions that have begun, oldest first (the attendance report)."""
        cursor = self._sessions.find(
            {"status": SessionStatus.SCHEDULED.value, "starts_at": {"$lte": now}}
        ).sort("starts_at", ASCENDING)
        return [found async for found in cursor]

    async def take_sequence(self, session_id: str, session: Transaction) -> Document | None:
        """Number the next arrival at a scheduled session; None once it is cancelled.

        The first write of a booking's transaction: it makes concurrent bookings of one
        session conflict at once, so they commit one after another in the order they numbered.
        """
        return await self._sessions.find_one_and_update(
            {"_id": session_id, "status": SessionStatus.SCHEDULED.value},
            {"$inc": {"sequence": 1}},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def take_seat(self, session_id: str, capacity: int, session: Transaction) -> bool:
        """Count one more confirmed seat, only while one is free; False when none is."""
        result = await self._sessions.update_one(
            {
                "_id": session_id,
                # The condition in the database, not only in Python: no booking can exceed it.
                "$expr": {"$lt": [{"$add": ["$confirmed", "$offered"]}, capacity]},
            },
            {"$inc": {"confirmed": 1}},
            session=session,
        )
        return result.modified_count == 1

    async def adjust(
        self, session_id: str, changes: Mapping[str, int], session: Transaction
    ) -> Document | None:
        """Change the counters (confirmed, offered, waitlisted) by ``changes``; the result."""
        return await self._sessions.find_one_and_update(
            {"_id": session_id},
            {"$inc": dict(changes)},
            return_document=ReturnDocument.AFTER,
            session=session,
        )

    async def mark_alerted(
        self, session_id: str, percents: Sequence[int], session: Transaction
    ) -> None:
        """Note the alert levels the coordinator has been told of."""
        await self._sessions.update_one(
            {"_id": session_id},
            {"$addToSet": {"alerted": {"$each": list(percents)}}},
            session=session,
        )

    async def cancel(
        self, session_id: str, reason: str, now: datetime, session: Transaction
    ) -> Document | None:
        """Cancel a scheduled session and empty its counters; None if it already was cancelled."""
        return await self._sessions.find_one_and_update(
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
            session=session,
        )

    async def mark_attendance_taken(
        self, session_id: str, now: datetime, session: Transaction
    ) -> None:
        """Note when the coordinator last marked who came."""
        await self._sessions.update_one(
            {"_id": session_id}, {"$set": {"attendance_marked_at": now}}, session=session
        )


def seats_of(document: Document) -> Seats:
    """A stored session's seats."""
    return Seats(
        capacity=int(document["capacity"]),
        confirmed=int(document.get("confirmed", 0)),
        offered=int(document.get("offered", 0)),
        waitlisted=int(document.get("waitlisted", 0)),
    )


class BookingStore:
    """Bookings: confirmed, waiting, offered a seat, or ended."""

    def __init__(self, database: Database) -> None:
        self._bookings = database["bookings"]

    async def ensure_indexes(self) -> None:
        """A session's bookings in arrival order; the offer and reminder jobs' due queries."""
        await self._bookings.create_index(
            [("session_id", ASCENDING), ("status", ASCENDING), ("sequence", ASCENDING)]
        )
        await self._bookings.create_index([("status", ASCENDING), ("offer_expires_at", ASCENDING)])
        await self._bookings.create_index([("reminder", ASCENDING), ("reminder_due_at", ASCENDING)])

    async def insert(self, document: Document, session: Transaction) -> None:
        """Store a new booking."""
        await self._bookings.insert_one(document, session=session)

    async def get(self, booking_id: str, session: Transaction | None = None) -> Document | None:
        """One booking."""
        return await self._bookings.find_one({"_id": booking_id}, session=session)

    async def of_session(
        self,
        session_id: str,
        statuses: Collection[BookingStatus],
        session: Transaction | None = None,
    ) -> list[Document]:
        """A session's bookings in these statuses, in arrival order."""
        cursor = self._bookings.find(
            {"session_id": session_id, "status": {"$in": [status.value for status in statuses]}},
            session=session,
        ).sort("sequence", ASCENDING)
        return [found async for found in cursor]

    async def confirmed_of_sessions(self, session_ids: Collection[str]) -> list[Document]:
        """The confirmed bookings of several sessions, with whether each attendee came."""
        cursor = self._bookings.find(
            {"session_id": {"$in": list(session_ids)}, "status": BookingStatus.CONFIRMED.value},
            {"session_id": 1, "attended": 1},
        )
        return [found async for found in cursor]

    async def first_waiting(self, session_id: str, session: Transaction) -> Document | None:
        """The person who has waited longest for a seat on the session."""
        return await self._bookings.find_one(
            {"session_id": session_id, "status": BookingStatus.WAITLISTED.value},
            sort=[("sequence", ASCENDING)],
            session=session,
        )

    async def move(
        self,
        booking_id: str,
        *,
        expected: BookingStatus,
        changes: Mapping[str, object],
        session: Transaction,
    ) -> bool:
        """Set ``changes`` if the booking is still ``expected``; False when it no longer is."""
        result = await self._bookings.update_one(
            {"_id": booking_id, "status": expected.value}, {"$set": dict(changes)}, session=session
        )
        return result.modified_count == 1

    async def end_all(
        self, booking_ids: Sequence[str], changes: Mapping[str, object], session: Transaction
    ) -> None:
        """End these bookings at once (a cancelled session)."""
        await self._bookings.update_many(
            {"_id": {"$in": list(booking_ids)}, "status": {"$in": _ACTIVE}},
            {"$set": dict(changes)},
            session=session,
        )

    async def expired_offer_ids(self, now: datetime, limit: int) -> list[str]:
        """Offers whose time ran out, oldest first."""
        cursor = (
            self._bookings.find(
                {"status": BookingStatus.OFFERED.value, "offer_expires_at": {"$lte": now}},
                {"_id": 1},
            )
            .sort("offer_expires_at", ASCENDING)
            .limit(limit)
        )
        return [found["_id"] async for found in cursor]

    async def due_reminder_ids(self, now: datetime, limit: int) -> list[str]:
        """Confirmed bookings whose reminder is due and not yet sent."""
        cursor = (
            self._bookings.find(
                {"reminder": Reminder.PENDING.value, "reminder_due_at": {"$lte": now}}, {"_id": 1}
            )
            .sort("reminder_due_at", ASCENDING)
            .limit(limit)
        )
        return [found["_id"] async for found in cursor]

    async def pending_reminders(
        self, booking_ids: Sequence[str], session: Transaction
    ) -> list[Document]:
        """Of these bookings, those still waiting for their reminder, read in the transaction."""
        cursor = self._bookings.find(
            {"_id": {"$in": list(booking_ids)}, "reminder": Reminder.PENDING.value},
            session=session,
        )
        return [found async for found in cursor]

    async def set_reminder(
        self, booking_ids: Sequence[str], reminder: Reminder, now: datetime, session: Transaction
    ) -> int:
        """Record that pending reminders went out, or are not needed; return how many changed."""
        if not booking_ids:
            return 0
        result = await self._bookings.update_many(
            {"_id": {"$in": list(booking_ids)}, "reminder": Reminder.PENDING.value},
            {"$set": {"reminder": reminder.value, "reminded_at": now}},
            session=session,
        )
        return result.modified_count

    async def mark_attendance(
        self, session_id: str, attended: Collection[str], session: Transaction
    ) -> None:
        """Set who came, of the session's confirmed bookings; everyone else did not."""
        confirmed = {"session_id": session_id, "status": BookingStatus.CONFIRMED.value}
        await self._bookings.update_many(
            {**confirmed, "_id": {"$in": list(attended)}},
            {"$set": {"attended": True}},
            session=session,
        )
        await self._bookings.update_many(
            {**confirmed, "_id": {"$nin": list(attended)}},
            {"$set": {"attended": False}},
            session=session,
        )


class ClaimTaken(Exception):  # noqa: N818 - a signal, not a failure
    """A live claim on ``key`` belongs to booking ``booking_id``."""

    def __init__(self, key: str, booking_id: str) -> None:
        super().__init__(key)
        self.key = key
        self.booking_id = booking_id


class ClaimStore:
    """Keys at most one live booking holds: (session, e-mail address) and (application).

    A claim lives until its session ends or its booking ends, whichever is first, so a
    cancelled booking can be made again, and an application can book its next workshop
    once the last one has taken place.
    """

    def __init__(self, database: Database) -> None:
        self._claims = database["booking_claims"]

    async def take(
        self, key: str, booking_id: str, *, until: datetime, now: datetime, session: Transaction
    ) -> None:
        """Take ``key`` for ``booking_id``, or raise ClaimTaken naming the booking holding it.

        One upsert: the filter matches only a lapsed claim, and when a live one exists the
        insert of the same _id fails on the unique _id index, however many try at once.
        """
        try:
            await self._claims.update_one(
                {"_id": key, "until": {"$lte": now}},
                {"$set": {"booking_id": booking_id, "until": until}},
                upsert=True,
                session=session,
            )
        except DuplicateKeyError as taken:
            holder = await self._claims.find_one({"_id": key})
            raise ClaimTaken(key, holder["booking_id"] if holder else "") from taken

    async def release(self, keys: Sequence[str], booking_id: str, session: Transaction) -> None:
        """Let go of the claims this booking holds, so the key can be booked again."""
        if keys:
            await self._claims.delete_many(
                {"_id": {"$in": list(keys)}, "booking_id": booking_id}, session=session
            )

    async def release_all(
        self, keys: Sequence[str], booking_ids: Sequence[str], session: Transaction
    ) -> None:
        """Let go of the claims that these bookings hold on these keys, in one delete."""
        if keys:
            await self._claims.delete_many(
                {"_id": {"$in": list(keys)}, "booking_id": {"$in": list(booking_ids)}},
                session=session,
            )
