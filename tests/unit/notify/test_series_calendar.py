"""A training given as a series: one calendar event per date, each date in the e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from digitalwell_notify.render import EmailTemplates
from digitalwell_shared.calendar import booking_calendar
from digitalwell_shared.contracts import Language, SessionDate, SessionKind, SessionSummary
from tests.support.email_contexts import sample_context

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


def test_a_series_is_one_event_per_date_not_one_block_over_the_weeks() -> None:
    calendar = Calendar.from_ical(booking_calendar("bk_1", SERIES, domain="dw.example"))

    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart").day for event in events] == [3, 10, 17]
    assert {event.decoded("dtend").hour for event in events} == {12}  # 11:00 UTC in Stockholm
    assert [str(event["uid"]) for event in events] == [
        "bk_1@dw.example",  # the first date is the bare id, as on forum's booking page
        "bk_1-2@dw.example",
        "bk_1-3@dw.example",
    ]


def test_a_single_date_keeps_the_bookings_own_uid() -> None:
    single = SERIES.model_copy(update={"dates": []})
    calendar = Calendar.from_ical(booking_calendar("bk_2", single, domain="dw.example"))

    assert [str(event["uid"]) for event in calendar.walk("VEVENT")] == ["bk_2@dw.example"]


def test_the_confirmation_lists_every_date_of_a_series() -> None:
    context = sample_context("booking_confirmed", session=SERIES)
    email = EmailTemplates().render("booking_confirmed", Language.SV, context)

    for day in ("3 februari", "10 februari", "17 februari"):
        assert day in email.text
        assert day in email.html
