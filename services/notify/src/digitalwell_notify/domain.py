"""Pure rules of e-mail delivery: the delivery key, Message-IDs and retry timing."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from digitalwell_shared import links


class DeliveryStatus(StrEnum):
    """Where an e-mail is on its way out."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"
    """Not sent: the recipient unsubscribed after it was queued."""


def delivery_key(event_id: str, recipient: str, template: str) -> str:
    """One e-mail per (event, recipient, template): the id that keeps it so."""
    material = f"{event_id}\x1f{recipient.strip().lower()}\x1f{template}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def message_id(key: str, domain: str) -> str:
    """The Message-ID header derived from the delivery key: the same e-mail, the same id."""
    return f"<{key}@{domain}>"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter, for a limited time."""

    base_seconds: float
    max_interval_seconds: float
    give_up_after_seconds: float

    def next_attempt(
        self, first_attempt_at: datetime, attempts: int, now: datetime
    ) -> datetime | None:
        """When to try again after ``attempts`` failures, or None once time is up."""
        if (now - first_attempt_at).total_seconds() >= self.give_up_after_seconds:
            return None
        ceiling = min(self.max_interval_seconds, self.base_seconds * 2 ** (attempts - 1))
        # Jitter between half and all of the interval, so a recovering server is not stampeded.
        delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - timing, not security
        return now + timedelta(seconds=delay)


def is_permanent_smtp_code(code: int) -> bool:
    """5xx replies are permanent (RFC 5321); 4xx and no reply at all are worth retrying."""
    return 500 <= code < 600  # noqa: PLR2004 - the RFC's code ranges


def unsubscribe_url(notify_base_url: str, secret: str, email_id: str) -> str:
    """The one-click unsubscribe link (RFC 8058) of one e-mail; notify itself answers it."""
    # The token is base64url without padding, so it needs no escaping in a query.
    token = links.link_token(secret, links.UNSUBSCRIBE, email_id)
    return f"{notify_base_url.rstrip('/')}/unsubscribe/{email_id}?token={token}"


def unsubscribe_token_is_valid(secret: str, email_id: str, token: str) -> bool:
    """True when ``token`` is the unsubscribe token of e-mail ``email_id``."""
    return links.link_token_is_valid(secret, links.UNSUBSCRIBE, email_id, token)
