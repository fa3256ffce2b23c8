"""A training given as a series: one calendar event per date, each date in the e-mail, and the
same UIDs in the file notify attaches as in the one forum's booking page serves."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from digitalwell_notify import usecases
from digitalwell_notify.composing import ICS_ATTACHMENT_TYPE
from digitalwell_notify.records import Email
from digitalwell_notify.render import EmailTemplates
from digitalwell_shared.calendar import booking_calendar, date_uids
from digitalwell_shared.contracts import (
    ForumBooked,
    Language,
    SessionDate,
    SessionKind,
    SessionSummary,
)
from digitalwell_shared.envelope import Envelope
from tests.support.committing import FAKE_TRANSACTION
from tests.support.email_contexts import sample_context
from tests.unit.notify.fakes import LINKS, FakeNotify

SERIES = SessionSummary(
    kind=SessionKind.TRAINING,
    title="Tjänstedesign i tre steg",
    starts_at=datetime(2027, 2, 3, 8, 0, tzinfo=UTC),
    ends_at=datetime(2027, 2, 17, 11, 0, tzinfo=UTC),
    location="Karlstads universitet, hus 21",
    dates=[
        SessionDate(
            starts_at=datetime(2027, 2, day, 8, 0, tzinfo=UTC),
            ends_at=datetime(2027, 2, day, 11, 0, tzinfo=UTC),
        )
        for day in (3, 10, 17)
    ],
)


async def confirmation(booking_id: str, session: SessionSummary) -> Email:
    """The booking confirmation notify stores for ForumBooked, attachment and all."""
    booked = ForumBooked.model_validate(
        {
            "booking_id": booking_id,
            "session_id": "ses_1",
            "attendee": {"name": "Bo Ek", "email": "bo@example.org", "language": "sv"},
            "session": session.model_dump(),
            "booked_at": datetime(2027, 1, 10, 9, 0, tzinfo=UTC),
        }
    )
    notify = FakeNotify()
    (email,) = await usecases.booking_events(
        notify.deps, [(booked, Envelope.for_event(booked, source="forum"))], FAKE_TRANSACTION
    )
    assert notify.emails.emails[email.id] == email
    return email


def attached_calendar(email: Email) -> Calendar:
    (attachment,) = email.attachments
    assert attachment.content_type == ICS_ATTACHMENT_TYPE
    return Calendar.from_ical(attachment.data)


async def test_the_attachment_has_for_each_date_the_uid_forums_booking_page_gives() -> None:
    email = await confirmation("bk_1", SERIES)

    events = attached_calendar(email).walk("VEVENT")
    uids = [str(event["uid"]) for event in events]
    assert uids == date_uids("bk_1", SERIES, domain=LINKS.id_domain)
    assert uids[0] == f"bk_1@{LINKS.id_domain}"  # the first date is the bare id
    forums = Calendar.from_ical(booking_calendar("bk_1", SERIES, domain=LINKS.id_domain))
    assert uids == [str(event["uid"]) for event in forums.walk("VEVENT")]


async def test_a_series_is_one_event_per_date_not_one_block_over_the_weeks() -> None:
    events = attached_calendar(await confirmation("bk_1", SERIES)).walk("VEVENT")

    assert [event.decoded("dtstart").day for event in events] == [3, 10, 17]
    assert {event.decoded("dtend").hour for event in events} == {12}  # 11:00 UTC in Stockholm
    assert [str(event["uid"]) for event in events] == [
        "bk_1@dw.example",
        "bk_1-2@dw.example",
        "bk_1-3@dw.example",
    ]


async def test_a_single_date_keeps_the_bookings_own_uid() -> None:
    single = SERIES.model_copy(update={"dates": []})
    calendar = attached_calendar(await confirmation("bk_2", single))

    assert [str(event["uid"]) for event in calendar.walk("VEVENT")] == ["bk_2@dw.example"]


def test_the_confirmation_lists_every_date_of_a_series() -> None:
    context = sample_context("booking_confirmed", session=SERIES)
    email = EmailTemplates().render("booking_confirmed", Language.SV, context)

    for day in ("3 februari", "10 februari", "17 februari"):
        assert day in email.text
        assert day in email.html
