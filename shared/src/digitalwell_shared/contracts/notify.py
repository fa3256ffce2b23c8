"""Events that notify publishes: what became of each e-mail."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from digitalwell_shared.contracts.base import CE_TYPE_PREFIX, IntegrationEvent
from digitalwell_shared.contracts.common import AwareDatetime


class _EmailEvent(IntegrationEvent):
    """Fields every event about one e-mail has; no addresses, which are personal data."""

    key_field: ClassVar[str] = "email_id"

    email_id: str = Field(
        description="notify's id of the e-mail: one per (event, recipient, template)"
    )
    template: str = Field(description="which e-mail it was, e.g. application_received")
    cause_event_id: str = Field(description="ce_id of the event the e-mail was written for")
    application_id: str | None = Field(None, description="the application it concerns, if any")
    booking_id: str | None = Field(None, description="the forum booking it concerns, if any")


class EmailSent(_EmailEvent):
    """An SMTP relay accepted the e-mail."""

    topic: ClassVar[str] = "notify.email-sent.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.notify.EmailSent.v1"

    sent_at: AwareDatetime
    attempts: int = Field(ge=1, description="tries it took")


class EmailFailed(_EmailEvent):
    """The e-mail could not be delivered: refused for good, or retried until time ran out."""

    topic: ClassVar[str] = "notify.email-failed.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.notify.EmailFailed.v1"

    failed_at: AwareDatetime
    attempts: int = Field(ge=1, description="tries made")
    permanent: bool = Field(description="the relay refused it (5xx), rather than time running out")
    reason: str = Field(description="the last SMTP reply or connection error")
