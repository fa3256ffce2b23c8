"""What notify does: turn events into stored e-mails to send once (delivery.py sends them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from digitalwell_notify.domain import (
    DeliveryStatus,
    LogAccess,
    delivery_key,
    message_id,
    unsubscribe_url,
)
from digitalwell_notify.render import NON_ESSENTIAL, EmailTemplates
from digitalwell_notify.store import (
    ApplicantStore,
    EmailStore,
    ParkedEventStore,
    PreferenceStore,
)
from digitalwell_shared.calendar import booking_calendar
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    CancellationReason,
    Decision,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionFillingUp,
    GrantDecided,
    Language,
    SupportKind,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import (
    accept_seat_url,
    book_workshop_url,
    booking_links_expire_at,
    cancel_booking_url,
    unsubscribe_link_expires_at,
    withdraw_application_url,
)
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import UNCLAIMED, Document, Transaction

ApplicationEvent = GrantDecided | ApplicationWithdrawn
"""What notify writes to an applicant about, once it knows the application (else it waits)."""

BookingEvent = (
    ForumBooked
    | ForumBookingWaitlisted
    | ForumSeatOffered
    | ForumBookingCancelled
    | ForumReminderDue
)

log = get_logger(__name__)
ICS_ATTACHMENT_TYPE = "text/calendar; method=PUBLISH"
REMINDERS = "reminders"
"""The preference category of non-essential e-mails: people may unsubscribe from these."""


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
    booking_link_grace_hours: float = 24
    unsubscribe_link_days: int = 365


@dataclass(frozen=True)
class EmailRequest:
    """One e-mail an event calls for, before it is rendered."""

    envelope: Envelope
    template: str
    recipient: Recipient
    context: dict[str, Any]
    application_id: str | None = None
    booking_id: str | None = None
    attachments: tuple[Attachment, ...] = ()


class EmailComposer:
    """Decides which e-mails events call for, renders them and stores them to be sent, once.

    Each method takes all of a batch's new events of one kind and writes in bulk: the
    embedded database is the system's bottleneck, and it pays per operation.
    """

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

    async def applications_submitted(
        self, items: Sequence[tuple[ApplicationSubmitted, Envelope]], session: Transaction
    ) -> None:
        """Remember the applicants and send their receipts, and any decision waiting for them."""
        applicants = {event.application_id: _applicant(event) for event, _ in items}
        await self._applicants.remember(list(applicants.values()), session)
        requests = [self._receipt(event, envelope) for event, envelope in items]
        for parked in await self._parked.take(list(applicants), session):
            event = _unparked(parked)
            requests.append(
                self._applicant_email(
                    event, Envelope(**parked["envelope"]), applicants[event.application_id]
                )
            )
        await self._queue(requests, session)

    async def grants_decided(
        self, items: Sequence[tuple[GrantDecided, Envelope]], session: Transaction
    ) -> None:
        """Send decision letters; park those whose application notify has not seen yet."""
        await self._to_applicants(items, session)

    async def applications_withdrawn(
        self, items: Sequence[tuple[ApplicationWithdrawn, Envelope]], session: Transaction
    ) -> None:
        """Confirm withdrawals; park those whose application notify has not seen yet."""
        await self._to_applicants(items, session)

    async def _to_applicants(
        self, items: Sequence[tuple[ApplicationEvent, Envelope]], session: Transaction
    ) -> None:
        known = await self._applicants.get([event.application_id for event, _ in items], session)
        requests, waiting = [], []
        for event, envelope in items:
            applicant = known.get(event.application_id)
            if applicant is None:
                waiting.append(_parked(event, envelope))
            else:
                requests.append(self._applicant_email(event, envelope, applicant))
        if waiting:
            # Topics are not ordered against each other: after an outage notify may read a
            # decision or a withdrawal before its submission. It waits for it, not fails.
            await self._parked.park(waiting, session)
            log.info("events parked until their applications are known", count=len(waiting))
        await self._queue(requests, session)

    def _applicant_email(
        self, event: ApplicationEvent, envelope: Envelope, applicant: Document
    ) -> EmailRequest:
        if isinstance(event, GrantDecided):
            return self._decision_letter(event, envelope, applicant)
        return self._withdrawal(event, envelope, applicant)

    def _withdrawal(
        self, event: ApplicationWithdrawn, envelope: Envelope, applicant: Document
    ) -> EmailRequest:
        return EmailRequest(
            envelope,
            "application_withdrawn",
            _applicant_recipient(applicant),
            {
                "title": applicant["title"],
                "organisation_name": applicant.get("organisation_name", ""),
                "application_id": event.application_id,
                # Applicants notify met before it kept case numbers: the event may carry it.
                "case_number": event.case_number or applicant.get("case_number") or "",
                "withdrawn_at": event.withdrawn_at,
                "reason": event.reason,
                "status_url": self._status_url(event.application_id),
                "apply_url": f"{self._links.intake_url.rstrip('/')}/",
            },
            application_id=event.application_id,
        )

    async def booking_events(
        self, items: Sequence[tuple[BookingEvent, Envelope]], session: Transaction
    ) -> None:
        """Write to attendees about their bookings: confirmed, waitlisted, offered, ended, soon."""
        await self._queue(
            [self._booking_email(event, envelope) for event, envelope in items], session
        )

    async def sessions_filling_up(
        self, items: Sequence[tuple[ForumSessionFillingUp, Envelope]], session: Transaction
    ) -> None:
        """Tell coordinators that their sessions reached 80% or 100% of their seats."""
        await self._queue([self._filling_up(event, envelope) for event, envelope in items], session)

    def _filling_up(self, event: ForumSessionFillingUp, envelope: Envelope) -> EmailRequest:
        coordinator = event.coordinator
        forum_url = self._links.forum_url.rstrip("/")
        return EmailRequest(
            envelope,
            "session_filling_up",
            Recipient(str(coordinator.email), coordinator.name, coordinator.language),
            {
                "session": event.session,
                "percent": event.percent,
                "seats_taken": event.seats_taken,
                "capacity": event.capacity,
                "waitlisted": event.waitlisted,
                "staff_url": f"{forum_url}/staff/sessions/{event.session_id}",
            },
        )

    def _receipt(self, event: ApplicationSubmitted, envelope: Envelope) -> EmailRequest:
        recipient = Recipient(str(event.contact.email), event.contact.name, event.contact.language)
        links = self._links
        return EmailRequest(
            envelope,
            "application_received",
            recipient,
            {
                "title": event.title,
                "organisation_name": event.organisation.name,
                "application_id": event.application_id,
                "case_number": event.case_number,
                "submitted_at": event.submitted_at,
                "status_url": self._status_url(event.application_id),
                "withdraw_url": withdraw_application_url(
                    links.intake_url, links.secret, event.application_id, recipient.language
                ),
            },
            application_id=event.application_id,
        )

    def _decision_letter(
        self, event: GrantDecided, envelope: Envelope, applicant: Document
    ) -> EmailRequest:
        granted = event.decision is Decision.GRANTED
        context: dict[str, Any] = {
            "title": applicant["title"],
            "application_id": event.application_id,
            "case_number": event.case_number,
            "decided_at": event.decided_at,
            "decided_by": event.decided_by,
            "assessed_by": list(event.assessed_by),
            "motivation": event.motivation,
            "status_url": self._status_url(event.application_id),
        }
        language = Language(applicant["language"])
        if granted:
            context["support_granted"] = list(event.support_granted)
            context["booking_url"] = self._workshop_url(event, language)
        else:
            # Trainings and breakfast meetings are open to all: the way on after a no.
            context["sessions_url"] = f"{self._links.forum_url.rstrip('/')}/?lang={language.value}"
        return EmailRequest(
            envelope,
            "decision_granted" if granted else "decision_rejected",
            _applicant_recipient(applicant),
            context,
            application_id=event.application_id,
        )

    def _workshop_url(self, event: GrantDecided, language: Language) -> str | None:
        """The signed link to book the workshop, when the grant includes one."""
        if not any(s.kind is SupportKind.INNOVATION_FORUM for s in event.support_granted):
            return None
        links = self._links
        return book_workshop_url(
            links.forum_url,
            links.secret,
            event.application_id,
            language.value,
            decided_at=event.decided_at,
        )

    def _booking_email(self, event: BookingEvent, envelope: Envelope) -> EmailRequest:
        links = self._links
        language = event.attendee.language
        # A booking's links work until a while after its session (its last date) has ended.
        expires_at = booking_links_expire_at(event.session.ends_at, links.booking_link_grace_hours)
        cancel_url = cancel_booking_url(
            links.forum_url, links.secret, event.booking_id, language, expires_at=expires_at
        )
        context: dict[str, Any] = {"session": event.session, "booking_id": event.booking_id}
        attachments: tuple[Attachment, ...] = ()
        match event:
            case ForumBooked():
                template = "booking_confirmed"
                context["cancel_url"] = cancel_url
                # The one calendar of shared: the same UIDs as forum's booking page serves.
                ics = booking_calendar(event.booking_id, event.session, domain=links.id_domain)
                attachments = (Attachment("digitalwell.ics", ICS_ATTACHMENT_TYPE, ics),)
            case ForumBookingWaitlisted():
                template = "booking_waitlisted"
                context |= {"position": event.position, "cancel_url": cancel_url}
            case ForumSeatOffered():
                template = "seat_offered"
                context |= {
                    "offer_expires_at": event.offer_expires_at,
                    "accept_url": accept_seat_url(
                        links.forum_url,
                        links.secret,
                        event.booking_id,
                        language,
                        expires_at=expires_at,
                    ),
                    "cancel_url": cancel_url,
                }
            case ForumBookingCancelled(reason=CancellationReason.SESSION_CANCELLED):
                template = "session_cancelled"
                context["reason"] = event.note
            case ForumBookingCancelled():
                template = "booking_cancelled"
                # A seat offer that ran out is not something the person did: say what happened.
                context["offer_expired"] = event.reason is CancellationReason.OFFER_EXPIRED
            case ForumReminderDue():
                template = "session_reminder"
                context["cancel_url"] = cancel_url
        return EmailRequest(
            envelope,
            template,
            Recipient(str(event.attendee.email), event.attendee.name, language),
            context,
            application_id=event.application_id,
            booking_id=event.booking_id,
            attachments=attachments,
        )

    def _status_url(self, application_id: str) -> str:
        return f"{self._links.intake_url.rstrip('/')}/applications/{application_id}"

    async def _queue(self, requests: Sequence[EmailRequest], session: Transaction) -> None:
        """Render and store the e-mails, except non-essential ones their recipients declined."""
        optional = {
            request.recipient.address.strip().lower()
            for request in requests
            if request.template in NON_ESSENTIAL
        }
        declined = await self._preferences.unsubscribed_among(optional, REMINDERS, session)
        now = datetime.now(UTC)
        emails = []
        for request in requests:
            address = request.recipient.address.strip().lower()
            category = REMINDERS if request.template in NON_ESSENTIAL else None
            if category and address in declined:
                log.info("e-mail not queued: recipient unsubscribed", template=request.template)
                continue
            emails.append(self._render(request, address, category, now))
        created = await self._emails.enqueue(emails, session)
        log.info("e-mails queued", queued=created, already_queued=len(emails) - created)

    def _render(
        self, request: EmailRequest, address: str, category: str | None, now: datetime
    ) -> Document:
        key = delivery_key(request.envelope.id, address, request.template)
        unsubscribe = (
            unsubscribe_url(
                self._links.notify_url,
                self._links.secret,
                key,
                expires_at=unsubscribe_link_expires_at(now, self._links.unsubscribe_link_days),
            )
            if category
            else None
        )
        rendered = self._templates.render(
            request.template,
            request.recipient.language,
            {
                **request.context,
                "recipient_name": request.recipient.name,
                "unsubscribe_url": unsubscribe,
            },
        )
        envelope = request.envelope
        return {
            "_id": key,
            "message_id": message_id(key, self._links.id_domain),
            "event_id": envelope.id,
            "event_type": envelope.type,
            "correlation_id": envelope.correlation_id,
            "template": request.template,
            "category": category,
            "unsubscribe_url": unsubscribe,
            "language": request.recipient.language.value,
            "application_id": request.application_id,
            "booking_id": request.booking_id,
            "recipient": address,
            "recipient_name": request.recipient.name,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "data": a.data}
                for a in request.attachments
            ],
            "status": DeliveryStatus.PENDING.value,
            "created_at": now,
            "updated_at": now,
            "next_attempt_at": now,
            "claimed_until": UNCLAIMED,
            "attempts": [],
        }


def _applicant(event: ApplicationSubmitted) -> Document:
    """What later letters about an application need to know of its applicant."""
    return {
        "_id": event.application_id,
        "recipient": str(event.contact.email),
        "recipient_name": event.contact.name,
        "language": event.contact.language.value,
        "title": event.title,
        "organisation_name": event.organisation.name,
        "case_number": event.case_number,
    }


def _unparked(parked: Document) -> ApplicationEvent:
    """The event a parked document holds; those parked before withdrawals were are decisions."""
    if parked.get("ce_type") == ApplicationWithdrawn.ce_type:
        return ApplicationWithdrawn.model_validate_json(parked["event"])
    return GrantDecided.model_validate_json(parked["event"])


def _applicant_recipient(applicant: Document) -> Recipient:
    return Recipient(
        applicant["recipient"], applicant["recipient_name"], Language(applicant["language"])
    )


def _parked(event: ApplicationEvent, envelope: Envelope) -> Document:
    """An event kept until its application is known, with its envelope to answer it later."""
    return {
        "_id": envelope.id,
        "application_id": event.application_id,
        "ce_type": event.ce_type,
        "event": event.model_dump_json(),
        "envelope": asdict(envelope),
        "parked_at": datetime.now(UTC),
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


async def resend_email(emails: EmailStore, email_id: str, access: LogAccess) -> Document:
    """Queue a failed e-mail again, due now, keeping its attempts; the delivery worker sends it.

    Only an e-mail of the person's own area (``access``): another's is not found.
    """
    found = await emails.get(email_id)
    if found is None or not access.may_see(found["template"]):
        raise EmailNotFoundError(email_id)
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
