"""The signed links forum hands to people: a booking's page, its seat offer, its calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from digitalwell_forum.records import ForumSession
from digitalwell_shared import links
from digitalwell_shared.contracts import Language

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

    def expires_at(self, session: ForumSession) -> datetime:
        """When the signed links of a booking of ``session`` stop working."""
        return links.booking_links_expire_at(session.ends_at, self.grace_hours)

    def session_page_url(self, session_id: str) -> str:
        """The session's public page with its booking form."""
        return f"{self.base_url}/sessions/{session_id}"

    def cancel_url(
        self, booking_id: str, session: ForumSession, language: Language | None = None
    ) -> str:
        """The booking's page, where its holder sees it and may cancel it (notify writes it too)."""
        return links.cancel_booking_url(
            self.base_url, self.secret, booking_id, language, expires_at=self.expires_at(session)
        )

    def accept_url(
        self, booking_id: str, session: ForumSession, language: Language | None = None
    ) -> str:
        """Where a person offered a seat takes it."""
        return links.accept_seat_url(
            self.base_url, self.secret, booking_id, language, expires_at=self.expires_at(session)
        )

    def calendar_url(self, booking_id: str, session: ForumSession) -> str:
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
