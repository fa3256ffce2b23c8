"""What forum does, as ``async def verb(deps: Deps, ...)``, one module per area.

- ``sessions``: schedule and cancel a session, list sessions and a session's bookings;
- ``bookings``: book (or join the waitlist), cancel, accept a seat offered;
- ``attendance``: who came, and the attendance report;
- ``jobs``: the scheduled ones, offers that ran out and reminders that are due;
- ``grants``: which applications may book a workshop, from council's decisions;
- ``common``: what they share (the fields of booking events, retries, errors).
"""

from __future__ import annotations

from digitalwell_forum.usecases.attendance import AttendanceReport, attendance, mark_attendance
from digitalwell_forum.usecases.bookings import (
    accept_offer,
    book,
    cancel_booking,
    find_booking,
)
from digitalwell_forum.usecases.common import BookingOutcome, UnknownBookingsError
from digitalwell_forum.usecases.grants import find_grant, record_grant
from digitalwell_forum.usecases.jobs import expire_offers, send_due_reminders
from digitalwell_forum.usecases.sessions import (
    all_sessions,
    cancel_session,
    find_session,
    schedule_session,
    session_bookings,
    upcoming_sessions,
)

__all__ = [
    "AttendanceReport",
    "BookingOutcome",
    "UnknownBookingsError",
    "accept_offer",
    "all_sessions",
    "attendance",
    "book",
    "cancel_booking",
    "cancel_session",
    "expire_offers",
    "find_booking",
    "find_grant",
    "find_session",
    "mark_attendance",
    "record_grant",
    "schedule_session",
    "send_due_reminders",
    "session_bookings",
    "upcoming_sessions",
]
