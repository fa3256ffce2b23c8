"""forum's scheduled jobs: pass on seat offers that ran out, and send reminders that are due.

Each takes at most ``limit`` items and returns how many it looked at (``jobs.JobWorker``
runs them); each is safe to run in several processes at once.
"""

from __future__ import annotations

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import BookingStatus, Reminder, SessionStatus
from digitalwell_forum.usecases.bookings import end_booking
from digitalwell_forum.usecases.common import (
    ATTEMPTS,
    RacedError,
    about,
    commit_retrying,
    enveloped,
)
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import CancellationReason, ForumReminderDue
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)


async def expire_offers(deps: Deps, limit: int) -> int:
    """Pass on seats whose offers ran out; return how many offers were looked at."""
    now = deps.clock()
    expired = await deps.bookings.expired_offer_ids(now, limit)
    for booking_id in expired:
        booking = await deps.bookings.get(booking_id)
        if booking is None:
            continue

        async def write(transaction: Transaction, booking_id: str = booking_id) -> Written[None]:
            current = await deps.bookings.get(booking_id, transaction)
            # Another forum process may have passed it on, or the person accepted in time.
            if (
                current is None
                or current.status is not BookingStatus.OFFERED
                or current.offer_expires_at is None
                or current.offer_expires_at > now
            ):
                return Written(None)
            reason = CancellationReason.OFFER_EXPIRED
            return Written(None, await end_booking(deps, current, reason, now, transaction))

        await commit_retrying(deps, booking.session_id, write)
        log.info("seat offer expired", booking_id=booking_id)
    return len(expired)


async def send_due_reminders(deps: Deps, limit: int) -> int:
    """Announce ForumReminderDue for confirmed bookings whose session is near, each once.

    The reminder is marked sent in the transaction that adds its event to the outbox, and
    only if it was still pending: two forum processes racing for one reminder conflict,
    and the one that retries finds it already sent.
    """
    now = deps.clock()
    due = await deps.bookings.due_reminder_ids(now, limit)
    if not due:
        return 0

    async def write(transaction: Transaction) -> Written[int]:
        pending = await deps.bookings.pending_reminders(due, transaction)
        sessions = await deps.sessions.get_many({b.session_id for b in pending}, transaction)
        to_remind = [
            booking
            for booking in pending
            if booking.status is BookingStatus.CONFIRMED
            and sessions[booking.session_id].status is SessionStatus.SCHEDULED
            and now < sessions[booking.session_id].starts_at
        ]
        sent_ids = [b.id for b in to_remind]
        too_late = [b.id for b in pending if b.id not in sent_ids]
        if await deps.bookings.set_reminder(sent_ids, Reminder.SENT, now, transaction) != len(
            sent_ids
        ):
            raise RacedError
        await deps.bookings.set_reminder(too_late, Reminder.NONE, now, transaction)
        events = [
            ForumReminderDue(
                **about(booking, sessions[booking.session_id]),
                due_at=booking.reminder_due_at or now,
            )
            for booking in to_remind
        ]
        return Written(len(sent_ids), enveloped(deps, events))

    reminded = 0
    for _attempt in range(ATTEMPTS):
        try:
            reminded = await deps.committer.commit_with_events(write)
        except RacedError:
            continue
        break
    if reminded:
        log.info("reminders due", count=reminded)
    return len(due)
