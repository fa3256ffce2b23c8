"""forum's scheduled jobs on fakes: offers that run out pass on in order; reminders go once."""

from __future__ import annotations

from datetime import timedelta

from digitalwell_forum import usecases
from digitalwell_forum.domain import BookingStatus, Reminder
from digitalwell_shared.contracts import (
    CancellationReason,
    ForumBookingCancelled,
    ForumReminderDue,
    ForumSeatOffered,
)
from tests.unit.forum.forum_on_fakes import (
    OFFER_HOLD,
    REMINDER_LEAD,
    FakeForum,
    attendee,
    scheduled,
)


async def test_an_offer_that_ran_out_passes_to_the_next_in_line(forum: FakeForum) -> None:
    session = await scheduled(forum, capacity=1)
    ids = [(await usecases.book(forum.deps, session.id, attendee(n))).booking_id for n in range(3)]
    await usecases.cancel_booking(forum.deps, ids[0])
    forum.committer.committed.clear()

    assert await usecases.expire_offers(forum.deps, limit=10) == 0  # not yet
    forum.clock.advance(OFFER_HOLD)
    looked_at = await usecases.expire_offers(forum.deps, limit=10)

    assert looked_at == 1
    lapsed = forum.bookings.bookings[ids[1]]
    assert lapsed.status is BookingStatus.CANCELLED
    assert lapsed.cancel_reason is CancellationReason.OFFER_EXPIRED
    assert forum.bookings.bookings[ids[2]].status is BookingStatus.OFFERED
    counters = forum.sessions.sessions[session.id]
    assert (counters.confirmed, counters.offered, counters.waitlisted) == (0, 1, 0)
    ended, offered = forum.committer.events
    assert isinstance(ended, ForumBookingCancelled)
    assert ended.reason is CancellationReason.OFFER_EXPIRED
    assert isinstance(offered, ForumSeatOffered)
    assert offered.booking_id == ids[2]
    assert await usecases.expire_offers(forum.deps, limit=10) == 0  # passed on once


async def test_an_offer_accepted_in_time_does_not_expire(forum: FakeForum) -> None:
    session = await scheduled(forum, capacity=1)
    ids = [(await usecases.book(forum.deps, session.id, attendee(n))).booking_id for n in range(2)]
    await usecases.cancel_booking(forum.deps, ids[0])
    await usecases.accept_offer(forum.deps, ids[1])
    forum.clock.advance(OFFER_HOLD)

    assert await usecases.expire_offers(forum.deps, limit=10) == 0
    assert forum.bookings.bookings[ids[1]].status is BookingStatus.CONFIRMED


async def test_a_reminder_is_announced_once_when_it_is_due(forum: FakeForum) -> None:
    session = await scheduled(forum)
    booked = await usecases.book(forum.deps, session.id, attendee(1))
    forum.committer.committed.clear()

    assert await usecases.send_due_reminders(forum.deps, limit=10) == 0
    forum.clock.now = session.starts_at - REMINDER_LEAD
    assert await usecases.send_due_reminders(forum.deps, limit=10) == 1
    assert await usecases.send_due_reminders(forum.deps, limit=10) == 0

    [due] = forum.committer.events
    assert isinstance(due, ForumReminderDue)
    assert (due.booking_id, due.due_at) == (booked.booking_id, session.starts_at - REMINDER_LEAD)
    assert forum.bookings.bookings[booked.booking_id].reminder is Reminder.SENT


async def test_no_reminder_for_a_booking_made_inside_the_lead_or_a_cancelled_one(
    forum: FakeForum,
) -> None:
    session = await scheduled(forum)
    cancelled = await usecases.book(forum.deps, session.id, attendee(1))
    await usecases.cancel_booking(forum.deps, cancelled.booking_id)
    forum.clock.now = session.starts_at - REMINDER_LEAD / 2
    late = await usecases.book(forum.deps, session.id, attendee(2))
    forum.committer.committed.clear()
    forum.clock.advance(timedelta(hours=1))

    assert await usecases.send_due_reminders(forum.deps, limit=10) == 0

    assert forum.bookings.bookings[late.booking_id].reminder is Reminder.NONE
    assert forum.bookings.bookings[cancelled.booking_id].reminder is Reminder.NONE
    assert forum.committer.events == []
