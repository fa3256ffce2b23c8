"""What forum's use cases share: the fields of booking events, retries, and their errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import BookingStatus
from digitalwell_forum.records import Booking, ForumSession, session_summary
from digitalwell_shared.committing import Events, Written
from digitalwell_shared.contracts import Attendee, IntegrationEvent
from digitalwell_shared.mongo import Transaction

ATTEMPTS = 5
"""Tries of a write whose conditional update found the state changed under it."""


class RacedError(Exception):
    """A conditional write found the state changed since the transaction read it: try again."""


class UnknownBookingsError(ValueError):
    """Attendance named bookings that are not confirmed bookings of the session."""

    def __init__(self, booking_ids: Collection[str]) -> None:
        super().__init__(", ".join(sorted(booking_ids)))
        self.booking_ids = sorted(booking_ids)


@dataclass(frozen=True, slots=True)
class BookingOutcome:
    """A booking request's result: a new booking, or the one this person already has."""

    booking_id: str
    status: BookingStatus
    position: int | None
    created: bool


def about(booking: Booking, session: ForumSession) -> dict[str, Any]:
    """The fields every booking event has."""
    return {
        "booking_id": booking.id,
        "session_id": booking.session_id,
        "application_id": booking.application_id,
        "attendee": Attendee(name=booking.name, email=booking.email, language=booking.language),
        "session": session_summary(session),
    }


def enveloped(deps: Deps, events: Iterable[IntegrationEvent]) -> Events:
    """Events with the envelopes that continue the request's correlation."""
    return [(event, deps.committer.envelope_for(event)) for event in events]


async def commit_retrying(
    deps: Deps, session_id: str, write: Callable[[Transaction], Awaitable[Written[None]]]
) -> None:
    """Commit under the session's lock; try again if a conditional write lost a race."""
    for _attempt in range(ATTEMPTS):
        try:
            async with deps.locks.hold(session_id):
                await deps.committer.commit_with_events(write)
        except RacedError:
            continue
        return
    raise RuntimeError("the booking kept changing under the transaction")
