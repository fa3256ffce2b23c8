"""Calendar files (iCalendar, RFC 5545) for booked sessions, in the programme's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from digitalwell_shared.contracts import SessionSummary
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE

ICS_CONTENT_TYPE = "text/calendar"


def booking_calendar(booking_id: str, session: SessionSummary, *, organiser_domain: str) -> bytes:
    """A VEVENT for a booking, one per date of a series.

    The UIDs are the booking's (and the date's number), so a resent file updates, not adds.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//DigitalWell//notify//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    spans = [(date.starts_at, date.ends_at) for date in session.dates] or [
        (session.starts_at, session.ends_at)
    ]
    for number, (starts_at, ends_at) in enumerate(spans):
        event = Event()
        suffix = f"-{number + 1}" if session.dates else ""
        event.add("uid", f"{booking_id}{suffix}@{organiser_domain}")
        event.add("dtstamp", datetime.now(UTC))
        event.add("dtstart", starts_at.astimezone(PROGRAMME_TIME_ZONE))
        event.add("dtend", ends_at.astimezone(PROGRAMME_TIME_ZONE))
        event.add("summary", session.title)
        event.add("location", session.location)
        calendar.add_component(event)
    # Calendar programs need the VTIMEZONE of every TZID the file uses.
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics
