"""What forum shows of sessions and bookings, and the signed links it hands to people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from digitalwell_forum.domain import (
    Attendance,
    BookingStatus,
    Refusal,
    SessionStatus,
    booking_refusal,
)
from digitalwell_forum.models import (
    AttendanceReport,
    AttendanceRow,
    BookingView,
    DateView,
    SessionAttendance,
    SessionView,
    StaffBookingView,
)
from digitalwell_forum.store import seats_of
from digitalwell_shared import links
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.mongo import Document

BOOKING_CALENDAR = "booking-calendar"
"""The purpose of a booking's calendar link: it shows the dates and allows nothing else, so it
can be pasted into a calendar program without handing over the cancel link."""


@dataclass(frozen=True)
class Links:
    """Absolute URLs under forum's public base URL, signed where they act on a booking.

    A booking's signed links work until ``grace_hours`` after its session ends (its last
    date); what each allows ends sooner by the booking's state (no cancelling once the
    session has started, no taking a seat no longer offered).
    """

    base_url: str
    secret: str
    grace_hours: float = 24

    def expires_at(self, session: Document) -> datetime:
        """When the signed links of a booking of ``session`` stop working."""
        ends_at: datetime = session["ends_at"]
        return links.booking_links_expire_at(ends_at, self.grace_hours)

    def session_page_url(self, session_id: str) -> str:
        """The session's public page with its booking form."""
        return f"{self.base_url}/sessions/{session_id}"

    def cancel_url(
        self, booking_id: str, session: Document, language: Language | None = None
    ) -> str:
        """The booking's page, where its holder sees it and may cancel it (notify writes it too)."""
        return links.cancel_booking_url(
            self.base_url, self.secret, booking_id, language, expires_at=self.expires_at(session)
        )

    def accept_url(
        self, booking_id: str, session: Document, language: Language | None = None
    ) -> str:
        """Where a person offered a seat takes it."""
        return links.accept_seat_url(
            self.base_url, self.secret, booking_id, language, expires_at=self.expires_at(session)
        )

    def calendar_url(self, booking_id: str, session: Document) -> str:
        """The booking's .ics file."""
        token = links.link_token(
            self.secret, BOOKING_CALENDAR, booking_id, expires_at=self.expires_at(session)
        )
        return f"{self.base_url}/bookings/{booking_id}.ics?{urlencode({'token': token})}"

    def staff_session_url(self, session_id: str) -> str:
        """The coordinator's page of a session."""
        return f"{self.base_url}/staff/sessions/{session_id}"

    # A v1 token (from e-mails sent before links expired) has no expiry of its own: it is
    # accepted, and the booking's state ends what it allows (docs/decisions.md).

    def cancel_link(self, booking_id: str, token: str) -> links.LinkCheck:
        """What ``token`` is worth as the booking's cancel token now."""
        return links.check_link_token(self.secret, links.CANCEL_BOOKING, booking_id, token)

    def accept_link(self, booking_id: str, token: str) -> links.LinkCheck:
        """What ``token`` is worth as the booking's accept-a-seat token now."""
        return links.check_link_token(self.secret, links.ACCEPT_SEAT, booking_id, token)

    def workshop_link(self, application_id: str, token: str) -> links.LinkCheck:
        """What ``token`` is worth as the grant's link to book a workshop (notify writes it)."""
        return links.check_link_token(self.secret, links.BOOK_WORKSHOP, application_id, token)

    def calendar_link(self, booking_id: str, token: str) -> links.LinkCheck:
        """What ``token`` is worth as the booking's calendar token now."""
        return links.check_link_token(self.secret, BOOKING_CALENDAR, booking_id, token)


def registration_open(session: Document, now: datetime) -> bool:
    """The session takes bookings now."""
    return (
        booking_refusal(
            status=SessionStatus(session["status"]),
            starts_at=session["starts_at"],
            registration_deadline=session["registration_deadline"],
            now=now,
        )
        is None
    )


def session_view(session: Document, now: datetime, links: Links) -> SessionView:
    """A session as the public sees it, with seats left."""
    seats = seats_of(session)
    return SessionView(
        id=session["_id"],
        kind=session["kind"],
        title=session["title"],
        description=session.get("description", ""),
        starts_at=session["starts_at"],
        ends_at=session["ends_at"],
        dates=[DateView(starts_at=d["starts_at"], ends_at=d["ends_at"]) for d in session["dates"]],
        location=session["location"],
        capacity=seats.capacity,
        seats_left=seats.left,
        waitlisted=seats.waitlisted,
        registration_deadline=session["registration_deadline"],
        registration_open=registration_open(session, now),
        public_sector_participants=list(session.get("public_sector_participants", [])),
        status=session["status"],
        booking_page_url=links.session_page_url(session["_id"]),
    )


def booking_view(booking: Document, session: Document, now: datetime, links: Links) -> BookingView:
    """A booking as its holder sees it."""
    offered = booking["status"] == BookingStatus.OFFERED.value
    return BookingView(
        id=booking["_id"],
        session_id=booking["session_id"],
        status=booking["status"],
        position=booking.get("position")
        if booking["status"] == BookingStatus.WAITLISTED.value
        else None,
        offer_expires_at=booking.get("offer_expires_at") if offered else None,
        attendee_name=booking["name"],
        session=session_view(session, now, links),
    )


def staff_booking_view(booking: Document) -> StaffBookingView:
    """A booking as the coordinator sees it."""
    return StaffBookingView(
        id=booking["_id"],
        status=booking["status"],
        sequence=booking["sequence"],
        name=booking["name"],
        email=booking["email"],
        application_id=booking.get("application_id"),
        position=booking.get("position"),
        booked_at=booking["booked_at"],
        attended=booking.get("attended"),
    )


def attendance_report_view(
    per_session: list[tuple[Document, Attendance]], per_kind: dict[SessionKind, Attendance]
) -> AttendanceReport:
    """The attendance report: per session that has begun, and per kind over marked sessions."""
    return AttendanceReport(
        sessions=[
            SessionAttendance(
                session_id=found["_id"],
                kind=found["kind"],
                title=found["title"],
                starts_at=found["starts_at"],
                marked=found.get("attendance_marked_at") is not None,
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
