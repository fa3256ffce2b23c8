"""What notify does: events become stored e-mails to send once; people are answered about them.

delivery.py sends the e-mails; staff resend failed ones, recipients unsubscribe.

The consumed events' use cases take all of a batch's new events of one kind and write in
bulk, in the consumer's ``transaction``: the embedded database is the system's bottleneck, and
it pays per operation.
"""

from __future__ import annotations

from collections.abc import Sequence

from digitalwell_notify import composing
from digitalwell_notify.composing import BookingEvent, EmailRequest
from digitalwell_notify.deps import Deps
from digitalwell_notify.domain import DeliveryStatus, LogAccess, unsubscribe_link
from digitalwell_notify.records import ApplicationEvent, Email, ParkedEvent, Subscription
from digitalwell_notify.render import NON_ESSENTIAL
from digitalwell_notify.stores import address
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    ForumSessionFillingUp,
    GrantDecided,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import LinkCheck, unsubscribe_link_expires_at
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)
REMINDERS = "reminders"
"""The preference category of non-essential e-mails: people may unsubscribe from these."""


class EmailNotFoundError(LookupError):
    """No e-mail has this id."""


class EmailNotFailedError(Exception):
    """Only a failed e-mail can be sent again; this one is pending or sent."""

    def __init__(self, status: DeliveryStatus) -> None:
        super().__init__(f"the e-mail is {status.value}")
        self.status = status


class NotUnsubscribableError(Exception):
    """The e-mail is an essential one: there is no category to leave."""


# -- Events become e-mails ---------------------------------------------------------------------


async def applications_submitted(
    deps: Deps, items: Sequence[tuple[ApplicationSubmitted, Envelope]], transaction: Transaction
) -> list[Email]:
    """Remember the applicants and send their receipts, and any decision waiting for them."""
    applicants = {event.application_id: composing.applicant_of(event) for event, _ in items}
    await deps.applicants.remember(list(applicants.values()), transaction)
    requests = [composing.receipt(event, envelope, deps.links) for event, envelope in items]
    for parked in await deps.parked.take(list(applicants), transaction):
        applicant = applicants[parked.event.application_id]
        requests.append(
            composing.applicant_email(parked.event, parked.envelope, applicant, deps.links)
        )
    return await _queue(deps, requests, transaction)


async def grants_decided(
    deps: Deps, items: Sequence[tuple[GrantDecided, Envelope]], transaction: Transaction
) -> list[Email]:
    """Send decision letters; park those whose application notify has not seen yet."""
    return await _to_applicants(deps, items, transaction)


async def applications_withdrawn(
    deps: Deps, items: Sequence[tuple[ApplicationWithdrawn, Envelope]], transaction: Transaction
) -> list[Email]:
    """Confirm withdrawals; park those whose application notify has not seen yet."""
    return await _to_applicants(deps, items, transaction)


async def _to_applicants(
    deps: Deps, items: Sequence[tuple[ApplicationEvent, Envelope]], transaction: Transaction
) -> list[Email]:
    known = await deps.applicants.get([event.application_id for event, _ in items], transaction)
    requests: list[EmailRequest] = []
    waiting: list[ParkedEvent] = []
    for event, envelope in items:
        applicant = known.get(event.application_id)
        if applicant is None:
            waiting.append(ParkedEvent(event=event, envelope=envelope, parked_at=deps.clock()))
        else:
            requests.append(composing.applicant_email(event, envelope, applicant, deps.links))
    if waiting:
        # Topics are not ordered against each other: after an outage notify may read a
        # decision or a withdrawal before its submission. It waits for it, not fails.
        await deps.parked.park(waiting, transaction)
        log.info("events parked until their applications are known", count=len(waiting))
    return await _queue(deps, requests, transaction)


async def booking_events(
    deps: Deps, items: Sequence[tuple[BookingEvent, Envelope]], transaction: Transaction
) -> list[Email]:
    """Write to attendees about their bookings: confirmed, waitlisted, offered, ended, soon."""
    requests = [composing.booking_email(event, envelope, deps.links) for event, envelope in items]
    return await _queue(deps, requests, transaction)


async def sessions_filling_up(
    deps: Deps, items: Sequence[tuple[ForumSessionFillingUp, Envelope]], transaction: Transaction
) -> list[Email]:
    """Tell coordinators that their sessions reached 80% or 100% of their seats."""
    requests = [composing.filling_up(event, envelope, deps.links) for event, envelope in items]
    return await _queue(deps, requests, transaction)


async def _queue(
    deps: Deps, requests: Sequence[EmailRequest], transaction: Transaction
) -> list[Email]:
    """Render and store the e-mails, except non-essential ones their recipients declined.

    Returns the e-mails composed (those already queued by an earlier delivery included).
    """
    optional = {
        request.recipient.address for request in requests if request.template in NON_ESSENTIAL
    }
    declined = await deps.preferences.unsubscribed_among(optional, REMINDERS, transaction)
    now = deps.clock()
    emails = []
    for request in requests:
        category = REMINDERS if request.template in NON_ESSENTIAL else None
        if category and address(request.recipient.address) in declined:
            log.info("e-mail not queued: recipient unsubscribed", template=request.template)
            continue
        emails.append(
            composing.compose(
                request, category=category, now=now, templates=deps.templates, links=deps.links
            )
        )
    created = await deps.emails.enqueue(emails, transaction)
    log.info("e-mails queued", queued=created, already_queued=len(emails) - created)
    return emails


# -- Staff: the delivery log and resend --------------------------------------------------------


async def delivery_log(
    deps: Deps,
    access: LogAccess,
    *,
    application_id: str | None = None,
    recipient: str | None = None,
    status: DeliveryStatus | None = None,
    template: str | None = None,
    limit: int = 100,
) -> list[Email]:
    """The e-mails that match and that ``access`` shows, newest first."""
    return await deps.emails.list(
        application_id=application_id,
        recipient=recipient,
        status=status,
        template=template,
        among_templates=access.templates,
        limit=limit,
    )


async def get_email(deps: Deps, email_id: str, access: LogAccess) -> Email:
    """One e-mail of the person's own area (``access``): another's is not found."""
    found = await deps.emails.get(email_id)
    # Another area's e-mail is not found, rather than forbidden: its id tells nothing.
    if found is None or not access.may_see(found.template):
        raise EmailNotFoundError(email_id)
    return found


async def resend_email(deps: Deps, email_id: str, access: LogAccess) -> Email:
    """Queue a failed e-mail again, due now, keeping its attempts; the delivery worker sends it.

    Only an e-mail of the person's own area (``access``): another's is not found.
    """
    await get_email(deps, email_id, access)
    # One conditional update, no transaction: it publishes nothing.
    resent = await deps.emails.resend(email_id, deps.clock())
    if resent is None:
        current = await deps.emails.get(email_id)
        if current is None:
            raise EmailNotFoundError(email_id)
        raise EmailNotFailedError(current.status)
    log.info("failed e-mail queued again", email_id=email_id, template=resent.template)
    deps.wake_delivery()
    return resent


# -- Recipients: unsubscribe (RFC 8058) ---------------------------------------------------------


async def unsubscribe_link_check(deps: Deps, email_id: str, token: str) -> LinkCheck:
    """What ``token`` is worth now as the unsubscribe token of e-mail ``email_id``."""
    secret = deps.links.secret
    # The token first: without it, nobody learns whether an e-mail id exists.
    if unsubscribe_link(secret, email_id, token) is LinkCheck.INVALID:
        return LinkCheck.INVALID
    # A link sent before links carried an expiry lasts as long as a new one would have.
    email = await deps.emails.get(email_id)
    days = deps.links.unsubscribe_link_days
    lifetime = unsubscribe_link_expires_at(email.created_at, days) if email else None
    return unsubscribe_link(secret, email_id, token, v1_expires_at=lifetime)


async def subscription(deps: Deps, email_id: str) -> Subscription:
    """The recipient's choice for the category of e-mail ``email_id``."""
    email, category = await _category_of(deps, email_id)
    unsubscribed = await deps.preferences.unsubscribed(email.recipient, category)
    return Subscription(email=email, category=category, unsubscribed=unsubscribed)


async def unsubscribe(deps: Deps, email_id: str) -> Subscription:
    """Stop e-mails of the category of ``email_id`` to its recipient; again changes nothing."""
    email, category = await _category_of(deps, email_id)
    await deps.preferences.unsubscribe(email.recipient, category, deps.clock())
    log.info("recipient unsubscribed", email_id=email_id, category=category)
    return Subscription(email=email, category=category, unsubscribed=True)


async def resubscribe(deps: Deps, email_id: str) -> Subscription:
    """Undo an unsubscription made through e-mail ``email_id``."""
    email, category = await _category_of(deps, email_id)
    await deps.preferences.resubscribe(email.recipient, category, deps.clock())
    log.info("recipient resubscribed", email_id=email_id, category=category)
    return Subscription(email=email, category=category, unsubscribed=False)


async def _category_of(deps: Deps, email_id: str) -> tuple[Email, str]:
    email = await deps.emails.get(email_id)
    if email is None:
        raise EmailNotFoundError(email_id)
    if not email.category:
        raise NotUnsubscribableError(email_id)
    return email, email.category
