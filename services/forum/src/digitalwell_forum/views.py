"""What forum shows of sessions and bookings: records turned into the API's and pages' views."""

from __future__ import annotations

from datetime import datetime

from digitalwell_forum.domain import (
    Attendance,
    BookingStatus,
    Refusal,
    booking_refusal,
)
from digitalwell_forum.links import Links
from digitalwell_forum.models import (
    AttendanceReport,
    AttendanceRow,
    BookingView,
    DateView,
    SessionAttendance,
    SessionView,
    StaffBookingView,
)
from digitalwell_forum.records import Booking, ForumSession
from digitalwell_shared.contracts import SessionKind


def registration_open(session: ForumSession, now: datetime) -> bool:
    """The session takes bookings now."""
    return (
        booking_refusal(
            status=session.status,
            starts_at=session.starts_at,
            registration_deadline=session.registration_deadline,
            now=now,
        )
        is None
    )


def session_view(session: ForumSession, now: datetime, links: Links) -> SessionView:
    """A session as the public sees it, with seats left."""
    seats = session.seats
    return SessionView(
        id=session.id,
        kind=session.kind,
        title=session.title,
        description=session.description,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        dates=[DateView(starts_at=d.starts_at, ends_at=d.ends_at) for d in session.dates],
        location=session.location,
        capacity=seats.capacity,
        seats_left=seats.left,
        waitlisted=seats.waitlisted,
        registration_deadline=session.registration_deadline,
        registration_open=registration_open(session, now),
        public_sector_participants=list(session.public_sector_participants),
        status=session.status.value,
        booking_page_url=links.session_page_url(session.id),
    )


def booking_view(
    booking: Booking, session: ForumSession, now: datetime, links: Links
) -> BookingView:
    """A booking as its holder sees it."""
    offered = booking.status is BookingStatus.OFFERED
    return BookingView(
        id=booking.id,
        session_id=booking.session_id,
        status=booking.status.value,
        position=booking.position if booking.status is BookingStatus.WAITLISTED else None,
        offer_expires_at=booking.offer_expires_at if offered else None,
        attendee_name=booking.name,
        session=session_view(session, now, links),
    )


def staff_booking_view(booking: Booking) -> StaffBookingView:
    """A booking as the coordinator sees it."""
    return StaffBookingView(
        id=booking.id,
        status=booking.status.value,
        sequence=booking.sequence,
        name=booking.name,
        email=booking.email,
        application_id=booking.application_id,
        position=booking.position,
        booked_at=booking.booked_at,
        attended=booking.attended,
    )


def attendance_report_view(
    per_session: list[tuple[ForumSession, Attendance]], per_kind: dict[SessionKind, Attendance]
) -> AttendanceReport:
    """The attendance report: per session that has begun, and per kind over marked sessions."""
    return AttendanceReport(
        sessions=[
            SessionAttendance(
                session_id=found.id,
                kind=found.kind,
                title=found.title,
                starts_at=found.starts_at,
                marked=found.attendance_marked_at is not None,
                booked=tally.booked,
                attended=tally.attended,
                no_shows=tally.no_shows,
            )
            for found, tally in per_session
        ],
        kinds={
            kind: AttendanceRow(
                booked=tally.booked, attended=tally.attended, no_shows=tally.no_shows
            )
            for kind, tally in per_kind.items()
        },
    )


REFUSAL_STATUS: dict[Refusal, int] = {
    Refusal.SESSION_NOT_FOUND: 404,
    Refusal.SESSION_CANCELLED: 409,
    Refusal.SESSION_STARTED: 409,
    Refusal.SESSION_NOT_BEGUN: 409,
    Refusal.REGISTRATION_CLOSED: 409,
    Refusal.APPLICATION_REQUIRED: 422,
    Refusal.UNKNOWN_APPLICATION: 422,
    Refusal.NOT_GRANTED: 403,
    Refusal.APPLICATION_ALREADY_BOOKED: 409,
    Refusal.BOOKING_NOT_FOUND: 404,
    Refusal.NO_OFFER: 409,
    Refusal.OFFER_EXPIRED: 409,
}
"""The HTTP status of each refusal: unknown things 404, a closed door 409, no grant 403.

An application that forum knows no decision on is a 422: the field names something that
does not exist (or not yet), not a missing page.
"""
