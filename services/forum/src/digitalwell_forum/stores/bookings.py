"""Bookings: confirmed, waiting, offered a seat, or ended."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from pymongo import ASCENDING

from digitalwell_forum.domain import (
    ACTIVE_STATUSES,
    NO_ATTENDANCE,
    Attendance,
    BookingStatus,
    Reminder,
)
from digitalwell_forum.records import Booking
from digitalwell_shared.contracts import CancellationReason, Language
from digitalwell_shared.mongo import Database, Document, Transaction

_ACTIVE = [status.value for status in ACTIVE_STATUSES]


class BookingStore(Protocol):
    """Bookings, and the moves between their states, each only from the state expected."""

    async def insert(self, booking: Booking, transaction: Transaction) -> None:
        """Store a new booking."""
        ...

    async def get(self, booking_id: str, transaction: Transaction | None = None) -> Booking | None:
        """One booking."""
        ...

    async def of_session(
        self,
        session_id: str,
        statuses: Collection[BookingStatus],
        transaction: Transaction | None = None,
    ) -> list[Booking]:
        """A session's bookings in these statuses, in arrival order."""
        ...

    async def attendance_of(self, session_ids: Collection[str]) -> dict[str, Attendance]:
        """Of each session's confirmed bookings, how many there are and how many came."""
        ...

    async def first_waiting(self, session_id: str, transaction: Transaction) -> Booking | None:
        """The person who has waited longest for a seat on the session."""
        ...

    async def confirm(
        self, booking_id: str, *, at: datetime, reminder: Reminder, transaction: Transaction
    ) -> bool:
        """Give an offered booking its seat; False when it is no longer offered."""
        ...

    async def offer(
        self, booking_id: str, *, at: datetime, expires_at: datetime, transaction: Transaction
    ) -> bool:
        """Hold a freed seat for a waiting booking; False when it is no longer waiting."""
        ...

    async def end(
        self,
        booking_id: str,
        *,
        expected: BookingStatus,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> bool:
        """End a booking still ``expected``; False when it no longer is."""
        ...

    async def end_all(
        self,
        booking_ids: Sequence[str],
        *,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> None:
        """End these bookings at once (a cancelled session)."""
        ...

    async def expired_offer_ids(self, now: datetime, limit: int) -> list[str]:
        """Offers whose time ran out, oldest first."""
        ...

    async def due_reminder_ids(self, now: datetime, limit: int) -> list[str]:
        """Bookings whose reminder is due and not yet sent, soonest due first."""
        ...

    async def pending_reminders(
        self, booking_ids: Sequence[str], transaction: Transaction
    ) -> list[Booking]:
        """Of these bookings, those still waiting for their reminder."""
        ...

    async def set_reminder(
        self,
        booking_ids: Sequence[str],
        reminder: Reminder,
        now: datetime,
        transaction: Transaction,
    ) -> int:
        """Settle pending reminders as sent or not needed; how many changed."""
        ...

    async def mark_attendance(
        self, session_id: str, attended: Collection[str], transaction: Transaction
    ) -> None:
        """Set who came, of the session's confirmed bookings; everyone else did not."""
        ...


class MongoBookingStore:
    """Bookings in the ``bookings`` collection."""

    def __init__(self, database: Database) -> None:
        self._bookings = database["bookings"]

    async def ensure_indexes(self) -> None:
        """A session's bookings in arrival order; the offer and reminder jobs' due queries."""
        await self._bookings.create_index(
            [("session_id", ASCENDING), ("status", ASCENDING), ("sequence", ASCENDING)]
        )
        await self._bookings.create_index([("status", ASCENDING), ("offer_expires_at", ASCENDING)])
        await self._bookings.create_index([("reminder", ASCENDING), ("reminder_due_at", ASCENDING)])

    async def insert(self, booking: Booking, transaction: Transaction) -> None:
        """Store a new booking."""
        await self._bookings.insert_one(_document(booking), session=transaction)

    async def get(self, booking_id: str, transaction: Transaction | None = None) -> Booking | None:
        """One booking."""
        found = await self._bookings.find_one({"_id": booking_id}, session=transaction)
        return None if found is None else _booking(found)

    async def of_session(
        self,
        session_id: str,
        statuses: Collection[BookingStatus],
        transaction: Transaction | None = None,
    ) -> list[Booking]:
        """A session's bookings in these statuses, in arrival order."""
        cursor = self._bookings.find(
            {"session_id": session_id, "status": {"$in": [status.value for status in statuses]}},
            session=transaction,
        ).sort("sequence", ASCENDING)
        return [_booking(found) async for found in cursor]

    async def attendance_of(self, session_ids: Collection[str]) -> dict[str, Attendance]:
        """Of each session's confirmed bookings, how many there are and how many came."""
        cursor = self._bookings.find(
            {"session_id": {"$in": list(session_ids)}, "status": BookingStatus.CONFIRMED.value},
            {"session_id": 1, "attended": 1},
        )
        tallies: dict[str, Attendance] = defaultdict(lambda: NO_ATTENDANCE)
        async for found in cursor:
            came = 1 if found.get("attended") else 0
            tallies[found["session_id"]] += Attendance(1, came)
        return {session_id: tallies[session_id] for session_id in session_ids}

    async def first_waiting(self, session_id: str, transaction: Transaction) -> Booking | None:
        """The person who has waited longest for a seat on the session."""
        found = await self._bookings.find_one(
            {"session_id": session_id, "status": BookingStatus.WAITLISTED.value},
            sort=[("sequence", ASCENDING)],
            session=transaction,
        )
        return None if found is None else _booking(found)

    async def confirm(
        self, booking_id: str, *, at: datetime, reminder: Reminder, transaction: Transaction
    ) -> bool:
        """Give an offered booking its seat; False when it is no longer offered."""
        changes = {"status": BookingStatus.CONFIRMED.value, "confirmed_at": at}
        return await self._move(
            booking_id, BookingStatus.OFFERED, changes | {"reminder": reminder.value}, transaction
        )

    async def offer(
        self, booking_id: str, *, at: datetime, expires_at: datetime, transaction: Transaction
    ) -> bool:
        """Hold a freed seat for a waiting booking; False when it is no longer waiting."""
        changes = {
            "status": BookingStatus.OFFERED.value,
            "offered_at": at,
            "offer_expires_at": expires_at,
        }
        return await self._move(booking_id, BookingStatus.WAITLISTED, changes, transaction)

    async def end(
        self,
        booking_id: str,
        *,
        expected: BookingStatus,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> bool:
        """End a booking still ``expected``; False when it no longer is."""
        return await self._move(booking_id, expected, _ended(at, reason), transaction)

    async def end_all(
        self,
        booking_ids: Sequence[str],
        *,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> None:
        """End these bookings at once (a cancelled session)."""
        await self._bookings.update_many(
            {"_id": {"$in": list(booking_ids)}, "status": {"$in": _ACTIVE}},
            {"$set": _ended(at, reason)},
            session=transaction,
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
        self, booking_ids: Sequence[str], transaction: Transaction
    ) -> list[Booking]:
        """Of these bookings, those still waiting for their reminder, read in the transaction."""
        cursor = self._bookings.find(
            {"_id": {"$in": list(booking_ids)}, "reminder": Reminder.PENDING.value},
            session=transaction,
        )
        return [_booking(found) async for found in cursor]

    async def set_reminder(
        self,
        booking_ids: Sequence[str],
        reminder: Reminder,
        now: datetime,
        transaction: Transaction,
    ) -> int:
        """Record that pending reminders went out, or are not needed; return how many changed."""
        if not booking_ids:
            return 0
        result = await self._bookings.update_many(
            {"_id": {"$in": list(booking_ids)}, "reminder": Reminder.PENDING.value},
            {"$set": {"reminder": reminder.value, "reminded_at": now}},
            session=transaction,
        )
        return result.modified_count

    async def mark_attendance(
        self, session_id: str, attended: Collection[str], transaction: Transaction
    ) -> None:
        """Set who came, of the session's confirmed bookings; everyone else did not."""
        confirmed = {"session_id": session_id, "status": BookingStatus.CONFIRMED.value}
        await self._bookings.update_many(
            {**confirmed, "_id": {"$in": list(attended)}},
            {"$set": {"attended": True}},
            session=transaction,
        )
        await self._bookings.update_many(
            {**confirmed, "_id": {"$nin": list(attended)}},
            {"$set": {"attended": False}},
            session=transaction,
        )

    async def _move(
        self,
        booking_id: str,
        expected: BookingStatus,
        changes: Document,
        transaction: Transaction,
    ) -> bool:
        """Set ``changes`` if the booking is still ``expected``; False when it no longer is."""
        result = await self._bookings.update_one(
            {"_id": booking_id, "status": expected.value}, {"$set": changes}, session=transaction
        )
        return result.modified_count == 1


def _ended(at: datetime, reason: CancellationReason) -> Document:
    return {
        "status": BookingStatus.CANCELLED.value,
        "cancelled_at": at,
        "cancel_reason": reason.value,
        "reminder": Reminder.NONE.value,
    }


# A new booking's fields, as stored; the state's own times are set only once it has them.
_STATE_TIMES = ("confirmed_at", "waitlisted_at", "offered_at", "offer_expires_at", "position")


def _document(booking: Booking) -> Document:
    document: Document = {
        "_id": booking.id,
        "session_id": booking.session_id,
        "sequence": booking.sequence,
        "name": booking.name,
        "email": booking.email,
        "language": booking.language.value,
        "application_id": booking.application_id,
        "claims": list(booking.claims),
        "booked_at": booking.booked_at,
        "reminder_due_at": booking.reminder_due_at,
        "reminder": booking.reminder.value,
        "attended": booking.attended,
        "status": booking.status.value,
    }
    for name in _STATE_TIMES:
        value = getattr(booking, name)
        if value is not None:
            document[name] = value
    return document


def _booking(document: Document) -> Booking:
    reason = document.get("cancel_reason")
    return Booking(
        id=document["_id"],
        session_id=document["session_id"],
        sequence=int(document.get("sequence", 0)),
        name=document["name"],
        email=document["email"],
        language=Language(document["language"]),
        application_id=document.get("application_id"),
        claims=tuple(document.get("claims") or ()),
        status=BookingStatus(document["status"]),
        booked_at=document["booked_at"],
        reminder=Reminder(document.get("reminder") or Reminder.NONE.value),
        reminder_due_at=document.get("reminder_due_at"),
        attended=document.get("attended"),
        position=document.get("position"),
        confirmed_at=document.get("confirmed_at"),
        waitlisted_at=document.get("waitlisted_at"),
        offered_at=document.get("offered_at"),
        offer_expires_at=document.get("offer_expires_at"),
        cancelled_at=document.get("cancelled_at"),
        cancel_reason=CancellationReason(reason) if reason else None,
    )
