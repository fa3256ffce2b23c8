"""forum's session use cases on fakes: scheduling, cancelling, listing, grants."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digitalwell_forum import usecases
from digitalwell_forum.domain import BookingRefusedError, BookingStatus, Refusal, SessionStatus
from digitalwell_shared.contracts import (
    CancellationReason,
    ForumBookingCancelled,
    ForumSessionCancelled,
    ForumSessionScheduled,
    Language,
    SessionKind,
)
from tests.support.committing import FAKE_TRANSACTION
from tests.support.events import grant_decided
from tests.unit.forum.forum_on_fakes import FakeForum, attendee, scheduled


async def test_a_scheduled_session_is_stored_with_its_coordinator_and_announced(
    forum: FakeForum,
) -> None:
    session = await scheduled(forum, capacity=12, coordinator_language="en")

    assert session.status is SessionStatus.SCHEDULED
    assert session.capacity == 12
    assert session.registration_deadline == session.starts_at  # none given: until it starts
    assert session.coordinator is not None
    assert (session.coordinator.email, session.coordinator.language) == (
        "coordinator@example.org",
        Language.EN,
    )
    assert (session.confirmed, session.offered, session.waitlisted, session.sequence) == (
        0,
        0,
        0,
        0,
    )
    [announced] = forum.committer.events
    assert isinstance(announced, ForumSessionScheduled)
    assert (announced.session_id, announced.capacity) == (session.id, 12)
    assert announced.starts_at == session.starts_at


async def test_a_training_series_spans_its_first_to_its_last_date(forum: FakeForum) -> None:
    first = forum.clock() + timedelta(days=20)
    later = [
        {
            "starts_at": (first + timedelta(days=7)).isoformat(),
            "ends_at": (first + timedelta(days=7, hours=3)).isoformat(),
        }
    ]
    session = await scheduled(
        forum,
        kind="training",
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(hours=3)).isoformat(),
        later_dates=later,
    )

    assert len(session.dates) == 2
    assert (session.starts_at, session.ends_at) == (
        session.dates[0].starts_at,
        session.dates[1].ends_at,
    )


async def test_cancelling_a_session_ends_every_booking_and_tells_each_holder(
    forum: FakeForum,
) -> None:
    session = await scheduled(forum, capacity=1)
    seated = await usecases.book(forum.deps, session.id, attendee(1))
    waiting = await usecases.book(forum.deps, session.id, attendee(2))
    forum.committer.committed.clear()

    ended = await usecases.cancel_session(forum.deps, session.id, "The speaker is ill")

    assert ended == 2
    assert forum.sessions.sessions[session.id].status is SessionStatus.CANCELLED
    for outcome in (seated, waiting):
        booking = forum.bookings.bookings[outcome.booking_id]
        assert booking.status is BookingStatus.CANCELLED
        assert booking.cancel_reason is CancellationReason.SESSION_CANCELLED
    assert forum.claims.claims == {}  # both may book again elsewhere
    announced, *told = forum.committer.events
    assert isinstance(announced, ForumSessionCancelled)
    assert announced.reason == "The speaker is ill"
    assert [type(e) for e in told] == [ForumBookingCancelled, ForumBookingCancelled]
    assert {e.booking_id for e in told if isinstance(e, ForumBookingCancelled)} == {
        seated.booking_id,
        waiting.booking_id,
    }


async def test_a_session_is_cancelled_once_and_only_before_it_starts(forum: FakeForum) -> None:
    session = await scheduled(forum)
    with pytest.raises(BookingRefusedError) as unknown:
        await usecases.cancel_session(forum.deps, "ses_none", "")
    assert unknown.value.reason is Refusal.SESSION_NOT_FOUND

    await usecases.cancel_session(forum.deps, session.id, "")
    with pytest.raises(BookingRefusedError) as again:
        await usecases.cancel_session(forum.deps, session.id, "")
    assert again.value.reason is Refusal.SESSION_CANCELLED

    begun = await scheduled(forum)
    forum.clock.advance(timedelta(days=11))
    with pytest.raises(BookingRefusedError) as started:
        await usecases.cancel_session(forum.deps, begun.id, "")
    assert started.value.reason is Refusal.SESSION_STARTED


async def test_the_lists_show_upcoming_sessions_soonest_first_and_staff_every_one(
    forum: FakeForum,
) -> None:
    later = await scheduled(forum)
    start = forum.clock() + timedelta(days=2)
    sooner = await scheduled(
        forum,
        kind="innovation_forum",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=2)).isoformat(),
    )
    cancelled = await scheduled(forum)
    await usecases.cancel_session(forum.deps, cancelled.id, "")

    upcoming = await usecases.upcoming_sessions(forum.deps)
    workshops = await usecases.upcoming_sessions(forum.deps, SessionKind.INNOVATION_FORUM)
    every = await usecases.all_sessions(forum.deps)

    assert [s.id for s in upcoming] == [sooner.id, later.id]
    assert [s.id for s in workshops] == [sooner.id]
    assert {s.id for s in every} == {sooner.id, later.id, cancelled.id}
    assert await usecases.find_session(forum.deps, "ses_none") is None


async def test_a_sessions_bookings_are_listed_in_arrival_order(forum: FakeForum) -> None:
    session = await scheduled(forum, capacity=1)
    first = await usecases.book(forum.deps, session.id, attendee(1))
    second = await usecases.book(forum.deps, session.id, attendee(2))

    listed = await usecases.session_bookings(forum.deps, session.id)

    assert [(b.id, b.status, b.sequence) for b in listed] == [
        (first.booking_id, BookingStatus.CONFIRMED, 1),
        (second.booking_id, BookingStatus.WAITLISTED, 2),
    ]
    found = await usecases.find_booking(forum.deps, second.booking_id)
    assert found is not None
    assert found[1].id == session.id


async def test_a_grant_of_innovation_forum_is_recorded_with_its_case_number(
    forum: FakeForum,
) -> None:
    event = grant_decided("app_1", kinds=("innovation_forum",), case_number="DW-2026-0001")

    await usecases.record_grant(forum.deps, event, FAKE_TRANSACTION)

    grant = await usecases.find_grant(forum.deps, "app_1")
    assert grant is not None
    assert (grant.innovation_forum, grant.case_number) == (True, "DW-2026-0001")
    rejected = grant_decided("app_2", decision="rejected", kinds=())
    await usecases.record_grant(forum.deps, rejected, FAKE_TRANSACTION)
    refused = await usecases.find_grant(forum.deps, "app_2")
    assert refused is not None
    assert not refused.innovation_forum
