"""Bookings: book a seat or join the waitlist, cancel, pass a freed seat on, accept an offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import (
    BookingRefusedError,
    BookingStatus,
    Refusal,
    Seats,
    SessionStatus,
    booking_refusal,
    needs_grant,
    new_booking_id,
    offer_expires_at,
    percents_reached,
    reminder_for,
)
from digitalwell_forum.models import BookingRequest
from digitalwell_forum.records import Booking, ForumSession, session_summary
from digitalwell_forum.stores import ClaimTakenError, application_key, attendee_key
from digitalwell_forum.usecases.common import (
    ATTEMPTS,
    BookingOutcome,
    RacedError,
    about,
    commit_retrying,
    enveloped,
)
from digitalwell_shared.committing import Events, Written
from digitalwell_shared.contracts import (
    CancellationReason,
    Coordinator,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumSeatOffered,
    ForumSessionFillingUp,
    IntegrationEvent,
    SessionKind,
)
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class _Arrival:
    """A booking about to be written: who, for which session, holding which claims."""

    session: ForumSession
    booking_id: str
    request: BookingRequest
    application_id: str | None
    claims: tuple[str, ...]
    now: datetime


async def book(deps: Deps, session_id: str, request: BookingRequest) -> BookingOutcome:
    """Confirm a seat while one is free, else join the waitlist; the same person gets theirs.

    Raises BookingRefusedError when the session takes no bookings or the application may not
    book it. Nothing is stored then.
    """
    now = deps.clock()
    found = await deps.sessions.get(session_id)
    if found is None:
        raise BookingRefusedError(Refusal.SESSION_NOT_FOUND)
    refusal = booking_refusal(
        status=found.status,
        starts_at=found.starts_at,
        registration_deadline=found.registration_deadline,
        now=now,
    )
    if refusal is not None:
        raise BookingRefusedError(refusal)
    application_id = await _application_for(deps, found.kind, request)
    claims = [attendee_key(session_id, str(request.email))]
    if application_id is not None:
        claims.append(application_key(application_id))
    for _attempt in range(ATTEMPTS):
        arrival = _Arrival(found, new_booking_id(), request, application_id, tuple(claims), now)
        try:
            async with deps.locks.hold(session_id):
                outcome = await _commit_booking(deps, arrival)
        except ClaimTakenError as taken:
            if taken.key != claims[0]:
                raise BookingRefusedError(Refusal.APPLICATION_ALREADY_BOOKED) from taken
            existing = await deps.bookings.get(taken.booking_id)
            if existing is None:  # the claim lapsed as we looked: try again
                continue
            log.info("repeated booking answered with the first", booking_id=existing.id)
            return BookingOutcome(existing.id, existing.status, existing.position, created=False)
        log.info(
            "booking made",
            session_id=session_id,
            booking_id=arrival.booking_id,
            status=outcome.status.value,
        )
        return outcome
    raise RuntimeError("could not claim a booking after several attempts")


async def _application_for(deps: Deps, kind: SessionKind, request: BookingRequest) -> str | None:
    """The application a workshop booking is for, once its grant is checked; None for others."""
    if not needs_grant(kind):
        return None
    if request.application_id is None:
        raise BookingRefusedError(Refusal.APPLICATION_REQUIRED)
    # The applicant may type the case number from the letter or the id from the link.
    grant = await deps.grants.find(request.application_id)
    if grant is None:
        raise BookingRefusedError(Refusal.UNKNOWN_APPLICATION)
    if not grant.innovation_forum:
        raise BookingRefusedError(Refusal.NOT_GRANTED)
    return grant.application_id


async def _commit_booking(deps: Deps, arrival: _Arrival) -> BookingOutcome:
    """Claim, number, seat or queue, and store the booking, in one transaction."""

    async def write(transaction: Transaction) -> Written[BookingOutcome]:
        for key in arrival.claims:
            await deps.claims.take(
                key,
                arrival.booking_id,
                until=arrival.session.ends_at,
                now=arrival.now,
                transaction=transaction,
            )
        counters = await deps.sessions.take_sequence(arrival.session.id, transaction)
        if counters is None:
            raise BookingRefusedError(Refusal.SESSION_CANCELLED)
        booking, events = await _seat_or_queue(deps, arrival, counters, transaction)
        await deps.bookings.insert(booking, transaction)
        outcome = BookingOutcome(booking.id, booking.status, booking.position, created=True)
        return Written(outcome, enveloped(deps, events))

    return await deps.committer.commit_with_events(write)


async def _seat_or_queue(
    deps: Deps, arrival: _Arrival, counters: ForumSession, transaction: Transaction
) -> tuple[Booking, list[IntegrationEvent]]:
    """The new booking, confirmed while a seat is free, else waitlisted; and its events."""
    now, seats = arrival.now, counters.seats
    booking = Booking(
        id=arrival.booking_id,
        session_id=counters.id,
        sequence=counters.sequence,
        name=arrival.request.name,
        email=str(arrival.request.email),
        language=arrival.request.language,
        application_id=arrival.application_id,
        claims=arrival.claims,
        status=BookingStatus.WAITLISTED,
        booked_at=now,
        reminder_due_at=counters.starts_at - deps.policy.reminder_lead,
    )
    if seats.admits_booking and await deps.sessions.take_seat(
        counters.id, seats.capacity, transaction
    ):
        booking = booking.model_copy(update=_confirmed(deps, now, counters.starts_at))
        after = Seats(seats.capacity, seats.confirmed + 1, seats.offered, seats.waitlisted)
        alerts = await _alerts(deps, counters, after, now, transaction)
        return booking, [ForumBooked(**about(booking, counters), booked_at=now), *alerts]
    queued = await deps.sessions.adjust(counters.id, transaction, waitlisted=1)
    position = queued.waitlisted if queued else seats.waitlisted + 1
    booking = booking.model_copy(update={"position": position, "waitlisted_at": now})
    waitlisted = ForumBookingWaitlisted(
        **about(booking, counters), position=position, waitlisted_at=now
    )
    return booking, [waitlisted]


def _confirmed(deps: Deps, now: datetime, starts_at: datetime) -> dict[str, object]:
    """What a booking that gets its seat now becomes."""
    return {
        "status": BookingStatus.CONFIRMED,
        "confirmed_at": now,
        "reminder": reminder_for(now, starts_at, deps.policy.reminder_lead),
    }


async def _alerts(
    deps: Deps, found: ForumSession, seats: Seats, now: datetime, transaction: Transaction
) -> list[IntegrationEvent]:
    """ForumSessionFillingUp for each alert level newly reached, told once per session."""
    percents = percents_reached(seats, found.alerted)
    if not percents:
        return []
    await deps.sessions.mark_alerted(found.id, percents, transaction)
    coordinator = _to_tell(found)
    if coordinator is None:
        # A sign-in without a usable e-mail address: nobody to tell, and no reason to fail.
        log.warning("session's coordinator has no e-mail address", session_id=found.id)
        return []
    return [
        ForumSessionFillingUp(
            session_id=found.id,
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


def _to_tell(found: ForumSession) -> Coordinator | None:
    """The coordinator to tell how the session fills, if they have a usable address."""
    stored = found.coordinator
    if stored is None:
        return None
    try:
        return Coordinator(name=stored.name, email=stored.email, language=stored.language)
    except ValidationError:
        return None


async def cancel_booking(deps: Deps, booking_id: str) -> Booking:
    """End a booking at its holder's request and offer a freed seat to the first waiting.

    Cancelling twice changes nothing; a session that has begun can no longer be left.
    """
    now = deps.clock()
    booking = await deps.bookings.get(booking_id)
    if booking is None:
        raise BookingRefusedError(Refusal.BOOKING_NOT_FOUND)
    if booking.status is BookingStatus.CANCELLED:
        return booking
    found = await deps.sessions.get(booking.session_id)
    if found is None or now >= found.starts_at:
        raise BookingRefusedError(Refusal.SESSION_STARTED)

    async def write(transaction: Transaction) -> Written[None]:
        current = await deps.bookings.get(booking_id, transaction)
        if current is None or current.status is BookingStatus.CANCELLED:
            return Written(None)
        reason = CancellationReason.ATTENDEE_CANCELLED
        return Written(None, await end_booking(deps, current, reason, now, transaction))

    await commit_retrying(deps, booking.session_id, write)
    log.info("booking cancelled by its holder", booking_id=booking_id)
    return await deps.bookings.get(booking_id) or booking


async def end_booking(
    deps: Deps,
    booking: Booking,
    reason: CancellationReason,
    now: datetime,
    transaction: Transaction,
) -> Events:
    """End one booking, free its place, and offer a freed seat to the next in line."""
    status = booking.status
    if not await deps.bookings.end(
        booking.id, expected=status, at=now, reason=reason, transaction=transaction
    ):
        raise RacedError
    await deps.claims.release(booking.claims, booking.id, transaction)
    found = await deps.sessions.adjust(
        booking.session_id,
        transaction,
        confirmed=-int(status is BookingStatus.CONFIRMED),
        offered=-int(status is BookingStatus.OFFERED),
        waitlisted=-int(status is BookingStatus.WAITLISTED),
    )
    if found is None:
        raise RacedError
    events: list[IntegrationEvent] = [
        ForumBookingCancelled(**about(booking, found), reason=reason, cancelled_at=now)
    ]
    if status in {BookingStatus.CONFIRMED, BookingStatus.OFFERED}:
        events += await _offer_next(deps, found, now, transaction)
    return enveloped(deps, events)


async def _offer_next(
    deps: Deps, found: ForumSession, now: datetime, transaction: Transaction
) -> list[IntegrationEvent]:
    """Hold the freed seat for the person who has waited longest, if the session is ahead."""
    if found.status is not SessionStatus.SCHEDULED or now >= found.starts_at:
        return []
    waiting = await deps.bookings.first_waiting(found.id, transaction)
    if waiting is None:
        return []
    expires = offer_expires_at(now, deps.policy.offer_hold, found.starts_at)
    if not await deps.bookings.offer(
        waiting.id, at=now, expires_at=expires, transaction=transaction
    ):
        raise RacedError
    await deps.sessions.adjust(found.id, transaction, offered=1, waitlisted=-1)
    log.info("seat offered", booking_id=waiting.id, until=expires.isoformat())
    return [ForumSeatOffered(**about(waiting, found), offered_at=now, offer_expires_at=expires)]


async def accept_offer(deps: Deps, booking_id: str) -> Booking:
    """Take the seat held for this booking; accepting twice changes nothing."""
    now = deps.clock()
    booking = await deps.bookings.get(booking_id)
    if booking is None:
        raise BookingRefusedError(Refusal.BOOKING_NOT_FOUND)
    _check_offer(booking, now)
    if booking.status is BookingStatus.CONFIRMED:
        return booking

    async def write(transaction: Transaction) -> Written[None]:
        current = await deps.bookings.get(booking_id, transaction)
        if current is None:
            raise BookingRefusedError(Refusal.BOOKING_NOT_FOUND)
        _check_offer(current, now)
        if current.status is BookingStatus.CONFIRMED:
            return Written(None)
        found = await deps.sessions.get(current.session_id, transaction)
        if found is None:
            raise BookingRefusedError(Refusal.SESSION_NOT_FOUND)
        reminder = reminder_for(now, found.starts_at, deps.policy.reminder_lead)
        if not await deps.bookings.confirm(
            booking_id, at=now, reminder=reminder, transaction=transaction
        ):
            raise RacedError
        await deps.sessions.adjust(current.session_id, transaction, offered=-1, confirmed=1)
        return Written(None, enveloped(deps, [ForumBooked(**about(current, found), booked_at=now)]))

    await commit_retrying(deps, booking.session_id, write)
    log.info("seat offer accepted", booking_id=booking_id)
    return await deps.bookings.get(booking_id) or booking


def _check_offer(booking: Booking, now: datetime) -> None:
    if booking.status is BookingStatus.CONFIRMED:
        return
    if booking.status is not BookingStatus.OFFERED:
        raise BookingRefusedError(Refusal.NO_OFFER)
    if booking.offer_expires_at is None or now >= booking.offer_expires_at:
        raise BookingRefusedError(Refusal.OFFER_EXPIRED)


async def find_booking(deps: Deps, booking_id: str) -> tuple[Booking, ForumSession] | None:
    """A booking with its session, or None when either is unknown."""
    booking = await deps.bookings.get(booking_id)
    found = await deps.sessions.get(booking.session_id) if booking else None
    if booking is None or found is None:
        return None
    return booking, found
