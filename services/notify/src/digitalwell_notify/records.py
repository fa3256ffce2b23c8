"""The typed records notify's stores take and return: e-mails, their attempts, applicants, ...

Only the stores (``stores/``) know how these are kept as documents, and the delivery claims
and leases that go with them; everything else reads and builds these records.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from digitalwell_notify.domain import DeliveryStatus
from digitalwell_shared.contracts import ApplicationWithdrawn, GrantDecided, Language
from digitalwell_shared.envelope import Envelope

ApplicationEvent = GrantDecided | ApplicationWithdrawn
"""What notify writes to an applicant about, once it knows the application (else it waits)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class Attachment(_Record):
    """A file sent with an e-mail."""

    filename: str
    content_type: str
    data: bytes


class DeliveryAttempt(_Record):
    """One try at handing an e-mail to an SMTP relay, or the decision not to send it."""

    at: datetime
    outcome: str
    """sent, failed or suppressed"""
    detail: str


class Email(_Record):
    """An e-mail to send once, with its delivery log: what notify stores per e-mail."""

    id: str
    """The delivery key (one e-mail per event, recipient and template)."""
    message_id: str
    event_id: str
    event_type: str = ""
    correlation_id: str | None = None
    template: str
    category: str | None = None
    """The preference category of a non-essential e-mail (people may leave it); else None."""
    unsubscribe_url: str | None = None
    language: str = Language.SV.value
    application_id: str | None = None
    booking_id: str | None = None
    recipient: str
    recipient_name: str = ""
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = ()
    status: DeliveryStatus = DeliveryStatus.PENDING
    created_at: datetime
    updated_at: datetime | None = None
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    resent_at: datetime | None = None
    attempts: tuple[DeliveryAttempt, ...] = ()


class AttemptOutcome(_Record):
    """One delivery attempt to log, with the status it leaves its e-mail in."""

    email_id: str
    attempt: DeliveryAttempt
    status: DeliveryStatus
    next_attempt_at: datetime | None = None
    waiting_for_relay: bool = False
    """The relay itself was away: the retry is pulled forward once it answers again."""


class Claim(_Record):
    """Due e-mails one sender has taken for a while; ``token`` renews the claim."""

    token: str
    emails: tuple[Email, ...]


class Applicant(_Record):
    """notify's own view of an applicant, from ApplicationSubmitted: whom to write to, how."""

    application_id: str
    recipient: str
    recipient_name: str
    language: Language
    title: str
    organisation_name: str = ""
    case_number: str | None = None


class ParkedEvent(_Record):
    """An event that came before the application it is about, kept until that arrives."""

    event: ApplicationEvent
    envelope: Envelope
    parked_at: datetime


class Subscription(_Record):
    """Whether the recipient of an e-mail still gets e-mails of its category."""

    email: Email
    category: str
    unsubscribed: bool
