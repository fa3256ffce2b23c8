"""In-memory fakes of forum's stores, for unit tests of its use cases.

Each fake keeps records in a dict and behaves as its Mongo store does (the conditional moves,
the claims that lapse, the orders); ``forum_on_fakes.FakeForum`` builds ``Deps`` on them.
"""

# The fakes take the transaction their protocol names, and keep no transactions of their own.
# ruff: noqa: ARG002

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from digitalwell_forum.domain import (
    ACTIVE_STATUSES,
    NO_ATTENDANCE,
    Attendance,
    BookingStatus,
    Reminder,
    SessionStatus,
)
from digitalwell_forum.records import Booking, ForumSession, Grant
from digitalwell_forum.stores import ClaimTakenError
from digitalwell_shared.contracts import CancellationReason
from digitalwell_shared.mongo import Transaction


class FakeGrantStore:
    """Grants by application id."""

    def __init__(self) -> None:
        self.grants: dict[str, Grant] = {}

    async def record(self, grant: Grant, transaction: Transaction) -> None:
        self.grants[grant.application_id] = grant.model_copy(
            update={"case_number": grant.case_number.upper()}
        )

    async def get(self, application_id: str) -> Grant | None:
        return self.grants.get(application_id)

    async def find(self, reference: str) -> Grant | None:
        if reference in self.grants:
            return self.grants[reference]
        return next((g for g in self.grants.values() if g.case_number == reference.upper()), None)


class FakeSessionStore:
    """Sessions by id, with their counters."""

    def __init__(self) -> None:
        self.sessions: dict[str, ForumSession] = {}

    def _set(self, session: ForumSession) -> ForumSession:
        self.sessions[session.id] = session
        return session

    async def insert(self, session: ForumSession, transaction: Transaction) -> None:
        assert session.id not in self.sessions, "duplicate _id"
        self._set(session)

    async def get(
        self, session_id: str, transaction: Transaction | None = None
    ) -> ForumSession | None:
        return self.sessions.get(session_id)

    async def get_many(
        self, session_ids: Collection[str], transaction: Transaction
    ) -> dict[str, ForumSession]:
        return {i: self.sessions[i] for i in session_ids if i in self.sessions}

    async def upcoming(self, now: datetime) -> list[ForumSession]:
        found = [
            s
            for s in self.sessions.values()
            if s.status is SessionStatus.SCHEDULED and s.starts_at > now
        ]
        return sorted(found, key=lambda s: s.starts_at)

    async def all(self) -> list[ForumSession]:
        return sorted(self.sessions.values(), key=lambda s: s.starts_at, reverse=True)

    async def started(self, now: datetime) -> list[ForumSession]:
        found = [
            s
            for s in self.sessions.values()
            if s.status is SessionStatus.SCHEDULED and s.starts_at <= now
        ]
        return sorted(found, key=lambda s: s.starts_at)

    async def take_sequence(self, session_id: str, transaction: Transaction) -> ForumSession | None:
        found = self.sessions.get(session_id)
        if found is None or found.status is not SessionStatus.SCHEDULED:
            return None
        return self._set(found.model_copy(update={"sequence": found.sequence + 1}))

    async def take_seat(self, session_id: str, capacity: int, transaction: Transaction) -> bool:
        found = self.sessions[session_id]
        if found.confirmed + found.offered >= capacity:
            return False
        self._set(found.model_copy(update={"confirmed": found.confirmed + 1}))
        return True

    async def adjust(
        self,
        session_id: str,
        transaction: Transaction,
        *,
        confirmed: int = 0,
        offered: int = 0,
        waitlisted: int = 0,
    ) -> ForumSession | None:
        found = self.sessions.get(session_id)
        if found is None:
            return None
        changes = {
            "confirmed": found.confirmed + confirmed,
            "offered": found.offered + offered,
            "waitlisted": found.waitlisted + waitlisted,
        }
        return self._set(found.model_copy(update=changes))

    async def mark_alerted(
        self, session_id: str, percents: Sequence[int], transaction: Transaction
    ) -> None:
        found = self.sessions[session_id]
        alerted = (*found.alerted, *(p for p in percents if p not in found.alerted))
        self._set(found.model_copy(update={"alerted": alerted}))

    async def cancel(
        self, session_id: str, reason: str, now: datetime, transaction: Transaction
    ) -> ForumSession | None:
        found = self.sessions.get(session_id)
        if found is None or found.status is not SessionStatus.SCHEDULED:
            return None
        changes = {
            "status": SessionStatus.CANCELLED,
            "cancel_reason": reason,
            "cancelled_at": now,
            "confirmed": 0,
            "offered": 0,
            "waitlisted": 0,
        }
        return self._set(found.model_copy(update=changes))

    async def mark_attendance_taken(
        self, session_id: str, now: datetime, transaction: Transaction
    ) -> None:
        found = self.sessions[session_id]
        self._set(found.model_copy(update={"attendance_marked_at": now}))


class FakeBookingStore:
    """Bookings by id."""

    def __init__(self) -> None:
        self.bookings: dict[str, Booking] = {}

    async def insert(self, booking: Booking, transaction: Transaction) -> None:
        assert booking.id not in self.bookings, "duplicate _id"
        self.bookings[booking.id] = booking

    async def get(self, booking_id: str, transaction: Transaction | None = None) -> Booking | None:
        return self.bookings.get(booking_id)

    async def of_session(
        self,
        session_id: str,
        statuses: Collection[BookingStatus],
        transaction: Transaction | None = None,
    ) -> list[Booking]:
        found = [
            b for b in self.bookings.values() if b.session_id == session_id and b.status in statuses
        ]
        return sorted(found, key=lambda b: b.sequence)

    async def attendance_of(self, session_ids: Collection[str]) -> dict[str, Attendance]:
        tallies = dict.fromkeys(session_ids, NO_ATTENDANCE)
        for b in self.bookings.values():
            if b.session_id in tallies and b.status is BookingStatus.CONFIRMED:
                tallies[b.session_id] += Attendance(1, 1 if b.attended else 0)
        return tallies

    async def first_waiting(self, session_id: str, transaction: Transaction) -> Booking | None:
        waiting = await self.of_session(session_id, [BookingStatus.WAITLISTED])
        return waiting[0] if waiting else None

    def _move(self, booking_id: str, expected: BookingStatus, **changes: object) -> bool:
        found = self.bookings.get(booking_id)
        if found is None or found.status is not expected:
            return False
        self.bookings[booking_id] = found.model_copy(update=changes)
        return True

    async def confirm(
        self, booking_id: str, *, at: datetime, reminder: Reminder, transaction: Transaction
    ) -> bool:
        return self._move(
            booking_id,
            BookingStatus.OFFERED,
            status=BookingStatus.CONFIRMED,
            confirmed_at=at,
            reminder=reminder,
        )

    async def offer(
        self, booking_id: str, *, at: datetime, expires_at: datetime, transaction: Transaction
    ) -> bool:
        return self._move(
            booking_id,
            BookingStatus.WAITLISTED,
            status=BookingStatus.OFFERED,
            offered_at=at,
            offer_expires_at=expires_at,
        )

    async def end(
        self,
        booking_id: str,
        *,
        expected: BookingStatus,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> bool:
        return self._move(booking_id, expected, **_ended(at, reason))

    async def end_all(
        self,
        booking_ids: Sequence[str],
        *,
        at: datetime,
        reason: CancellationReason,
        transaction: Transaction,
    ) -> None:
        for booking_id in booking_ids:
            found = self.bookings[booking_id]
            if found.status in ACTIVE_STATUSES:
                self.bookings[booking_id] = found.model_copy(update=_ended(at, reason))

    async def expired_offer_ids(self, now: datetime, limit: int) -> list[str]:
        offered = [
            b
            for b in self.bookings.values()
            if b.status is BookingStatus.OFFERED
            and b.offer_expires_at is not None
            and b.offer_expires_at <= now
        ]
        return [b.id for b in sorted(offered, key=lambda b: b.offer_expires_at or now)][:limit]

    async def due_reminder_ids(self, now: datetime, limit: int) -> list[str]:
        due = [
            b
            for b in self.bookings.values()
            if b.reminder is Reminder.PENDING
            and b.reminder_due_at is not None
            and b.reminder_due_at <= now
        ]
        return [b.id for b in sorted(due, key=lambda b: b.reminder_due_at or now)][:limit]

    async def pending_reminders(
        self, booking_ids: Sequence[str], transaction: Transaction
    ) -> list[Booking]:
        return [
            self.bookings[i]
            for i in booking_ids
            if i in self.bookings and self.bookings[i].reminder is Reminder.PENDING
        ]

    async def set_reminder(
        self,
        booking_ids: Sequence[str],
        reminder: Reminder,
        now: datetime,
        transaction: Transaction,
    ) -> int:
        changed = 0
        for booking_id in booking_ids:
            found = self.bookings.get(booking_id)
            if found is not None and found.reminder is Reminder.PENDING:
                self.bookings[booking_id] = found.model_copy(update={"reminder": reminder})
                changed += 1
        return changed

    async def mark_attendance(
        self, session_id: str, attended: Collection[str], transaction: Transaction
    ) -> None:
        for b in await self.of_session(session_id, [BookingStatus.CONFIRMED]):
            self.bookings[b.id] = b.model_copy(update={"attended": b.id in attended})


def _ended(at: datetime, reason: CancellationReason) -> dict[str, object]:
    return {
        "status": BookingStatus.CANCELLED,
        "cancelled_at": at,
        "cancel_reason": reason,
        "reminder": Reminder.NONE,
    }


class FakeClaimStore:
    """Claims by key: the booking holding each and until when."""

    def __init__(self) -> None:
        self.claims: dict[str, tuple[str, datetime]] = {}

    async def take(
        self, key: str, booking_id: str, *, until: datetime, now: datetime, transaction: Transaction
    ) -> None:
        held = self.claims.get(key)
        if held is not None and held[1] > now:
            raise ClaimTakenError(key, held[0])
        self.claims[key] = (booking_id, until)

    async def release(self, keys: Sequence[str], booking_id: str, transaction: Transaction) -> None:
        for key in keys:
            if key in self.claims and self.claims[key][0] == booking_id:
                del self.claims[key]

    async def release_all(
        self, keys: Sequence[str], booking_ids: Sequence[str], transaction: Transaction
    ) -> None:
        for key in keys:
            if key in self.claims and self.claims[key][0] in booking_ids:
                del self.claims[key]
