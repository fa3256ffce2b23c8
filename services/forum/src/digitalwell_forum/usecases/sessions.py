"""Sessions: schedule one, cancel one (ending its bookings), and list them."""

from __future__ import annotations

import structlog

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import (
    ACTIVE_STATUSES,
    BookingRefusedError,
    BookingStatus,
    Refusal,
    SessionStatus,
    new_session_id,
)
from digitalwell_forum.models import SessionRequest
from digitalwell_forum.records import Booking, ForumSession, SessionCoordinator
from digitalwell_forum.usecases.common import about, enveloped
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import (
    CancellationReason,
    ForumBookingCancelled,
    ForumSessionCancelled,
    ForumSessionScheduled,
    IntegrationEvent,
    SessionKind,
)
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import StaffMember

log = get_logger(__name__)


async def schedule_session(deps: Deps, request: SessionRequest, coordinator: StaffMember) -> str:
    """Store a new session and announce it with ForumSessionScheduled; its id."""
    dates = tuple(request.dates)
    session = ForumSession(
        id=new_session_id(),
        kind=request.kind,
        title=request.title,
        description=request.description,
        location=request.location,
        dates=dates,
        starts_at=dates[0].starts_at,
        ends_at=dates[-1].ends_at,
        capacity=request.capacity,
        public_sector_participants=tuple(request.public_sector_participants),
        registration_deadline=request.registration_deadline or dates[0].starts_at,
        coordinator=SessionCoordinator(
            id=coordinator.id,
            name=coordinator.name,
            email=coordinator.email,
            language=request.coordinator_language,
        ),
        status=SessionStatus.SCHEDULED,
        scheduled_at=deps.clock(),
    )
    event = ForumSessionScheduled(
        session_id=session.id,
        kind=session.kind,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        capacity=session.capacity,
    )

    async def write(transaction: Transaction) -> Written[str]:
        await deps.sessions.insert(session, transaction)
        return Written(session.id, enveloped(deps, [event]))

    session_id = await deps.committer.commit_with_events(write)
    structlog.contextvars.bind_contextvars(session_id=session_id)
    log.info("session scheduled", kind=request.kind.value, capacity=request.capacity)
    return session_id


async def cancel_session(deps: Deps, session_id: str, reason: str) -> int:
    """Cancel a session that has not begun; every booking on it ends and its holder is told.

    Returns how many bookings ended.
    """
    now = deps.clock()
    found = await deps.sessions.get(session_id)
    if found is None:
        raise BookingRefusedError(Refusal.SESSION_NOT_FOUND)
    if found.status is SessionStatus.CANCELLED:
        raise BookingRefusedError(Refusal.SESSION_CANCELLED)
    if now >= found.starts_at:
        raise BookingRefusedError(Refusal.SESSION_STARTED)

    async def write(transaction: Transaction) -> Written[int]:
        cancelled = await deps.sessions.cancel(session_id, reason, now, transaction)
        if cancelled is None:
            raise BookingRefusedError(Refusal.SESSION_CANCELLED)
        active = await deps.bookings.of_session(session_id, ACTIVE_STATUSES, transaction)
        ids = [booking.id for booking in active]
        await deps.bookings.end_all(
            ids, at=now, reason=CancellationReason.SESSION_CANCELLED, transaction=transaction
        )
        keys = [key for booking in active for key in booking.claims]
        await deps.claims.release_all(keys, ids, transaction)
        events: list[IntegrationEvent] = [
            ForumSessionCancelled(session_id=session_id, reason=reason, cancelled_at=now)
        ]
        events += [
            ForumBookingCancelled(
                **about(booking, cancelled),
                reason=CancellationReason.SESSION_CANCELLED,
                note=reason,
                cancelled_at=now,
            )
            for booking in active
        ]
        return Written(len(ids), enveloped(deps, events))

    async with deps.locks.hold(session_id):
        ended = await deps.committer.commit_with_events(write)
    log.info("session cancelled", session_id=session_id, bookings_ended=ended)
    return ended


async def upcoming_sessions(deps: Deps, kind: SessionKind | None = None) -> list[ForumSession]:
    """Scheduled sessions that have not started (of ``kind``, if given), soonest first."""
    upcoming = await deps.sessions.upcoming(deps.clock())
    return [session for session in upcoming if kind is None or session.kind is kind]


async def all_sessions(deps: Deps) -> list[ForumSession]:
    """Every session, latest first: the coordinators' list."""
    return await deps.sessions.all()


async def find_session(deps: Deps, session_id: str) -> ForumSession | None:
    """One session, upcoming or not."""
    return await deps.sessions.get(session_id)


async def session_bookings(deps: Deps, session_id: str) -> list[Booking]:
    """Every booking of a session, in arrival order: the coordinators' view."""
    return await deps.bookings.of_session(session_id, list(BookingStatus))
