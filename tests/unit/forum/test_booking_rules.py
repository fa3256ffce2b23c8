"""forum's booking rules, without I/O: seats, refusals, offers, reminders, alerts, times."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from pydantic import ValidationError

from digitalwell_forum.deps import SessionLocks
from digitalwell_forum.domain import (
    Attendance,
    NonexistentLocalTimeError,
    Refusal,
    Reminder,
    Seats,
    SessionStatus,
    booking_refusal,
    date_problems,
    needs_grant,
    normalise_email,
    offer_expires_at,
    percents_reached,
    programme_time,
    reminder_for,
)
from digitalwell_forum.models import BookingRequest, SessionRequest
from digitalwell_forum.page_text import format_span
from digitalwell_forum.records import ForumSession, SessionDate, session_summary
from digitalwell_forum.stores import attendee_key
from digitalwell_shared.calendar import booking_calendar
from digitalwell_shared.contracts import Language, SessionKind
from tests.support.forum import session_body

NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def span(starts_at: datetime, ends_at: datetime) -> SessionDate:
    return SessionDate(starts_at=starts_at, ends_at=ends_at)


def training(*dates: SessionDate) -> ForumSession:
    return ForumSession(
        id="ses_1",
        kind=SessionKind.TRAINING,
        title="Tjänstedesign",
        location="Karlstad",
        dates=dates,
        starts_at=dates[0].starts_at,
        ends_at=dates[-1].ends_at,
        capacity=20,
        registration_deadline=dates[0].starts_at,
    )


def seats(capacity: int, confirmed: int = 0, offered: int = 0, waitlisted: int = 0) -> Seats:
    return Seats(capacity, confirmed, offered, waitlisted)


# Seats


def test_a_booking_is_confirmed_while_a_seat_is_free() -> None:
    assert seats(20, confirmed=19).admits_booking
    assert seats(20, confirmed=19).left == 1


def test_a_full_session_puts_the_next_booking_on_the_waitlist() -> None:
    assert not seats(20, confirmed=20).admits_booking
    assert seats(20, confirmed=20, waitlisted=5).left == 0


def test_a_seat_held_for_an_offer_is_not_free() -> None:
    held = seats(2, confirmed=1, offered=1)

    assert held.taken == 2
    assert not held.admits_booking


# Refusals


def refusal(**changes: Any) -> Refusal | None:
    values: dict[str, Any] = {
        "status": SessionStatus.SCHEDULED,
        "starts_at": NOW + 48 * HOUR,
        "registration_deadline": NOW + 24 * HOUR,
        "now": NOW,
    }
    return booking_refusal(**(values | changes))


def test_an_upcoming_session_before_its_deadline_takes_bookings() -> None:
    assert refusal() is None


def test_a_cancelled_session_takes_no_bookings() -> None:
    assert refusal(status=SessionStatus.CANCELLED) is Refusal.SESSION_CANCELLED


def test_a_session_that_has_started_takes_no_bookings() -> None:
    assert refusal(starts_at=NOW, registration_deadline=NOW) is Refusal.SESSION_STARTED


def test_no_bookings_after_the_registration_deadline() -> None:
    assert refusal(registration_deadline=NOW - HOUR) is Refusal.REGISTRATION_CLOSED


def test_only_innovation_forum_workshops_need_a_grant() -> None:
    assert needs_grant(SessionKind.INNOVATION_FORUM)
    assert not needs_grant(SessionKind.BREAKFAST_MEETING)
    assert not needs_grant(SessionKind.TRAINING)


def test_one_person_is_one_address_whatever_its_case() -> None:
    assert normalise_email(" Bo.Ek@Example.ORG ") == "bo.ek@example.org"
    assert attendee_key("ses_1", "Bo@X.se") == attendee_key("ses_1", "bo@x.se")


# Alerts


def test_the_coordinator_is_told_at_80_percent_then_at_100() -> None:
    assert percents_reached(seats(20, confirmed=15), []) == []
    assert percents_reached(seats(20, confirmed=16), []) == [80]
    assert percents_reached(seats(20, confirmed=17), [80]) == []
    assert percents_reached(seats(20, confirmed=20), [80]) == [100]
    assert percents_reached(seats(20, confirmed=20), [80, 100]) == []


def test_a_small_session_filled_at_once_reaches_both_levels() -> None:
    assert percents_reached(seats(1, confirmed=1), []) == [80, 100]


# Offers and reminders


def test_a_freed_seat_is_held_for_the_configured_time() -> None:
    assert offer_expires_at(NOW, 48 * HOUR, NOW + 10 * 24 * HOUR) == NOW + 48 * HOUR


def test_an_offer_never_outlasts_the_session_start() -> None:
    assert offer_expires_at(NOW, 48 * HOUR, NOW + 5 * HOUR) == NOW + 5 * HOUR


def test_a_booking_confirmed_before_the_reminder_is_due_is_reminded() -> None:
    assert reminder_for(NOW, NOW + 48 * HOUR, 24 * HOUR) is Reminder.PENDING


def test_a_booking_confirmed_within_a_day_of_the_session_is_not_reminded_again() -> None:
    assert reminder_for(NOW, NOW + 5 * HOUR, 24 * HOUR) is Reminder.NONE


def test_attendance_counts_no_shows_and_adds_up() -> None:
    total = Attendance(booked=10, attended=7) + Attendance(booked=5, attended=5)

    assert (total.booked, total.attended, total.no_shows) == (15, 12, 3)


# Times and dates


def test_a_time_without_an_offset_is_swedish_time_in_winter_and_summer() -> None:
    assert programme_time(datetime(2027, 1, 20, 9, 0)) == datetime(2027, 1, 20, 8, 0, tzinfo=UTC)  # noqa: DTZ001
    assert programme_time(datetime(2027, 6, 9, 9, 0)) == datetime(2027, 6, 9, 7, 0, tzinfo=UTC)  # noqa: DTZ001


def test_a_swedish_time_skipped_by_the_clocks_going_forward_is_refused() -> None:
    with pytest.raises(NonexistentLocalTimeError, match="does not exist"):
        programme_time(datetime(2027, 3, 28, 2, 30))  # noqa: DTZ001


def test_a_series_must_be_a_training_in_order_without_overlaps() -> None:
    first = span(NOW, NOW + 2 * HOUR)
    overlapping = span(NOW + HOUR, NOW + 3 * HOUR)
    backwards = span(NOW + 5 * HOUR, NOW + 4 * HOUR)

    assert (
        date_problems(SessionKind.TRAINING, [first, span(NOW + 24 * HOUR, NOW + 26 * HOUR)]) == []
    )
    assert date_problems(SessionKind.BREAKFAST_MEETING, [first, first]) == [
        "only a training can be a series of several dates",
        "date 2 starts before date 1 ends",
    ]
    assert date_problems(SessionKind.TRAINING, [first, overlapping]) == [
        "date 2 starts before date 1 ends"
    ]
    assert date_problems(SessionKind.TRAINING, [backwards]) == ["date 1 ends before it starts"]


def test_a_span_reads_as_people_in_sweden_read_it() -> None:
    starts = datetime(2027, 1, 20, 8, 30, tzinfo=UTC)

    assert (
        format_span(Language.SV, starts, starts + 3 * HOUR)
        == "20 januari 2027 kl. 09:30\u201312:30"
    )
    assert (
        format_span(Language.EN, starts, starts + 3 * HOUR) == "20 January 2027, 09:30\u201312:30"
    )


# Requests


def test_a_session_needs_a_seat_and_an_end_after_its_start() -> None:
    with pytest.raises(ValidationError) as refused:
        SessionRequest.model_validate(session_body(capacity=0))
    assert refused.value.errors()[0]["loc"] == ("capacity",)

    body = session_body()
    body["ends_at"] = body["starts_at"]
    with pytest.raises(ValidationError, match="end after it starts"):
        SessionRequest.model_validate(body)


def test_a_session_in_the_past_is_refused() -> None:
    with pytest.raises(ValidationError, match="start in the future"):
        SessionRequest.model_validate(
            session_body(starts_at="2020-01-01T09:00", ends_at="2020-01-01T10:00")
        )


def test_registration_closes_no_later_than_the_start() -> None:
    body = session_body()
    body["registration_deadline"] = body["ends_at"]

    with pytest.raises(ValidationError, match="no later than the session starts"):
        SessionRequest.model_validate(body)


def test_a_booking_needs_a_well_formed_address_and_a_name() -> None:
    with pytest.raises(ValidationError) as refused:
        BookingRequest.model_validate({"name": " ", "email": "bo@", "language": "sv"})

    assert {error["loc"] for error in refused.value.errors()} == {("name",), ("email",)}


def test_an_empty_application_id_is_none() -> None:
    request = BookingRequest.model_validate(
        {"name": "Bo", "email": "bo@example.org", "application_id": ""}
    )

    assert request.application_id is None


# Calendar


def test_a_series_booking_has_one_event_per_date_in_swedish_time() -> None:
    session = training(
        span(datetime(2027, 3, 23, 8, 0, tzinfo=UTC), datetime(2027, 3, 23, 15, 0, tzinfo=UTC)),
        span(datetime(2027, 3, 30, 7, 0, tzinfo=UTC), datetime(2027, 3, 30, 14, 0, tzinfo=UTC)),
    )

    ics = booking_calendar(
        "bkg_1", session_summary(session), domain="digitalwell.example", url="https://x"
    )

    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [
        "bkg_1@digitalwell.example",
        "bkg_1-2@digitalwell.example",
    ]
    # 09:00 both weeks, across the switch to summer time in between.
    assert [e.decoded("dtstart").hour for e in events] == [9, 9]
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]


# Locks


async def test_bookings_of_one_session_in_one_process_queue_first_come_first_served() -> None:
    locks = SessionLocks()
    order: list[int] = []

    async def book(number: int) -> None:
        async with locks.hold("ses_1"):
            await asyncio.sleep(0)
            order.append(number)

    await asyncio.gather(*(book(number) for number in range(10)))

    assert order == list(range(10))


def test_a_series_tells_subscribers_each_date_and_a_single_date_needs_no_list() -> None:
    first, last = datetime(2027, 2, 3, 8, tzinfo=UTC), datetime(2027, 2, 17, 11, tzinfo=UTC)
    dates = (span(first, first + timedelta(hours=3)), span(last - timedelta(hours=3), last))

    series = session_summary(training(*dates))
    single = session_summary(training(dates[0]))

    assert (series.starts_at, series.ends_at) == (first, last)
    assert [date.starts_at for date in series.dates] == [first, last - timedelta(hours=3)]
    assert single.dates == []
