"""What forum does: schedule sessions, book seats, pass freed seats on, remind, report."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import structlog
from pydantic import ValidationError

from digitalwell_forum.domain import (
    ACTIVE_STATUSES,
    NO_ATTENDANCE,
    Attendance,
    BookingRefused,
    BookingStatus,
    Refusal,
    Reminder,
    Seats,
    SessionStatus,
    booking_refusal,
    grants_innovation_forum,
    needs_grant,
    new_booking_id,
    new_session_id,
    normalise_email,
    offer_expires_at,
    percents_reached,
    reminder_for,
)
from digitalwell_forum.models import BookingRequest, SessionRequest
from digitalwell_forum.store import (
    BookingStore,
    ClaimStore,
    ClaimTaken,
    EligibilityStore,
    SessionStore,
    seats_of,
)
from digitalwell_shared.contracts import (
    Attendee,
    CancellationReason,
    Coordinator,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionCancelled,
    ForumSessionFillingUp,
    ForumSessionScheduled,
    GrantDecided,
    IntegrationEvent,
    Language,
    SessionDate,
    SessionKind,
    SessionSummary,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document, Transaction
from digitalwell_shared.staff import StaffMember

log = get_logger(__name__)

Events = Sequence[tuple[IntegrationEvent, Envelope]]
_ATTEMPTS = 5
"""Tries of a write whose conditional update found the state changed under it."""


class EventCommitter(Protocol):
    """The part of the service runtime that use cases need: envelopes and the outbox."""

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope that continues the current request's correlation."""
        ...

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Events]]) -> None:
        """Run ``write`` in a transaction that also stores the events it returns in the outbox."""
        ...


@dataclass(frozen=True, slots=True)
class Stores:
    """forum's collections, one store each."""

    eligibility: EligibilityStore
    sessions: SessionStore
    bookings: BookingStore
    claims: ClaimStore


@dataclass(frozen=True, slots=True)
class Policy:
    """The configured times: how long an offer stands, how early a reminder goes."""

    offer_hold: timedelta
    reminder_lead: timedelta


@dataclass(frozen=True, slots=True)
class BookingOutcome:
    """A booking request's result: a new booking, or the one this person already has."""

    booking_id: str
    status: BookingStatus
    position: int | None
    created: bool


class UnknownBookingsError(ValueError):
    """Attendance named bookings that are not confirmed bookings of the session."""

    def __init__(self, booking_ids: Collection[str]) -> None:
        super().__init__(", ".join(sorted(booking_ids)))
        self.booking_ids = sorted(booking_ids)


class _Raced(Exception):  # noqa: N818 - a signal to try again, not a failure
    """A conditional write found the state changed since the transaction read it."""


class SessionLocks:
    """One lock per session in this process, so its bookings queue rather than collide.

    Correctness does not depend on it: the counters are changed in each booking's
    transaction, and concurrent transactions on one session (from another process, too)
    conflict and are retried by the database. The lock only spares this process the retries,
    which cost more than waiting when hundreds book one session at once. It is fair (first
    come, first served), so it keeps arrival order too.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's lock for the block."""
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        self._holders[session_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[session_id] -= 1
            if not self._holders[session_id]:
                del self._holders[session_id]
                del self._locks[session_id]


def attendee_key(session_id: str, email: str) -> str:
    """The claim that keeps one person to one booking per session."""
    return f"attendee\x1f{session_id}\x1f{normalise_email(email)}"


def application_key(application_id: str) -> str:
    """The claim that keeps an application to one workshop booking at a time."""
    return f"application\x1f{application_id}"


def session_summary(session: Document) -> SessionSummary:
    """What booking events tell of their session.

    A series spans its first to its last date and lists each date, so a calendar does not show
    one block over the weeks between.
    """
    dates = session.get("dates", [])
    return SessionSummary(
        kind=SessionKind(session["kind"]),
        title=session["title"],
        starts_at=session["starts_at"],
        ends_at=session["ends_at"],
        location=session["location"],
        dates=[SessionDate(starts_at=date["starts_at"], ends_at=date["ends_at"]) for date in dates]
        if len(dates) > 1
        else [],
    )


def _about(booking: Document, session: Document) -> dict[str, Any]:
    """The fields every booking event has."""
    return {
        "booking_id": booking["_id"],
        "session_id": booking["session_id"],
        "application_id": booking.get("application_id"),
        "attendee": Attendee(
            name=booking["name"], email=booking["email"], language=Language(booking["language"])
        ),
        "session": session_summary(session),
    }


def _ended(now: datetime, reason: CancellationReason) -> dict[str, Any]:
    return {
        "status": BookingStatus.CANCELLED.value,
        "cancelled_at": now,
        "cancel_reason": reason.value,
        "reminder": Reminder.NONE.value,
    }


def _coordinator(member: StaffMember, language: Language) -> Document:
    return {"id": member.id, "name": member.name, "email": member.email, "language": language}


class Forum:
    """forum's use cases, bound to its stores, its runtime's outbox and its configured times."""

    def __init__(self, committer: EventCommitter, stores: Stores, policy: Policy) -> None:
        self._committer = committer
        self._stores = stores
        self._policy = policy
        self._locks = SessionLocks()

    # -- grants ---------------------------------------------------------------------------

    async def record_grant(self, event: GrantDecided, session: Transaction) -> None:
        """Note whether the decision lets the application book an Innovation Forum workshop."""
        eligible = grants_innovation_forum(event)
        await self._stores.eligibility.record(
            event.application_id,
            case_number=event.case_number,
            innovation_forum=eligible,
            decided_at=event.decided_at,
            session=session,
        )
        log.info("grant recorded", innovation_forum=eligible)

    # -- sessions -------------------------------------------------------------------------

    async def schedule_session(
        self, request: SessionRequest, coordinator: StaffMember, now: datetime | None = None
    ) -> str:
        """Store a new session and announce it with ForumSessionScheduled."""
        now = now or datetime.now(UTC)
        session_id = new_session_id()
        dates = request.dates
        document: Document = {
            "_id": session_id,
            "kind": request.kind.value,
            "title": request.title,
            "description": request.description,
            "location": request.location,
            "dates": [{"starts_at": d.starts_at, "ends_at": d.ends_at} for d in dates],
            "starts_at": dates[0].starts_at,
            "ends_at": dates[-1].ends_at,
            "capacity": request.capacity,
            "public_sector_participants": request.public_sector_participants,
            "registration_deadline": request.registration_deadline or dates[0].starts_at,
            "coordinator": _coordinator(coordinator, request.coordinator_language),
            "status": SessionStatus.SCHEDULED.value,
            "scheduled_at": now,
            "sequence": 0,
            "confirmed": 0,
            "offered": 0,
            "waitlisted": 0,
            "alerted": [],
        }
        event = ForumSessionScheduled(
            session_id=session_id,
            kind=request.kind,
            title=request.title,
            starts_at=document["starts_at"],
            ends_at=document["ends_at"],
            location=request.location,
            capacity=request.capacity,
        )

        async def write(session: Transaction) -> Events:
            await self._stores.sessions.insert(document, session)
            return [(event, self._committer.envelope_for(event))]

        await self._committer.commit_with_events(write)
        structlog.contextvars.bind_contextvars(session_id=session_id)
        log.info("session scheduled", kind=request.kind.value, capacity=request.capacity)
        return session_id

    async def cancel_session(
        self, session_id: str, reason: str, now: datetime | None = None
    ) -> int:
        """Cancel a session that has not begun; every booking on it ends and its holder is told."""
        now = now or datetime.now(UTC)
        found = await self._stores.sessions.get(session_id)
        if found is None:
            raise BookingRefused(Refusal.SESSION_NOT_FOUND)
        if found["status"] == SessionStatus.CANCELLED.value:
            raise BookingRefused(Refusal.SESSION_CANCELLED)
        if now >= found["starts_at"]:
            raise BookingRefused(Refusal.SESSION_STARTED)
        ended: list[str] = []

        async def write(session: Transaction) -> Events:
            cancelled = await self._stores.sessions.cancel(session_id, reason, now, session)
            if cancelled is None:
                raise BookingRefused(Refusal.SESSION_CANCELLED)
            active = await self._stores.bookings.of_session(session_id, ACTIVE_STATUSES, session)
            ids = [booking["_id"] for booking in active]
            await self._stores.bookings.end_all(
                ids, _ended(now, CancellationReason.SESSION_CANCELLED), session
            )
            keys = [key for booking in active for key in booking["claims"]]
            await self._stores.claims.release_all(keys, ids, session)
            ended[:] = ids
            announced = ForumSessionCancelled(
                session_id=session_id, reason=reason, cancelled_at=now
            )
            events: list[IntegrationEvent] = [announced]
            events += [
                ForumBookingCancelled(
                    **_about(booking, cancelled),
                    reason=CancellationReason.SESSION_CANCELLED,
                    note=reason,
                    cancelled_at=now,
                )
                for booking in active
            ]
            return [(event, self._committer.envelope_for(event)) for event in events]

        async with self._locks.hold(session_id):
            await self._committer.commit_with_events(write)
        log.info("session cancelled", session_id=session_id, bookings_ended=len(ended))
        return len(ended)

    # -- bookings -------------------------------------------------------------------------

    async def book(
        self, session_id: str, request: BookingRequest, now: datetime | None = None
    ) -> BookingOutcome:
        """Confirm a seat while one is free, else join the waitlist; the same person gets theirs.

        Raises BookingRefused when the session takes no bookings or the application may not
        book it. Nothing is stored then.
        """
        now = now or datetime.now(UTC)
        found = await self._stores.sessions.get(session_id)
        if found is None:
            raise BookingRefused(Refusal.SESSION_NOT_FOUND)
        refusal = booking_refusal(
            status=SessionStatus(found["status"]),
            starts_at=found["starts_at"],
            registration_deadline=found["registration_deadline"],
            now=now,
        )
        if refusal is not None:
            raise BookingRefused(refusal)
        application_id = await self._application_for(SessionKind(found["kind"]), request)
        claims = [attendee_key(session_id, str(request.email))]
        if application_id is not None:
            claims.append(application_key(application_id))
        for _attempt in range(_ATTEMPTS):
            booking_id = new_booking_id()
            try:
                async with self._locks.hold(session_id):
                    outcome = await self._commit_booking(
                        found, booking_id, request, application_id, claims, now
                    )
            except ClaimTaken as taken:
                if taken.key != claims[0]:
                    raise BookingRefused(Refusal.APPLICATION_ALREADY_BOOKED) from taken
                existing = await self._stores.bookings.get(taken.booking_id)
                if existing is None:  # the claim lapsed as we looked: try again
                    continue
                log.info("repeated booking answered with the first", booking_id=existing["_id"])
                return BookingOutcome(
                    existing["_id"],
                    BookingStatus(existing["status"]),
                    existing.get("position"),
                    created=False,
                )
            log.info(
                "booking made",
                session_id=session_id,
                booking_id=booking_id,
                status=outcome.status.value,
            )
            return outcome
        raise RuntimeError("could not claim a booking after several attempts")

    async def _application_for(self, kind: SessionKind, request: BookingRequest) -> str | None:
        """The application a workshop booking is for, once its grant is checked; None for others."""
        if not needs_grant(kind):
            return None
        if request.application_id is None:
            raise BookingRefused(Refusal.APPLICATION_REQUIRED)
        # The applicant may type the case number from the letter or the id from the link.
        grant = await self._stores.eligibility.find(request.application_id)
        if grant is None:
            raise BookingRefused(Refusal.UNKNOWN_APPLICATION)
        if not grant["innovation_forum"]:
            raise BookingRefused(Refusal.NOT_GRANTED)
        return str(grant["_id"])

    async def _commit_booking(  # noqa: PLR0917 - one call site, each argument a part of the booking
        self,
        found: Document,
        booking_id: str,
        request: BookingRequest,
        application_id: str | None,
        claims: Sequence[str],
        now: datetime,
    ) -> BookingOutcome:
        session_id = found["_id"]
        outcome: list[BookingOutcome] = []

        async def write(session: Transaction) -> Events:
            for key in claims:
                await self._stores.claims.take(
                    key, booking_id, until=found["ends_at"], now=now, session=session
                )
            counters = await self._stores.sessions.take_sequence(session_id, session)
            if counters is None:
                raise BookingRefused(Refusal.SESSION_CANCELLED)
            seats = seats_of(counters)
            booking: Document = {
                "_id": booking_id,
                "session_id": session_id,
                "sequence": counters["sequence"],
                "name": request.name,
                "email": str(request.email),
                "language": request.language.value,
                "application_id": application_id,
                "claims": list(claims),
                "booked_at": now,
                "reminder_due_at": counters["starts_at"] - self._policy.reminder_lead,
                "reminder": Reminder.NONE.value,
                "attended": None,
            }
            events: list[IntegrationEvent] = []
            if seats.admits_booking and await self._stores.sessions.take_seat(
                session_id, seats.capacity, session
            ):
                booking |= self._confirmed(now, counters["starts_at"])
                events.append(ForumBooked(**_about(booking, counters), booked_at=now))
                after = Seats(seats.capacity, seats.confirmed + 1, seats.offered, seats.waitlisted)
                events += await self._alerts(counters, after, now, session)
            else:
                queued = await self._stores.sessions.adjust(session_id, {"waitlisted": 1}, session)
                position = int(queued["waitlisted"]) if queued else seats.waitlisted + 1
                booking |= {
                    "status": BookingStatus.WAITLISTED.value,
                    "position": position,
                    "waitlisted_at": now,
                }
                events.append(
                    ForumBookingWaitlisted(
                        **_about(booking, counters), position=position, waitlisted_at=now
                    )
                )
            await self._stores.bookings.insert(booking, session)
            outcome[:] = [
                BookingOutcome(
                    booking_id,
                    BookingStatus(booking["status"]),
                    booking.get("position"),
                    created=True,
                )
            ]
            return [(event, self._committer.envelope_for(event)) for event in events]

        await self._committer.commit_with_events(write)
        return outcome[0]

    def _confirmed(self, now: datetime, starts_at: datetime) -> dict[str, Any]:
        return {
            "status": BookingStatus.CONFIRMED.value,
            "confirmed_at": now,
            "reminder": reminder_for(now, starts_at, self._policy.reminder_lead).value,
        }

    async def _alerts(
        self, found: Document, seats: Seats, now: datetime, session: Transaction
    ) -> list[IntegrationEvent]:
        """ForumSessionFillingUp for each alert level newly reached, told once per session."""
        percents = percents_reached(seats, found.get("alerted", []))
        if not percents:
            return []
        await self._stores.sessions.mark_alerted(found["_id"], percents, session)
        try:
            stored = found["coordinator"]
            coordinator = Coordinator.model_validate(
                {field: stored.get(field) for field in ("name", "email", "language")}
            )
        except ValidationError:
            # A sign-in without a usable e-mail address: nobody to tell, and no reason to fail.
            log.warning("session's coordinator has no e-mail address", session_id=found["_id"])
            return []
        return [
            ForumSessionFillingUp(
                session_id=found["_id"],
                session=session_summary(found),
                coordinator=coordinator,
                percent=percent,
                seats_taken=seats.taken,
                capacity=seats.capacity,
                waitlisted=seats.waitlisted,
                reached_at=now,
            )
            for percent in percents
        ]

    async def cancel_booking(self, booking_id: str, now: datetime | None = None) -> Document:
        """End a booking at its holder's request and offer a freed seat to the first waiting.

        Cancelling twice changes nothing; a session that has begun can no longer be left.
        """
        now = now or datetime.now(UTC)
        booking = await self._stores.bookings.get(booking_id)
        if booking is None:
            raise BookingRefused(Refusal.BOOKING_NOT_FOUND)
        if booking["status"] == BookingStatus.CANCELLED.value:
            return booking
        found = await self._stores.sessions.get(booking["session_id"])
        if found is None or now >= found["starts_at"]:
            raise BookingRefused(Refusal.SESSION_STARTED)

        async def write(session: Transaction) -> Events:
            current = await self._stores.bookings.get(booking_id, session)
            if current is None or current["status"] == BookingStatus.CANCELLED.value:
                return []
            status = BookingStatus(current["status"])
            return await self._end(
                current, status, CancellationReason.ATTENDEE_CANCELLED, now, session
            )

        await self._commit_retrying(booking["session_id"], write)
        log.info("booking cancelled by its holder", booking_id=booking_id)
        ended = await self._stores.bookings.get(booking_id)
        return ended or booking

    async def _end(
        self,
        booking: Document,
        status: BookingStatus,
        reason: CancellationReason,
        now: datetime,
        session: Transaction,
    ) -> Events:
        """End one booking, free its place, and offer a freed seat to the next in line."""
        booking_id, session_id = booking["_id"], booking["session_id"]
        if not await self._stores.bookings.move(
            booking_id, expected=status, changes=_ended(now, reason), session=session
        ):
            raise _Raced
        await self._stores.claims.release(booking["claims"], booking_id, session)
        found = await self._stores.sessions.adjust(session_id, {status.value: -1}, session)
        if found is None:
            raise _Raced
        events: list[IntegrationEvent] = [
            ForumBookingCancelled(**_about(booking, found), reason=reason, cancelled_at=now)
        ]
        if status in {BookingStatus.CONFIRMED, BookingStatus.OFFERED}:
            events += await self._offer_next(found, now, session)
        return [(event, self._committer.envelope_for(event)) for event in events]

    async def _offer_next(
        self, found: Document, now: datetime, session: Transaction
    ) -> list[IntegrationEvent]:
        """Hold the freed seat for the person who has waited longest, if the session is ahead."""
        if found["status"] != SessionStatus.SCHEDULED.value or now >= found["starts_at"]:
            return []
        waiting = await self._stores.bookings.first_waiting(found["_id"], session)
        if waiting is None:
            return []
        expires = offer_expires_at(now, self._policy.offer_hold, found["starts_at"])
        offered = {
            "status": BookingStatus.OFFERED.value,
            "offered_at": now,
            "offer_expires_at": expires,
        }
        if not await self._stores.bookings.move(
            waiting["_id"], expected=BookingStatus.WAITLISTED, changes=offered, session=session
        ):
            raise _Raced
        await self._stores.sessions.adjust(found["_id"], {"offered": 1, "waitlisted": -1}, session)
        log.info("seat offered", booking_id=waiting["_id"], until=expires.isoformat())
        return [
            ForumSeatOffered(**_about(waiting, found), offered_at=now, offer_expires_at=expires)
        ]

    async def accept_offer(self, booking_id: str, now: datetime | None = None) -> Document:
        """Take the seat held for this booking; accepting twice changes nothing."""
        now = now or datetime.now(UTC)
        booking = await self._stores.bookings.get(booking_id)
        if booking is None:
            raise BookingRefused(Refusal.BOOKING_NOT_FOUND)
        self._check_offer(booking, now)
        if booking["status"] == BookingStatus.CONFIRMED.value:
            return booking

        async def write(session: Transaction) -> Events:
            current = await self._stores.bookings.get(booking_id, session)
            if current is None:
                raise BookingRefused(Refusal.BOOKING_NOT_FOUND)
            self._check_offer(current, now)
            if current["status"] == BookingStatus.CONFIRMED.value:
                return []
            found = await self._stores.sessions.get(current["session_id"], session)
            if found is None:
                raise BookingRefused(Refusal.SESSION_NOT_FOUND)
            confirmed = self._confirmed(now, found["starts_at"])
            if not await self._stores.bookings.move(
                booking_id, expected=BookingStatus.OFFERED, changes=confirmed, session=session
            ):
                raise _Raced
            await self._stores.sessions.adjust(
                current["session_id"], {"offered": -1, "confirmed": 1}, session
            )
            event = ForumBooked(**_about(current, found), booked_at=now)
            return [(event, self._committer.envelope_for(event))]

        await self._commit_retrying(booking["session_id"], write)
        log.info("seat offer accepted", booking_id=booking_id)
        accepted = await self._stores.bookings.get(booking_id)
        return accepted or booking

    @staticmethod
    def _check_offer(booking: Document, now: datetime) -> None:
        status = BookingStatus(booking["status"])
        if status is BookingStatus.CONFIRMED:
            return
        if status is not BookingStatus.OFFERED:
            raise BookingRefused(Refusal.NO_OFFER)
        if now >= booking["offer_expires_at"]:
            raise BookingRefused(Refusal.OFFER_EXPIRED)

    async def _commit_retrying(
        self, session_id: str, write: Callable[[Transaction], Awaitable[Events]]
    ) -> None:
        """Commit under the session's lock; try again if a conditional write lost a race."""
        for _attempt in range(_ATTEMPTS):
            try:
                async with self._locks.hold(session_id):
                    await self._committer.commit_with_events(write)
            except _Raced:
                continue
            return
        raise RuntimeError("the booking kept changing under the transaction")

    # -- scheduled jobs -------------------------------------------------------------------

    async def expire_offers(self, limit: int, now: datetime | None = None) -> int:
        """Pass on seats whose offers ran out; return how many offers were looked at."""
        now = now or datetime.now(UTC)
        expired = await self._stores.bookings.expired_offer_ids(now, limit)
        for booking_id in expired:
            booking = await self._stores.bookings.get(booking_id)
            if booking is None:
                continue

            async def write(session: Transaction, booking_id: str = booking_id) -> Events:
                current = await self._stores.bookings.get(booking_id, session)
                # Another forum process may have passed it on, or the person accepted in time.
                if (
                    current is None
                    or current["status"] != BookingStatus.OFFERED.value
                    or current["offer_expires_at"] > now
                ):
                    return []
                return await self._end(
                    current, BookingStatus.OFFERED, CancellationReason.OFFER_EXPIRED, now, session
                )

            await self._commit_retrying(booking["session_id"], write)
            log.info("seat offer expired", booking_id=booking_id)
        return len(expired)

    async def send_due_reminders(self, limit: int, now: datetime | None = None) -> int:
        """Announce ForumReminderDue for confirmed bookings whose session is near, each once.

        The reminder is marked sent in the transaction that adds its event to the outbox, and
        only if it was still pending: two forum processes racing for one reminder conflict,
        and the one that retries finds it already sent.
        """
        now = now or datetime.now(UTC)
        due = await self._stores.bookings.due_reminder_ids(now, limit)
        if not due:
            return 0
        reminded: list[str] = []

        async def write(session: Transaction) -> Events:
            pending = await self._stores.bookings.pending_reminders(due, session)
            sessions = await self._stores.sessions.get_many(
                {b["session_id"] for b in pending}, session
            )
            to_remind = [
                booking
                for booking in pending
                if booking["status"] == BookingStatus.CONFIRMED.value
                and sessions[booking["session_id"]]["status"] == SessionStatus.SCHEDULED.value
                and now < sessions[booking["session_id"]]["starts_at"]
            ]
            too_late = [b["_id"] for b in pending if b not in to_remind]
            sent_ids = [b["_id"] for b in to_remind]
            if await self._stores.bookings.set_reminder(
                sent_ids, Reminder.SENT, now, session
            ) != len(sent_ids):
                raise _Raced
            await self._stores.bookings.set_reminder(too_late, Reminder.NONE, now, session)
            reminded[:] = sent_ids
            events = [
                ForumReminderDue(
                    **_about(booking, sessions[booking["session_id"]]),
                    due_at=booking["reminder_due_at"],
                )
                for booking in to_remind
            ]
            return [(event, self._committer.envelope_for(event)) for event in events]

        for _attempt in range(_ATTEMPTS):
            try:
                await self._committer.commit_with_events(write)
            except _Raced:
                continue
            break
        if reminded:
            log.info("reminders due", count=len(reminded))
        return len(due)

    # -- attendance -----------------------------------------------------------------------

    async def mark_attendance(
        self, session_id: str, attended: Collection[str], now: datetime | None = None
    ) -> None:
        """Record who came, of the session's confirmed bookings; everyone else is a no-show."""
        now = now or datetime.now(UTC)
        found = await self._stores.sessions.get(session_id)
        if found is None:
            raise BookingRefused(Refusal.SESSION_NOT_FOUND)
        if found["status"] == SessionStatus.CANCELLED.value:
            raise BookingRefused(Refusal.SESSION_CANCELLED)
        if now < found["starts_at"]:
            raise BookingRefused(Refusal.SESSION_NOT_BEGUN)
        confirmed = await self._stores.bookings.of_session(session_id, [BookingStatus.CONFIRMED])
        unknown = set(attended) - {booking["_id"] for booking in confirmed}
        if unknown:
            raise UnknownBookingsError(unknown)

        async def write(session: Transaction) -> Events:
            await self._stores.bookings.mark_attendance(session_id, set(attended), session)
            await self._stores.sessions.mark_attendance_taken(session_id, now, session)
            return []

        await self._committer.commit_with_events(write)
        log.info("attendance marked", session_id=session_id, attended=len(set(attended)))

    async def attendance(
        self, now: datetime | None = None
    ) -> tuple[list[tuple[Document, Attendance]], dict[SessionKind, Attendance]]:
        """Attendance per session that has begun, and summed per kind over the marked ones."""
        now = now or datetime.now(UTC)
        sessions = await self._stores.sessions.started(now)
        bookings = await self._stores.bookings.confirmed_of_sessions([s["_id"] for s in sessions])
        booked: dict[str, int] = defaultdict(int)
        came: dict[str, int] = defaultdict(int)
        for booking in bookings:
            booked[booking["session_id"]] += 1
            came[booking["session_id"]] += 1 if booking.get("attended") else 0
        per_session = [(s, Attendance(booked[s["_id"]], came[s["_id"]])) for s in sessions]
        per_kind = dict.fromkeys(SessionKind, NO_ATTENDANCE)
        for found, tally in per_session:
            if found.get("attendance_marked_at") is not None:
                kind = SessionKind(found["kind"])
                per_kind[kind] = per_kind[kind] + tally
        return per_session, per_kind
