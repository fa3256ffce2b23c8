"""Composing: which e-mail an event calls for, with what in it, rendered into an Email record.

Pure (no I/O, time passed in): the use cases (usecases.py) decide whom to write to and store
what this composes; render.py turns a template and its values into text and HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from digitalwell_notify.domain import delivery_key, message_id, unsubscribe_url
from digitalwell_notify.records import Applicant, ApplicationEvent, Attachment, Email
from digitalwell_notify.render import EmailTemplates
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

BookingEvent = (
    ForumBooked
    | ForumBookingWaitlisted
    | ForumSeatOffered
    | ForumBookingCancelled
    | ForumReminderDue
)

ICS_ATTACHMENT_TYPE = "text/calendar; method=PUBLISH"


@dataclass(frozen=True)
class Recipient:
    """Whom an e-mail goes to, and in which language."""

    address: str
    name: str
    language: Language


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

    def status_url(self, application_id: str) -> str:
        """The applicant's page of an application, in intake."""
        return f"{self.intake_url.rstrip('/')}/applications/{application_id}"


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


def applicant_of(event: ApplicationSubmitted) -> Applicant:
    """What later letters about an application need to know of its applicant."""
    return Applicant(
        application_id=event.application_id,
        recipient=str(event.contact.email),
        recipient_name=event.contact.name,
        language=event.contact.language,
        title=event.title,
        organisation_name=event.organisation.name,
        case_number=event.case_number,
    )


def receipt(event: ApplicationSubmitted, envelope: Envelope, links: LinkSettings) -> EmailRequest:
    """The receipt of a submitted application."""
    recipient = Recipient(str(event.contact.email), event.contact.name, event.contact.language)
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
            "status_url": links.status_url(event.application_id),
            "withdraw_url": withdraw_application_url(
                links.intake_url, links.secret, event.application_id, recipient.language
            ),
        },
        application_id=event.application_id,
    )


def applicant_email(
    event: ApplicationEvent, envelope: Envelope, applicant: Applicant, links: LinkSettings
) -> EmailRequest:
    """The decision letter or the withdrawal's confirmation to a known applicant."""
    if isinstance(event, GrantDecided):
        return decision_letter(event, envelope, applicant, links)
    return withdrawal(event, envelope, applicant, links)


def _applicant_recipient(applicant: Applicant) -> Recipient:
    return Recipient(applicant.recipient, applicant.recipient_name, applicant.language)


def withdrawal(
    event: ApplicationWithdrawn, envelope: Envelope, applicant: Applicant, links: LinkSettings
) -> EmailRequest:
    """The confirmation of a withdrawn application."""
    return EmailRequest(
        envelope,
        "application_withdrawn",
        _applicant_recipient(applicant),
        {
            "title": applicant.title,
            "organisation_name": applicant.organisation_name,
            "application_id": event.application_id,
            # Applicants notify met before it kept case numbers: the event may carry it.
            "case_number": event.case_number or applicant.case_number or "",
            "withdrawn_at": event.withdrawn_at,
            "reason": event.reason,
            "status_url": links.status_url(event.application_id),
            "apply_url": f"{links.intake_url.rstrip('/')}/",
        },
        application_id=event.application_id,
    )


def decision_letter(
    event: GrantDecided, envelope: Envelope, applicant: Applicant, links: LinkSettings
) -> EmailRequest:
    """The letter that tells the applicant the decision."""
    granted = event.decision is Decision.GRANTED
    context: dict[str, Any] = {
        "title": applicant.title,
        "application_id": event.application_id,
        "case_number": event.case_number,
        "decided_at": event.decided_at,
        "decided_by": event.decided_by,
        "assessed_by": list(event.assessed_by),
        "motivation": event.motivation,
        "status_url": links.status_url(event.application_id),
    }
    language = applicant.language
    if granted:
        context["support_granted"] = list(event.support_granted)
        context["booking_url"] = _workshop_url(event, language, links)
    else:
        # Trainings and breakfast meetings are open to all: the way on after a no.
        context["sessions_url"] = f"{links.forum_url.rstrip('/')}/?lang={language.value}"
    return EmailRequest(
        envelope,
        "decision_granted" if granted else "decision_rejected",
        _applicant_recipient(applicant),
        context,
        application_id=event.application_id,
    )


def _workshop_url(event: GrantDecided, language: Language, links: LinkSettings) -> str | None:
    """The signed link to book the workshop, when the grant includes one."""
    if not any(s.kind is SupportKind.INNOVATION_FORUM for s in event.support_granted):
        return None
    return book_workshop_url(
        links.forum_url,
        links.secret,
        event.application_id,
        language.value,
        decided_at=event.decided_at,
    )


def filling_up(
    event: ForumSessionFillingUp, envelope: Envelope, links: LinkSettings
) -> EmailRequest:
    """The coordinator's note that a session reached 80% or 100% of its seats."""
    coordinator = event.coordinator
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
            "staff_url": f"{links.forum_url.rstrip('/')}/staff/sessions/{event.session_id}",
        },
    )


def booking_email(event: BookingEvent, envelope: Envelope, links: LinkSettings) -> EmailRequest:
    """What an attendee is told about a booking: confirmed, waitlisted, offered, ended, soon."""
    language = event.attendee.language
    # A booking's links work until a while after its session (its last date) has ended.
    expires_at = booking_links_expire_at(event.session.ends_at, links.booking_link_grace_hours)
    cancel_url = cancel_booking_url(
        links.forum_url, links.secret, event.booking_id, language, expires_at=expires_at
    )
    template, extra, attachments = _booking_content(event, links, cancel_url, expires_at)
    return EmailRequest(
        envelope,
        template,
        Recipient(str(event.attendee.email), event.attendee.name, language),
        {"session": event.session, "booking_id": event.booking_id, **extra},
        application_id=event.application_id,
        booking_id=event.booking_id,
        attachments=attachments,
    )


def _booking_content(
    event: BookingEvent, links: LinkSettings, cancel_url: str, expires_at: datetime
) -> tuple[str, dict[str, Any], tuple[Attachment, ...]]:
    """The template, its own values and the attachments of a booking's e-mail."""
    match event:
        case ForumBooked():
            # The one calendar of shared: the same UIDs as forum's booking page serves.
            ics = booking_calendar(event.booking_id, event.session, domain=links.id_domain)
            attachment = Attachment(
                filename="digitalwell.ics", content_type=ICS_ATTACHMENT_TYPE, data=ics
            )
            return "booking_confirmed", {"cancel_url": cancel_url}, (attachment,)
        case ForumBookingWaitlisted():
            return "booking_waitlisted", {"position": event.position, "cancel_url": cancel_url}, ()
        case ForumSeatOffered():
            accept_url = accept_seat_url(
                links.forum_url,
                links.secret,
                event.booking_id,
                event.attendee.language,
                expires_at=expires_at,
            )
            offer = {
                "offer_expires_at": event.offer_expires_at,
                "accept_url": accept_url,
                "cancel_url": cancel_url,
            }
            return "seat_offered", offer, ()
        case ForumBookingCancelled(reason=CancellationReason.SESSION_CANCELLED):
            return "session_cancelled", {"reason": event.note}, ()
        case ForumBookingCancelled():
            # A seat offer that ran out is not something the person did: say what happened.
            expired = event.reason is CancellationReason.OFFER_EXPIRED
            return "booking_cancelled", {"offer_expired": expired}, ()
        case ForumReminderDue():
            return "session_reminder", {"cancel_url": cancel_url}, ()


def compose(
    request: EmailRequest,
    *,
    category: str | None,
    now: datetime,
    templates: EmailTemplates,
    links: LinkSettings,
) -> Email:
    """The e-mail ``request`` calls for, rendered, due ``now``; unsubscribable if ``category``."""
    address = request.recipient.address.strip().lower()
    key = delivery_key(request.envelope.id, address, request.template)
    unsubscribe = (
        unsubscribe_url(
            links.notify_url,
            links.secret,
            key,
            expires_at=unsubscribe_link_expires_at(now, links.unsubscribe_link_days),
        )
        if category
        else None
    )
    rendered = templates.render(
        request.template,
        request.recipient.language,
        {
            **request.context,
            "recipient_name": request.recipient.name,
            "unsubscribe_url": unsubscribe,
        },
    )
    envelope = request.envelope
    return Email(
        id=key,
        message_id=message_id(key, links.id_domain),
        event_id=envelope.id,
        event_type=envelope.type,
        correlation_id=envelope.correlation_id,
        template=request.template,
        category=category,
        unsubscribe_url=unsubscribe,
        language=request.recipient.language.value,
        application_id=request.application_id,
        booking_id=request.booking_id,
        recipient=address,
        recipient_name=request.recipient.name,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=request.attachments,
        created_at=now,
        updated_at=now,
        next_attempt_at=now,
    )
