"""Counts of e-mails handed to SMTP and of failed attempts, for Prometheus."""

from __future__ import annotations

from email.message import EmailMessage

from prometheus_client import CollectorRegistry, Counter

from digitalwell_notify.delivery import SendMessage
from digitalwell_notify.smtp import DeliveryError


def counted(send: SendMessage, registry: CollectorRegistry) -> SendMessage:
    """``send`` that counts each e-mail sent and each failed attempt (temporary or permanent)."""
    sent = Counter("digitalwell_emails_sent", "E-mails the SMTP relay accepted", registry=registry)
    failed = Counter(
        "digitalwell_emails_failed",
        "Attempts to send an e-mail that failed; temporary ones are retried",
        ["permanent"],
        registry=registry,
    )

    async def send_counted(message: EmailMessage) -> str:
        try:
            reply = await send(message)
        except DeliveryError as error:
            failed.labels(str(error.permanent).lower()).inc()
            raise
        sent.inc()
        return reply

    return send_counted


def delivery_rounds(registry: CollectorRegistry) -> Counter:
    """Rounds of the delivery worker, with or without e-mails due: a sign that it looked again."""
    return Counter(
        "digitalwell_email_delivery_rounds",
        "Rounds of the delivery worker, each a look for due e-mails",
        registry=registry,
    )
