"""notify's subscribers: each batch of events becomes the e-mails it calls for, once."""

from __future__ import annotations

from digitalwell_notify.usecases import BookingEvent, EmailComposer
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
)
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, composer: EmailComposer) -> None:
    """Subscribe notify's consumer group to every event that someone is written to about."""
    keep_staff_revocations(runtime)
    runtime.consume_batch(ApplicationSubmitted, description="Sends the applicant a receipt.")(
        composer.applications_submitted
    )
    runtime.consume_batch(GrantDecided, description="Sends the applicant the decision letter.")(
        composer.grants_decided
    )
    runtime.consume_batch(
        ApplicationWithdrawn, description="Confirms the withdrawal to the applicant."
    )(composer.applications_withdrawn)
    bookings: dict[type[BookingEvent], str] = {
        ForumBooked: "Confirms a seat, with a calendar file.",
        ForumBookingWaitlisted: "Tells a person they are on the waitlist.",
        ForumSeatOffered: "Offers a freed seat to the next in line.",
        ForumBookingCancelled: "Confirms a cancellation, or tells of a cancelled session.",
        ForumReminderDue: "Reminds an attendee the day before.",
    }
    for event_type, description in bookings.items():
        runtime.consume_batch(event_type, description=description)(composer.booking_events)
    runtime.consume_batch(
        ForumSessionFillingUp, description="Tells the coordinator a session is 80% or fully booked."
    )(composer.sessions_filling_up)
