"""Attendance: who came to a session, and the report of attendance per session and kind."""

from __future__ import annotations

from collections.abc import Collection

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import (
    NO_ATTENDANCE,
    Attendance,
    BookingRefusedError,
    BookingStatus,
    Refusal,
    SessionStatus,
)
from digitalwell_forum.records import ForumSession
from digitalwell_forum.usecases.common import UnknownBookingsError
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import SessionKind
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)

AttendanceReport = tuple[list[tuple[ForumSession, Attendance]], dict[SessionKind, Attendance]]
"""Attendance per session that has begun, and summed per kind over the marked ones."""


async def mark_attendance(deps: Deps, session_id: str, attended: Collection[str]) -> None:
    """Record who came, of the session's confirmed bookings; everyone else is a no-show."""
    now = deps.clock()
    found = await deps.sessions.get(session_id)
    if found is None:
        raise BookingRefusedError(Refusal.SESSION_NOT_FOUND)
    if found.status is SessionStatus.CANCELLED:
        raise BookingRefusedError(Refusal.SESSION_CANCELLED)
    if now < found.starts_at:
        raise BookingRefusedError(Refusal.SESSION_NOT_BEGUN)
    confirmed = await deps.bookings.of_session(session_id, [BookingStatus.CONFIRMED])
    came = set(attended)
    unknown = came - {booking.id for booking in confirmed}
    if unknown:
        raise UnknownBookingsError(unknown)

    async def write(transaction: Transaction) -> Written[None]:
        await deps.bookings.mark_attendance(session_id, came, transaction)
        await deps.sessions.mark_attendance_taken(session_id, now, transaction)
        return Written(None)

    await deps.committer.commit_with_events(write)
    log.info("attendance marked", session_id=session_id, attended=len(came))


async def attendance(deps: Deps) -> AttendanceReport:
    """Attendance per session that has begun, and summed per kind over the marked ones."""
    sessions = await deps.sessions.started(deps.clock())
    tallies = await deps.bookings.attendance_of([session.id for session in sessions])
    per_session = [(session, tallies.get(session.id, NO_ATTENDANCE)) for session in sessions]
    per_kind = dict.fromkeys(SessionKind, NO_ATTENDANCE)
    for found, tally in per_session:
        if found.attendance_marked_at is not None:
            per_kind[found.kind] = per_kind[found.kind] + tally
    return per_session, per_kind
