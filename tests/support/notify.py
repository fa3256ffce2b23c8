"""notify's stored e-mails for tests: documents as EmailComposer writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from digitalwell_notify.domain import delivery_key, message_id, unsubscribe_url
from digitalwell_notify.settings import Settings
from digitalwell_shared.mongo import UNCLAIMED, Document

REMINDERS = "reminders"


def email_document(
    settings: Settings,
    *,
    recipient: str,
    template: str = "booking_confirmed",
    status: str = "pending",
    non_essential: bool = False,
    language: str = "sv",
    application_id: str | None = None,
    created_at: datetime | None = None,
    attempts: list[Document] | None = None,
    recipient_name: str = "Åsa Öberg",
) -> Document:
    """An e-mail as EmailComposer stores it."""
    event_id = str(uuid.uuid4())
    key = delivery_key(event_id, recipient, template)
    now = created_at or datetime.now(UTC)
    return {
        "_id": key,
        "message_id": message_id(key, settings.message_id_domain),
        "event_id": event_id,
        "event_type": "se.digitalwell.forum.ForumBooked.v1",
        "correlation_id": str(uuid.uuid4()),
        "template": template,
        "category": REMINDERS if non_essential else None,
        "unsubscribe_url": (
            unsubscribe_url(
                settings.base_url,
                settings.link_secret.get_secret_value(),
                key,
                expires_at=now + timedelta(days=settings.unsubscribe_link_days),
            )
            if non_essential
            else None
        ),
        "language": language,
        "application_id": application_id,
        "booking_id": f"bkg_{uuid.uuid4().hex[:10]}",
        "recipient": recipient.strip().lower(),
        "recipient_name": recipient_name,
        "subject": f"{template} {uuid.uuid4().hex[:6]}",
        "text": "Hej Åsa!\n",
        "html": "<p>Hej Åsa!</p>",
        "attachments": [],
        "status": status,
        "created_at": now,
        "updated_at": now,
        "next_attempt_at": now,
        "claimed_until": UNCLAIMED,
        "attempts": attempts or [],
        **({"sent_at": now} if status == "sent" else {}),
    }
