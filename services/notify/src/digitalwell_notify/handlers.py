"""notify's subscribers: each event becomes the e-mails it calls for, once."""

from __future__ import annotations

from digitalwell_notify.usecases import EmailComposer
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    GrantDecided,
)
from digitalwell_shared.service import Runtime


def register_handlers(runtime: Runtime, composer: EmailComposer) -> None:
    """Subscribe notify's consumer group to every event that someone is written to about."""
    runtime.consume(ApplicationSubmitted, description="Sends the applicant a receipt.")(
        composer.application_submitted
    )
    runtime.consume(GrantDecided, description="Sends the applicant the decision letter.")(
        composer.grant_decided
    )
    runtime.consume(ForumBooked, description="Confirms a seat, with a calendar file.")(
        composer.booked
    )
    runtime.consume(ForumBookingWaitlisted, description="Tells a person they are waitlisted.")(
        composer.waitlisted
    )
    runtime.consume(ForumSeatOffered, description="Offers a freed seat to the next in line.")(
        composer.seat_offered
    )
    runtime.consume(
        ForumBookingCancelled, description="Confirms a cancellation, or a cancelled session."
    )(composer.booking_cancelled)
    runtime.consume(ForumReminderDue, description="Reminds an attendee the day before.")(
        composer.reminder_due
    )
