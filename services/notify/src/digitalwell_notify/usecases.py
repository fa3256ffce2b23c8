"""What notify does: turn events into stored e-mails, and send stored e-mails once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from digitalwell_notify.domain import DeliveryStatus, RetryPolicy, delivery_key, message_id
from digitalwell_notify.render import EmailTemplates, local_time
from digitalwell_notify.smtp import DeliveryError, build_message
from digitalwell_notify.store import EmailStore
from digitalwell_shared.contracts import ApplicationSubmitted, Language
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Session

log = get_logger(__name__)
CLAIM_LEASE = timedelta(minutes=2)

SendMessage = Callable[[EmailMessage], Awaitable[str]]


class EmailComposer:
    """Renders the e-mail an event calls for and stores it to be sent."""

    def __init__(
        self, store: EmailStore, templates: EmailTemplates, *, intake_url: str, id_domain: str
    ) -> None:
        self._store = store
        self._templates = templates
        self._intake_url = intake_url.rstrip("/")
        self._id_domain = id_domain

    async def application_received(
        self, event: ApplicationSubmitted, envelope: Envelope, session: Session
    ) -> None:
        """The applicant's receipt, in their language."""
        language = Language(event.contact.language)
        await self._enqueue(
            template="application_received",
            envelope=envelope,
            recipient=str(event.contact.email),
            recipient_name=event.contact.name,
            language=language,
            application_id=event.application_id,
            context={
                "contact_name": event.contact.name,
                "title": event.title,
                "organisation_name": event.organisation.name,
                "application_id": event.application_id,
                "submitted_at": local_time(event.submitted_at, language),
                "status_url": f"{self._intake_url}/applications/{event.application_id}",
            },
            session=session,
        )

    async def _enqueue(
        self,
        *,
        template: str,
        envelope: Envelope,
        recipient: str,
        recipient_name: str,
        language: Language,
        application_id: str | None,
        context: dict[str, Any],
        session: Session,
    ) -> None:
        rendered = self._templates.render(template, language, context)
        key = delivery_key(envelope.id, recipient, template)
        now = datetime.now(UTC)
        created = await self._store.enqueue(
            {
                "_id": key,
                "message_id": message_id(key, self._id_domain),
                "event_id": envelope.id,
                "event_type": envelope.type,
                "correlation_id": envelope.correlation_id,
                "template": template,
                "language": language.value,
                "application_id": application_id,
                "recipient": recipient.strip().lower(),
                "recipient_name": recipient_name,
                "subject": rendered.subject,
                "text": rendered.text,
                "html": rendered.html,
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


async def deliver_next(
    store: EmailStore, send: SendMessage, retry: RetryPolicy, mail_from: str
) -> bool:
    """Send the next due e-mail and log the attempt; False when none is due."""
    now = datetime.now(UTC)
    email = await store.claim_due(now, CLAIM_LEASE)
    if email is None:
        return False
    context = {"email_id": email["_id"], "template": email["template"]}
    try:
        reply = await send(build_message(email, mail_from))
    except DeliveryError as error:
        failed_at = datetime.now(UTC)
        attempt = {"at": failed_at, "outcome": "failed", "detail": str(error)}
        retry_at = (
            None
            if error.permanent
            else retry.next_attempt(email["created_at"], len(email["attempts"]) + 1, failed_at)
        )
        if retry_at is None:
            await store.record_attempt(email["_id"], attempt, status=DeliveryStatus.FAILED)
            log.error(  # noqa: TRY400 - the failure is the SMTP reply; a traceback adds nothing
                "e-mail failed", permanent=error.permanent, error=str(error), **context
            )
        else:
            await store.record_attempt(
                email["_id"], attempt, status=DeliveryStatus.PENDING, next_attempt_at=retry_at
            )
            log.warning(
                "e-mail delayed", error=str(error), retry_at=retry_at.isoformat(), **context
            )
        return True
    attempt = {"at": datetime.now(UTC), "outcome": "sent", "detail": reply}
    await store.record_attempt(email["_id"], attempt, status=DeliveryStatus.SENT)
    log.info("e-mail sent", **context)
    return True
