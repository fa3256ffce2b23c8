"""What notify does: turn events into stored e-mails, and send stored e-mails once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from digitalwell_notify.calendar import ICS_CONTENT_TYPE, booking_calendar
from digitalwell_notify.domain import (
    DeliveryStatus,
    RetryPolicy,
    delivery_key,
    message_id,
    unsubscribe_url,
)
from digitalwell_notify.render import NON_ESSENTIAL, EmailTemplates
from digitalwell_notify.smtp import DeliveryError, build_message
from digitalwell_notify.store import (
    ApplicantStore,
    AttemptRecord,
    EmailStore,
    ParkedEventStore,
    PreferenceStore,
)
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    CancellationReason,
    Decision,
    EmailFailed,
    EmailSent,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    GrantDecided,
    IntegrationEvent,
    Language,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import accept_seat_url, cancel_booking_url, withdraw_application_url
from digitalwell_shared.logging import get_logger, redact_text
from digitalwell_shared.mongo import Document, Session

BookingEvent = (
    ForumBooked
    | ForumBookingWaitlisted
    | ForumSeatOffered
    | ForumBookingCancelled
    | ForumReminderDue
)

log = get_logger(__name__)
CLAIM_LEASE = timedelta(minutes=2)
REMINDERS = "reminders"
"""The preference category of non-essential e-mails: people may unsubscribe from these."""

SendMessage = Callable[[EmailMessage], Awaitable[str]]
CommitWithEvents = Callable[
    [Callable[[Session], Awaitable[Sequence[tuple[IntegrationEvent, Envelope]]]]], Awaitable[None]
]


@dataclass(frozen=True)
class Recipient:
    """Whom an e-mail goes to, and in which language."""

    address: str
    name: str
    language: Language


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class LinkSettings:
    """What the composer needs to write links that other services answer."""

    intake_url: str
    forum_url: str
    notify_url: str
    secret: str
    id_domain: str


class EmailComposer:
    """Decides which e-mail an event calls for, renders it and stores it to be sent, once."""

    def __init__(
        self,
        emails: EmailStore,
        *,
        applicants: ApplicantStore,
        parked: ParkedEventStore,
        preferences: PreferenceStore,
        templates: EmailTemplates,
        links: LinkSettings,
    ) -> None:
        self._emails = emails
        self._applicants = applicants
        self._parked = parked
        self._preferences = preferences
        self._templates = templates
        self._links = links

    async def application_submitted(
        self, event: ApplicationSubmitted, envelope: Envelope, session: Session
    ) -> None:
        """Remember the applicant and send the receipt."""
        recipient = Recipient(str(event.contact.email), event.contact.name, event.contact.language)
        await self._applicants.remember(
            {
                "_id": event.application_id,
                "recipient": recipient.address,
                "recipient_name": recipient.name,
                "language": recipient.language.value,
                "title": event.title,
                "organisation_name": event.organisation.name,
            },
            session,
        )
        links = self._links
        await self._queue(
            envelope,
            "application_received",
            recipient,
            {
                "title": event.title,
                "organisation_name": event.organisation.name,
                "application_id": event.application_id,
                "submitted_at": event.submitted_at,
                "status_url": self._status_url(event.application_id),
                "withdraw_url": withdraw_application_url(
                    links.intake_url, links.secret, event.application_id, recipient.language
                ),
            },
            session,
            application_id=event.application_id,
        )
        for parked in await self._parked.take(event.application_id, session):
            await self.grant_decided(
                GrantDecided.model_validate_json(parked["event"]),
                Envelope(**parked["envelope"]),
                session,
            )

    async def grant_decided(
        self, event: GrantDecided, envelope: Envelope, session: Session
    ) -> None:
        """Send the decision letter to the applicant."""
        applicant = await self._applicants.get(event.application_id, session)
        if applicant is None:
            await self._parked.park(
                {
                    "_id": envelope.id,
                    "application_id": event.application_id,
                    "event": event.model_dump_json(),
                    "envelope": asdict(envelope),
                    "parked_at": datetime.now(UTC),
                },
                session,
            )
            log.info("decision parked until its application is known")
            return
        granted = event.decision is Decision.GRANTED
        context: dict[str, Any] = {
            "title": applicant["title"],
            "application_id": event.application_id,
            "decided_at": event.decided_at,
            "motivation": event.motivation,
            "status_url": self._status_url(event.application_id),
        }
        if granted:
            context["support_granted"] = list(event.support_granted)
        await self._queue(
            envelope,
            "decision_granted" if granted else "decision_rejected",
            Recipient(
                applicant["recipient"], applicant["recipient_name"], Language(applicant["language"])
            ),
            context,
            session,
            application_id=event.application_id,
        )

    async def booked(self, event: ForumBooked, envelope: Envelope, session: Session) -> None:
        """Confirm a seat, with the session in a calendar file."""
        ics = booking_calendar(
            event.booking_id, event.session, organiser_domain=self._links.id_domain
        )
        await self._booking_email(
            "booking_confirmed",
            event,
            envelope,
            session,
            {"cancel_url": self._cancel_url(event)},
            attachments=(
                Attachment("digitalwell.ics", f"{ICS_CONTENT_TYPE}; method=PUBLISH", ics),
            ),
        )

    async def waitlisted(
        self, event: ForumBookingWaitlisted, envelope: Envelope, session: Session
    ) -> None:
        """Tell a person they wait for a seat, and where in the queue."""
        await self._booking_email(
            "booking_waitlisted",
            event,
            envelope,
            session,
            {"position": event.position, "cancel_url": self._cancel_url(event)},
        )

    async def seat_offered(
        self, event: ForumSeatOffered, envelope: Envelope, session: Session
    ) -> None:
        """Offer a freed seat to the first person waiting, until the offer expires."""
        links = self._links
        await self._booking_email(
            "seat_offered",
            event,
            envelope,
            session,
            {
                "offer_expires_at": event.offer_expires_at,
                "accept_url": accept_seat_url(
                    links.forum_url, links.secret, event.booking_id, event.attendee.language
                ),
                "cancel_url": self._cancel_url(event),
            },
        )

    async def booking_cancelled(
        self, event: ForumBookingCancelled, envelope: Envelope, session: Session
    ) -> None:
        """Tell the attendee their booking ended, or that the session itself was cancelled."""
        if event.reason is CancellationReason.SESSION_CANCELLED:
            await self._booking_email(
                "session_cancelled", event, envelope, session, {"reason": event.note}
            )
        else:
            await self._booking_email("booking_cancelled", event, envelope, session, {})

    async def reminder_due(
        self, event: ForumReminderDue, envelope: Envelope, session: Session
    ) -> None:
        """Remind a confirmed attendee of tomorrow's session, unless they opted out."""
        await self._booking_email(
            "session_reminder", event, envelope, session, {"cancel_url": self._cancel_url(event)}
        )

    async def _booking_email(  # noqa: PLR0917 - the context and attachments vary per template
        self,
        template: str,
        event: BookingEvent,
        envelope: Envelope,
        session: Session,
        context: dict[str, Any],
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        attendee = event.attendee
        await self._queue(
            envelope,
            template,
            Recipient(str(attendee.email), attendee.name, attendee.language),
            {"session": event.session, "booking_id": event.booking_id, **context},
            session,
            application_id=event.application_id,
            booking_id=event.booking_id,
            attachments=attachments,
        )

    def _status_url(self, application_id: str) -> str:
        return f"{self._links.intake_url.rstrip('/')}/applications/{application_id}"

    def _cancel_url(self, event: BookingEvent) -> str:
        links = self._links
        return cancel_booking_url(
            links.forum_url, links.secret, event.booking_id, event.attendee.language
        )

    async def _queue(
        self,
        envelope: Envelope,
        template: str,
        recipient: Recipient,
        context: dict[str, Any],
        session: Session,
        *,
        application_id: str | None = None,
        booking_id: str | None = None,
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        address = recipient.address.strip().lower()
        category = REMINDERS if template in NON_ESSENTIAL else None
        if category and await self._preferences.unsubscribed(address, category, session):
            log.info("e-mail not queued: recipient unsubscribed", template=template)
            return
        key = delivery_key(envelope.id, address, template)
        unsubscribe = (
            unsubscribe_url(self._links.notify_url, self._links.secret, key) if category else None
        )
        rendered = self._templates.render(
            template,
            recipient.language,
            {**context, "recipient_name": recipient.name, "unsubscribe_url": unsubscribe},
        )
        now = datetime.now(UTC)
        created = await self._emails.enqueue(
            {
                "_id": key,
                "message_id": message_id(key, self._links.id_domain),
                "event_id": envelope.id,
                "event_type": envelope.type,
                "correlation_id": envelope.correlation_id,
                "template": template,
                "category": category,
                "unsubscribe_url": unsubscribe,
                "language": recipient.language.value,
                "application_id": application_id,
                "booking_id": booking_id,
                "recipient": address,
                "recipient_name": recipient.name,
                "subject": rendered.subject,
                "text": rendered.text,
                "html": rendered.html,
                "attachments": [
                    {"filename": a.filename, "content_type": a.content_type, "data": a.data}
                    for a in attachments
                ],
                "status": DeliveryStatus.PENDING.value,
                "created_at": now,
                "updated_at": now,
                "next_attempt_at": now,
                "claimed_until": None,
                "attempts": [],
            },
            session,
        )
        log.info("e-mail queued" if created else "e-mail already queued", template=template)


@dataclass(frozen=True)
class _Outcome:
    """What became of one attempt, and the event that announces it, if any."""

    email: Document
    record: AttemptRecord
    announce: EmailSent | EmailFailed | None = None


class Deliverer:
    """Sends due e-mails in batches, logs each attempt, and announces outcomes via the outbox.

    A batch is claimed with one query, sent over up to ``concurrency`` SMTP connections at
    once, and recorded in one transaction: the database sees a few operations per batch,
    not per e-mail.
    """

    def __init__(
        self,
        emails: EmailStore,
        preferences: PreferenceStore,
        send: SendMessage,
        retry: RetryPolicy,
        *,
        mail_from: str,
        source: str,
        commit_with_events: CommitWithEvents,
        batch_size: int,
        concurrency: int,
    ) -> None:
        self._emails = emails
        self._preferences = preferences
        self._send = send
        self._retry = retry
        self._mail_from = mail_from
        self._source = source
        self._commit = commit_with_events
        self._batch_size = batch_size
        self._sending = asyncio.Semaphore(concurrency)

    async def deliver_due(self) -> int:
        """Send a batch of due e-mails and log the attempts; return how many were due."""
        batch = await self._emails.claim_due(datetime.now(UTC), CLAIM_LEASE, self._batch_size)
        if not batch:
            return 0
        outcomes = await asyncio.gather(*(self._deliver(email) for email in batch))
        await self._record(outcomes)
        return len(batch)

    async def _deliver(self, email: Document) -> _Outcome:
        context = {"email_id": email["_id"], "template": email["template"]}
        category = email.get("category")
        if category and await self._preferences.unsubscribed(email["recipient"], category):
            # Queued before the recipient unsubscribed: honour the later wish.
            log.info("e-mail suppressed: recipient unsubscribed", **context)
            attempt = {"at": datetime.now(UTC), "outcome": "suppressed", "detail": "unsubscribed"}
            return _Outcome(email, AttemptRecord(email["_id"], attempt, DeliveryStatus.SUPPRESSED))
        attempts = len(email["attempts"]) + 1
        async with self._sending:
            try:
                reply = await self._send(build_message(email, self._mail_from))
            except DeliveryError as error:
                return self._failure(email, error, context)
        sent_at = datetime.now(UTC)
        log.info("e-mail sent", **context)
        return _Outcome(
            email,
            AttemptRecord(
                email["_id"],
                {"at": sent_at, "outcome": "sent", "detail": reply},
                DeliveryStatus.SENT,
            ),
            EmailSent(**_about(email), sent_at=sent_at, attempts=attempts),
        )

    def _failure(self, email: Document, error: DeliveryError, context: dict[str, Any]) -> _Outcome:
        failed_at = datetime.now(UTC)
        attempt = {"at": failed_at, "outcome": "failed", "detail": str(error)}
        # A resent e-mail gets a fresh retry window and back-off of its own.
        window_start = email.get("resent_at") or email["created_at"]
        tries_in_window = 1 + sum(1 for past in email["attempts"] if past["at"] >= window_start)
        retry_at = (
            None
            if error.permanent
            else self._retry.next_attempt(window_start, tries_in_window, failed_at)
        )
        if retry_at is not None:
            log.warning(
                "e-mail delayed", error=str(error), retry_at=retry_at.isoformat(), **context
            )
            return _Outcome(
                email, AttemptRecord(email["_id"], attempt, DeliveryStatus.PENDING, retry_at)
            )
        log.error("e-mail failed", permanent=error.permanent, error=str(error), **context)
        return _Outcome(
            email,
            AttemptRecord(email["_id"], attempt, DeliveryStatus.FAILED),
            EmailFailed(
                **_about(email),
                failed_at=failed_at,
                attempts=len(email["attempts"]) + 1,
                permanent=error.permanent,
                # The event goes to every subscriber: the reply often quotes the address.
                reason=redact_text(str(error)),
            ),
        )

    async def _record(self, outcomes: Sequence[_Outcome]) -> None:
        async def write(session: Session) -> list[tuple[IntegrationEvent, Envelope]]:
            await self._emails.record_attempts([outcome.record for outcome in outcomes], session)
            return [
                (
                    outcome.announce,
                    Envelope.for_event(
                        outcome.announce,
                        source=self._source,
                        correlation_id=outcome.email["correlation_id"],
                        causation_id=outcome.email["event_id"],
                    ),
                )
                for outcome in outcomes
                if outcome.announce is not None
            ]

        await self._commit(write)


def _about(email: Document) -> dict[str, Any]:
    """The fields EmailSent and EmailFailed share, from a stored e-mail."""
    return {
        "email_id": email["_id"],
        "template": email["template"],
        "cause_event_id": email["event_id"],
        "application_id": email.get("application_id"),
        "booking_id": email.get("booking_id"),
    }


class EmailNotFoundError(LookupError):
    """No e-mail has this id."""


class EmailNotFailedError(Exception):
    """Only a failed e-mail can be sent again; this one is pending or sent."""

    def __init__(self, status: DeliveryStatus) -> None:
        super().__init__(f"the e-mail is {status.value}")
        self.status = status


class NotUnsubscribableError(Exception):
    """The e-mail is an essential one: there is no category to leave."""


async def resend_email(emails: EmailStore, email_id: str) -> Document:
    """Queue a failed e-mail again, due now, keeping its attempts; the delivery worker sends it."""
    resent = await emails.resend(email_id, datetime.now(UTC))
    if resent is None:
        current = await emails.get(email_id)
        if current is None:
            raise EmailNotFoundError(email_id)
        raise EmailNotFailedError(DeliveryStatus(current["status"]))
    log.info("failed e-mail queued again", email_id=email_id, template=resent["template"])
    return resent


@dataclass(frozen=True)
class Subscription:
    """Whether the recipient of an e-mail still gets e-mails of its category."""

    email: Document
    category: str
    unsubscribed: bool


async def subscription(
    emails: EmailStore, preferences: PreferenceStore, email_id: str
) -> Subscription:
    """The recipient's choice for the category of e-mail ``email_id``."""
    email, category = await _category_of(emails, email_id)
    unsubscribed = await preferences.unsubscribed(email["recipient"], category)
    return Subscription(email, category, unsubscribed=unsubscribed)


async def unsubscribe(
    emails: EmailStore, preferences: PreferenceStore, email_id: str
) -> Subscription:
    """Stop e-mails of the category of ``email_id`` to its recipient; again changes nothing."""
    email, category = await _category_of(emails, email_id)
    await preferences.unsubscribe(email["recipient"], category)
    log.info("recipient unsubscribed", email_id=email_id, category=category)
    return Subscription(email, category, unsubscribed=True)


async def resubscribe(
    emails: EmailStore, preferences: PreferenceStore, email_id: str
) -> Subscription:
    """Undo an unsubscription made through e-mail ``email_id``."""
    email, category = await _category_of(emails, email_id)
    await preferences.resubscribe(email["recipient"], category)
    log.info("recipient resubscribed", email_id=email_id, category=category)
    return Subscription(email, category, unsubscribed=False)


async def _category_of(emails: EmailStore, email_id: str) -> tuple[Document, str]:
    email = await emails.get(email_id)
    if email is None:
        raise EmailNotFoundError(email_id)
    category = email.get("category")
    if not category:
        raise NotUnsubscribableError(email_id)
    return email, str(category)
