"""Calendar files (iCalendar, RFC 5545): one booking's dates, and the feed of upcoming sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE
from digitalwell_shared.mongo import Document

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
FEED_NAME = "DigitalWell Arena"
# Subscribing programs read this as how often to fetch the feed again (RFC 7986).
FEED_REFRESH = timedelta(hours=1)


def booking_calendar(booking: Document, session: Document, *, domain: str, url: str) -> bytes:
    """One VEVENT per date of the booked session; UIDs are the booking's, so a new copy updates."""
    calendar = _calendar("PUBLISH")
    for number, date in enumerate(session["dates"]):
        uid = booking["_id"] if number == 0 else f"{booking['_id']}-{number + 1}"
        calendar.add_component(_event(session, date, uid=f"{uid}@{domain}", url=url))
    return _finish(calendar)


def sessions_feed(sessions: Sequence[Document], *, domain: str, base_url: str) -> bytes:
    """Every upcoming session as events, for calendar programs to subscribe to."""
    calendar = _calendar("PUBLISH")
    calendar.add("name", FEED_NAME)
    calendar.add("x-wr-calname", FEED_NAME)
    calendar.add("x-wr-timezone", str(PROGRAMME_TIME_ZONE))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for session in sessions:
        url = f"{base_url.rstrip('/')}/sessions/{session['_id']}"
        for number, date in enumerate(session["dates"]):
            uid = session["_id"] if number == 0 else f"{session['_id']}-{number + 1}"
            calendar.add_component(_event(session, date, uid=f"{uid}@{domain}", url=url))
    return _finish(calendar)


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//DigitalWell//forum//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _event(session: Document, date: Document, *, uid: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", datetime.now(UTC))
    # Local times with a TZID, so the event stays at 09:00 Swedish time across the DST switch.
    event.add("dtstart", date["starts_at"].astimezone(PROGRAMME_TIME_ZONE))
    event.add("dtend", date["ends_at"].astimezone(PROGRAMME_TIME_ZONE))
    event.add("summary", session["title"])
    event.add("location", session["location"])
    if session.get("description"):
        event.add("description", session["description"])
    event.add("url", url)
    event.add("status", "CONFIRMED")
    return event


def _finish(calendar: Calendar) -> bytes:
    # Calendar programs need the VTIMEZONE of every TZID the file uses.
    calendar.add_missing_timezones()
    ics: bytes = calendar.to_ical()
    return ics
