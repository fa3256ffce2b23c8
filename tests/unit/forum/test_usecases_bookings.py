"""forum's booking use cases on fakes: seats, the waitlist's order, offers, grants, attendance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digitalwell_forum import usecases
from digitalwell_forum.domain import (
    BookingRefusedError,
    BookingStatus,
    Refusal,
    Reminder,
)
from digitalwell_forum.records import ForumSession
from digitalwell_shared.contracts import (
    CancellationReason,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumSeatOffered,
    ForumSessionFillingUp,
)
from tests.support.committing import FAKE_TRANSACTION
from tests.support.events import grant_decided
from tests.unit.forum.forum_on_fakes import OFFER_HOLD, FakeForum, attendee, scheduled


async def full_session(forum: FakeForum, waiting: int) -> tuple[ForumSession, list[str]]:
    """A one-seat session, its seat taken by person 0, and ``waiting`` people queued after."""
    session = await scheduled(forum, capacity=1)
    ids = [
        (await usecases.book(forum.deps, session.id, attendee(number))).booking_id
        for number in range(waiting + 1)
    ]
    forum.committer.committed.clear()
    return session, ids


async def test_a_free_seat_is_confirmed_and_announced(forum: FakeForum) -> None:
    session = await scheduled(forum)

    outcome = await usecases.book(forum.deps, session.id, attendee(1))

    assert (outcome.status, outcome.created, outcome.position) == (
        BookingStatus.CONFIRMED,
        True,
        None,
    )
    booking = forum.bookings.bookings[outcome.booking_id]
    assert booking.confirmed_at == forum.clock()
    assert booking.reminder is Reminder.PENDING  # ten days ahead: reminded the day before
    assert forum.sessions.sessions[session.id].confirmed == 1
    _scheduled, booked = forum.committer.events
    assert isinstance(booked, ForumBooked)
    assert (booked.booking_id, booked.attendee.email) == (outcome.booking_id, "person1@example.org")


async def test_a_full_session_queues_people_in_the_order_they_came(forum: FakeForum) -> None:
    session, ids = await full_session(forum, waiting=3)

    queued = [forum.bookings.bookings[i] for i in ids[1:]]

    assert [b.status for b in queued] == [BookingStatus.WAITLISTED] * 3
    assert [b.position for b in queued] == [1, 2, 3]
    assert forum.sessions.sessions[session.id].waitlisted == 3
    first = await forum.bookings.first_waiting(session.id, FAKE_TRANSACTION)
    assert first is not None
    assert first.id == ids[1]
    latest = await usecases.book(forum.deps, session.id, attendee(9))
    [waitlisted] = forum.committer.events
    assert isinstance(waitlisted, ForumBookingWaitlisted)
    assert (waitlisted.booking_id, waitlisted.position) == (latest.booking_id, 4)


async def test_the_same_address_booking_again_gets_its_first_booking(forum: FakeForum) -> None:
    session = await scheduled(forum)
    first = await usecases.book(forum.deps, session.id, attendee(1))

    again = await usecases.book(forum.deps, session.id, attendee(1, email="PERSON1@example.org"))

    assert (again.booking_id, again.created) == (first.booking_id, False)
    assert len(forum.bookings.bookings) == 1


async def test_a_session_taking_no_bookings_refuses_and_stores_nothing(forum: FakeForum) -> None:
    closed = await scheduled(
        forum, registration_deadline=(forum.clock() + timedelta(days=1)).isoformat()
    )
    forum.clock.advance(timedelta(days=2))

    with pytest.raises(BookingRefusedError) as refused:
        await usecases.book(forum.deps, closed.id, attendee(1))

    assert refused.value.reason is Refusal.REGISTRATION_CLOSED
    assert forum.bookings.bookings == {}
    with pytest.raises(BookingRefusedError) as unknown:
        await usecases.book(forum.deps, "ses_none", attendee(1))
    assert unknown.value.reason is Refusal.SESSION_NOT_FOUND


async def test_a_workshop_is_booked_by_a_granted_application_once(forum: FakeForum) -> None:
    grant = grant_decided("app_1", kinds=("innovation_forum",), case_number="DW-2026-0007")
    await usecases.record_grant(forum.deps, grant, FAKE_TRANSACTION)
    await usecases.record_grant(forum.deps, grant_decided("app_2", kinds=()), FAKE_TRANSACTION)
    workshop = await scheduled(forum, kind="innovation_forum")
    another = await scheduled(forum, kind="innovation_forum")

    for application_id, reason in [
        (None, Refusal.APPLICATION_REQUIRED),
        ("DW-2026-9999", Refusal.UNKNOWN_APPLICATION),
        ("app_2", Refusal.NOT_GRANTED),
    ]:
        with pytest.raises(BookingRefusedError) as refused:
            await usecases.book(forum.deps, workshop.id, attendee(1, application_id=application_id))
        assert refused.value.reason is reason
    # The case number as typed from the letter, in any case.
    booked = await usecases.book(
        forum.deps, workshop.id, attendee(1, application_id="dw-2026-0007")
    )
    with pytest.raises(BookingRefusedError) as twice:
        await usecases.book(forum.deps, another.id, attendee(2, application_id="app_1"))

    assert forum.bookings.bookings[booked.booking_id].application_id == "app_1"
    assert twice.value.reason is Refusal.APPLICATION_ALREADY_BOOKED
    assert len(forum.bookings.bookings) == 1  # the refused one left nothing, its claim neither
    await usecases.record_grant(forum.deps, grant_decided("app_3"), FAKE_TRANSACTION)
    other = await usecases.book(forum.deps, another.id, attendee(2, application_id="app_3"))
    assert other.created


async def test_the_coordinator_is_told_at_80_and_100_percent_once_each(forum: FakeForum) -> None:
    session = await scheduled(forum, capacity=5)

    for number in range(6):
        await usecases.book(forum.deps, session.id, attendee(number))

    alerts = [e for e in forum.committer.events if isinstance(e, ForumSessionFillingUp)]
    assert [(a.percent, a.seats_taken) for a in alerts] == [(80, 4), (100, 5)]
    assert alerts[0].coordinator.email == "coordinator@example.org"
    assert forum.sessions.sessions[session.id].alerted == (80, 100)


async def test_a_freed_seat_is_offered_to_whoever_waited_longest(forum: FakeForum) -> None:
    session, ids = await full_session(forum, waiting=2)

    cancelled = await usecases.cancel_booking(forum.deps, ids[0])

    assert cancelled.status is BookingStatus.CANCELLED
    assert cancelled.cancel_reason is CancellationReason.ATTENDEE_CANCELLED
    offered = forum.bookings.bookings[ids[1]]
    assert offered.status is BookingStatus.OFFERED
    assert offered.offer_expires_at == forum.clock() + OFFER_HOLD
    assert forum.bookings.bookings[ids[2]].status is BookingStatus.WAITLISTED
    counters = forum.sessions.sessions[session.id]
    assert (counters.confirmed, counters.offered, counters.waitlisted) == (0, 1, 1)
    ended, offer = forum.committer.events
    assert isinstance(ended, ForumBookingCancelled)
    assert isinstance(offer, ForumSeatOffered)
    assert offer.booking_id == ids[1]


async def test_an_offer_close_to_the_start_stands_until_the_start(forum: FakeForum) -> None:
    session, ids = await full_session(forum, waiting=1)
    forum.clock.advance(timedelta(days=9, hours=12))  # twelve hours before it starts

    await usecases.cancel_booking(forum.deps, ids[0])

    assert forum.bookings.bookings[ids[1]].offer_expires_at == session.starts_at


async def test_cancelling_twice_changes_nothing_and_a_begun_session_cannot_be_left(
    forum: FakeForum,
) -> None:
    session = await scheduled(forum)
    first = await usecases.book(forum.deps, session.id, attendee(1))
    second = await usecases.book(forum.deps, session.id, attendee(2))
    await usecases.cancel_booking(forum.deps, first.booking_id)
    committed = len(forum.committer.committed)

    again = await usecases.cancel_booking(forum.deps, first.booking_id)

    assert again.status is BookingStatus.CANCELLED
    assert len(forum.committer.committed) == committed
    assert forum.sessions.sessions[session.id].confirmed == 1
    forum.clock.advance(timedelta(days=11))
    with pytest.raises(BookingRefusedError) as begun:
        await usecases.cancel_booking(forum.deps, second.booking_id)
    assert begun.value.reason is Refusal.SESSION_STARTED
    with pytest.raises(BookingRefusedError) as unknown:
        await usecases.cancel_booking(forum.deps, "bkg_none")
    assert unknown.value.reason is Refusal.BOOKING_NOT_FOUND


async def test_accepting_an_offer_takes_the_seat_once(forum: FakeForum) -> None:
    session, ids = await full_session(forum, waiting=1)
    await usecases.cancel_booking(forum.deps, ids[0])
    forum.committer.committed.clear()

    accepted = await usecases.accept_offer(forum.deps, ids[1])
    again = await usecases.accept_offer(forum.deps, ids[1])

    assert accepted.status is again.status is BookingStatus.CONFIRMED
    assert accepted.reminder is Reminder.PENDING
    counters = forum.sessions.sessions[session.id]
    assert (counters.confirmed, counters.offered, counters.waitlisted) == (1, 0, 0)
    [booked] = forum.committer.events
    assert isinstance(booked, ForumBooked)
    assert booked.booking_id == ids[1]


async def test_only_a_standing_offer_can_be_accepted(forum: FakeForum) -> None:
    _session, ids = await full_session(forum, waiting=2)
    with pytest.raises(BookingRefusedError) as waiting:
        await usecases.accept_offer(forum.deps, ids[1])
    assert waiting.value.reason is Refusal.NO_OFFER

    await usecases.cancel_booking(forum.deps, ids[0])
    forum.clock.advance(OFFER_HOLD)
    with pytest.raises(BookingRefusedError) as expired:
        await usecases.accept_offer(forum.deps, ids[1])

    assert expired.value.reason is Refusal.OFFER_EXPIRED
    assert forum.bookings.bookings[ids[1]].status is BookingStatus.OFFERED


async def test_attendance_is_marked_once_the_session_has_begun(forum: FakeForum) -> None:
    session = await scheduled(forum)
    came, absent = [
        (await usecases.book(forum.deps, session.id, attendee(n))).booking_id for n in (1, 2)
    ]
    with pytest.raises(BookingRefusedError) as early:
        await usecases.mark_attendance(forum.deps, session.id, [came])
    assert early.value.reason is Refusal.SESSION_NOT_BEGUN
    forum.clock.advance(timedelta(days=10, hours=1))
    with pytest.raises(usecases.UnknownBookingsError) as unknown:
        await usecases.mark_attendance(forum.deps, session.id, [came, "bkg_stranger"])
    assert unknown.value.booking_ids == ["bkg_stranger"]

    await usecases.mark_attendance(forum.deps, session.id, [came])

    assert forum.bookings.bookings[came].attended is True
    assert forum.bookings.bookings[absent].attended is False
    per_session, per_kind = await usecases.attendance(forum.deps)
    [(reported, tally)] = per_session
    assert reported.id == session.id
    assert reported.attendance_marked_at == forum.clock()
    assert (tally.booked, tally.attended, tally.no_shows) == (2, 1, 1)
    assert per_kind[session.kind] == tally
