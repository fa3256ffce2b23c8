"""notify's subscribers: each batch of events becomes the e-mails it calls for, once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from digitalwell_notify import usecases
from digitalwell_notify.composing import BookingEvent
from digitalwell_notify.deps import Deps
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionFillingUp,
    GrantDecided,
    IntegrationEvent,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations

UseCase = Callable[[Deps, Sequence[tuple[Any, Envelope]], Transaction], Awaitable[object]]

_BOOKINGS: dict[type[BookingEvent], str] = {
    ForumBooked: "Confirms a seat, with a calendar file.",
    ForumBookingWaitlisted: "Tells a person they are on the waitlist.",
    ForumSeatOffered: "Offers a freed seat to the next in line.",
    ForumBookingCancelled: "Confirms a cancellation, or tells of a cancelled session.",
    ForumReminderDue: "Reminds an attendee the day before.",
}


def register_handlers(runtime: Runtime, deps: Deps) -> None:
    """Subscribe notify's consumer group to every event that someone is written to about."""
    keep_staff_revocations(runtime)
    consumed: list[tuple[type[IntegrationEvent], str, UseCase]] = [
        (ApplicationSubmitted, "Sends the applicant a receipt.", usecases.applications_submitted),
        (GrantDecided, "Sends the applicant the decision letter.", usecases.grants_decided),
        (
            ApplicationWithdrawn,
            "Confirms the withdrawal to the applicant.",
            usecases.applications_withdrawn,
        ),
        *((event, text, usecases.booking_events) for event, text in _BOOKINGS.items()),
        (
            ForumSessionFillingUp,
            "Tells the coordinator a session is 80% or fully booked.",
            usecases.sessions_filling_up,
        ),
    ]
    for event_type, description, use_case in consumed:
        runtime.consume_batch(event_type, description=description)(_effect(deps, use_case))


def _effect(
    deps: Deps, use_case: UseCase
) -> Callable[[Sequence[tuple[Any, Envelope]], Transaction], Awaitable[None]]:
    """The consumer's effect: the use case, with notify's Deps, in the consumer's transaction."""

    async def effect(items: Sequence[tuple[Any, Envelope]], transaction: Transaction) -> None:
        await use_case(deps, items, transaction)

    return effect
