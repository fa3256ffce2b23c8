"""The feed of upcoming sessions (iCalendar, RFC 5545): the calendar-level headers of forum's own.

Each session's entries are built the one shared way (``digitalwell_shared.calendar``), so the
feed, a booking's file and notify's attachments give a session's dates the same UIDs scheme.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from digitalwell_forum.records import ForumSession, session_summary
from digitalwell_shared.calendar import calendar_file, new_calendar, session_events
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE

FEED_NAME = "DigitalWell Arena"
# Subscribing programs read this as how often to fetch the feed again (RFC 7986).
FEED_REFRESH = timedelta(hours=1)


def sessions_feed(sessions: Sequence[ForumSession], *, domain: str, base_url: str) -> bytes:
    """Every upcoming session as events, for calendar programs to subscribe to."""
    calendar = new_calendar()
    calendar.add("name", FEED_NAME)
    calendar.add("x-wr-calname", FEED_NAME)
    calendar.add("x-wr-timezone", str(PROGRAMME_TIME_ZONE))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    events = [
        event
        for session in sessions
        for event in session_events(
            session_summary(session),
            uid=session.id,
            domain=domain,
            url=f"{base_url.rstrip('/')}/sessions/{session.id}",
            description=session.description,
        )
    ]
    return calendar_file(calendar, events)
