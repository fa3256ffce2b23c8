"""Calendar files (iCalendar, RFC 5545) for forum sessions, in the programme's time zone.

One way to turn a session into calendar entries, used by forum (the booking page's file and the
feed) and notify (the file attached to e-mails), so a calendar that gets both sees one entry
per date: the first date's UID is the bare id, later dates add ``-2``, ``-3`` and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from digitalwell_shared.contracts import SessionSummary
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//DigitalWell//Arena//SV"


def date_uids(uid: str, session: SessionSummary, *, domain: str) -> list[str]:
    """The UID of each of the session's dates: ``uid@domain``, then ``uid-2@domain``, ..."""
    count = len(session.dates) or 1
    return [f"{uid}@{domain}" if n == 0 else f"{uid}-{n + 1}@{domain}" for n in range(count)]


def session_events(
    session: SessionSummary, *, uid: str, domain: str, url: str = "", description: str = ""
) -> list[Event]:
    """One VEVENT per date of the session (one for a single date), UIDs from ``date_uids``."""
    spans = [(date.starts_at, date.ends_at) for date in session.dates] or [
        (session.starts_at, session.ends_at)
    ]
    events = []
    for event_uid, (starts_at, ends_at) in zip(
        date_uids(uid, session, domain=domain), spans, strict=True
    ):
        event = Event()
        event.add("uid", event_uid)
        event.add("dtstamp", datetime.now(UTC))
        # Local times with a TZID, so the event stays at 09:00 Swedish time across DST.
        event.add("dtstart", starts_at.astimezone(PROGRAMME_TIME_ZONE))
        event.add("dtend", ends_at.astimezone(PROGRAMME_TIME_ZONE))
        event.add("summary", session.title)
        event.add("location", session.location)
        if description:
            event.add("description", description)
        if url:
            event.add("url", url)
        event.add("status", "CONFIRMED")
        events.append(event)
    return events


def new_calendar(method: str = "PUBLISH") -> Calendar:
    """An empty calendar with the programme's product id."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def calendar_file(calendar: Calendar, events: Iterable[Event]) -> bytes:
    """The calendar with ``events`` as an .ics file."""
    for event in events:
        calendar.add_component(event)
    # Calendar programs need the VTIMEZONE of every TZID the file uses.
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics


def booking_calendar(
    booking_id: str, session: SessionSummary, *, domain: str, url: str = "", description: str = ""
) -> bytes:
    """The .ics of one booking: the session's dates under the booking's UIDs."""
    events = session_events(
        session, uid=booking_id, domain=domain, url=url, description=description
    )
    return calendar_file(new_calendar(), events)
