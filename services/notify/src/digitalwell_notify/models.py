"""The bodies notify's JSON API validates and returns: the delivery log and its filters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from digitalwell_notify.domain import DeliveryStatus, LogAccess
from digitalwell_notify.page_text import masked_address
from digitalwell_notify.records import Email
from digitalwell_shared.links import mask_link_tokens
from digitalwell_shared.logging import redact_text
from digitalwell_shared.text import SingleLineText

FILTER_MAX = 320  # the longest e-mail address


class Attempt(BaseModel):
    """One try at handing the e-mail to an SMTP relay."""

    at: datetime
    outcome: str = Field(description="sent or failed")
    detail: str = Field(
        description="which relay answered and its reply, or the error (addresses redacted "
        "unless you are an administrator)"
    )


class EmailSummary(BaseModel):
    """An e-mail in the delivery log."""

    id: str
    template: str
    recipient: str = Field(
        description="the address; masked (a…@example.org) for all but administrators"
    )
    subject: str | None = Field(None, description="administrators only")
    status: DeliveryStatus
    created_at: datetime
    sent_at: datetime | None = None
    resent_at: datetime | None = Field(None, description="when staff last queued it again")
    next_attempt_at: datetime | None = Field(None, description="when a pending e-mail is due")
    attempts: list[Attempt]
    application_id: str | None = None
    booking_id: str | None = None
    category: str | None = Field(None, description="set on e-mails people can unsubscribe from")

    @classmethod
    def of(cls, email: Email, access: LogAccess) -> EmailSummary:
        """What ``access`` shows of ``email`` in the log."""
        full = access.full_text
        return cls(
            id=email.id,
            template=email.template,
            recipient=email.recipient if full else masked_address(email.recipient),
            subject=email.subject if full else None,
            status=email.status,
            created_at=email.created_at,
            sent_at=email.sent_at,
            resent_at=email.resent_at,
            next_attempt_at=(
                email.next_attempt_at if email.status is DeliveryStatus.PENDING else None
            ),
            attempts=[
                Attempt(
                    at=attempt.at,
                    outcome=attempt.outcome,
                    # SMTP replies often quote the recipient's address.
                    detail=attempt.detail if full else redact_text(attempt.detail),
                )
                for attempt in email.attempts
            ],
            application_id=email.application_id,
            booking_id=email.booking_id,
            category=email.category,
        )


class EmailDetail(EmailSummary):
    """One e-mail with its text and where it came from."""

    language: str
    message_id: str
    event_id: str
    event_type: str
    correlation_id: str | None = None
    text: str | None = Field(
        None, description="the plain text, every signed link masked; administrators only"
    )

    @classmethod
    def of(cls, email: Email, access: LogAccess) -> EmailDetail:
        """What ``access`` shows of ``email`` on its own."""
        return cls(
            **EmailSummary.of(email, access).model_dump(),
            language=email.language,
            message_id=email.message_id,
            event_id=email.event_id,
            event_type=email.event_type,
            correlation_id=email.correlation_id,
            # Masked for administrators too: a working link would let its reader act as the
            # recipient (withdraw an application, cancel a booking).
            text=mask_link_tokens(email.text) if access.full_text else None,
        )


class LogFilters(BaseModel):
    """Which e-mails of the delivery log to list; empty fields mean any."""

    application_id: SingleLineText | None = Field(None, max_length=FILTER_MAX)
    recipient: SingleLineText | None = Field(None, max_length=FILTER_MAX, description="the address")
    status: DeliveryStatus | None = None
    template: SingleLineText | None = Field(None, max_length=FILTER_MAX)
    limit: int = Field(100, ge=1, le=500, description="how many e-mails, newest first")

    @field_validator("application_id", "recipient", "status", "template", mode="before")
    @classmethod
    def _empty_means_any(cls, value: object) -> object:
        # The staff page's filter form sends every field, empty when not chosen.
        return value or None


class EmailList(BaseModel):
    """E-mails, newest first."""

    emails: list[EmailSummary]
