"""The feed of upcoming sessions: forum's calendar headers, each date's entry the shared way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from digitalwell_forum.calendar import FEED_NAME, sessions_feed
from digitalwell_forum.records import ForumSession, SessionDate
from digitalwell_shared.contracts import SessionKind

START = datetime(2027, 3, 23, 8, 0, tzinfo=UTC)


def session(session_id: str, weeks: int) -> ForumSession:
    dates = tuple(
        SessionDate(
            starts_at=START + timedelta(weeks=n), ends_at=START + timedelta(weeks=n, hours=7)
        )
        for n in range(weeks)
    )
    return ForumSession(
        id=session_id,
        kind=SessionKind.TRAINING if weeks > 1 else SessionKind.BREAKFAST_MEETING,
        title=f"Session {session_id}",
        description="Om tjänstedesign.",
        location="Karlstad",
        dates=dates,
        starts_at=dates[0].starts_at,
        ends_at=dates[-1].ends_at,
        capacity=20,
        registration_deadline=dates[0].starts_at,
    )


def test_the_feed_has_one_entry_per_date_under_the_sessions_uids() -> None:
    ics = sessions_feed(
        [session("ses_1", weeks=2), session("ses_2", weeks=1)],
        domain="digitalwell.example",
        base_url="https://forum.example/",
    )

    calendar = Calendar.from_ical(ics)
    assert str(calendar["X-WR-CALNAME"]) == FEED_NAME
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        "ses_1@digitalwell.example",
        "ses_1-2@digitalwell.example",
        "ses_2@digitalwell.example",
    ]
    assert str(events[0]["URL"]) == "https://forum.example/sessions/ses_1"
    assert str(events[0]["DESCRIPTION"]) == "Om tjänstedesign."
    # In Swedish time: 08:00 UTC is 09:00 before the switch to summer time, 10:00 after it.
    assert [e.decoded("dtstart").hour for e in events[:2]] == [9, 10]
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
