"""Pure rules of e-mail delivery: the delivery key, Message-IDs and retry timing."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from digitalwell_shared import links
from digitalwell_shared.staff import Role


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


def unsubscribe_url(
    notify_base_url: str, secret: str, email_id: str, *, expires_at: datetime
) -> str:
    """The one-click unsubscribe link (RFC 8058) of one e-mail; notify itself answers it."""
    # The token is base64url and digits without padding, so it needs no escaping in a query.
    token = links.link_token(secret, links.UNSUBSCRIBE, email_id, expires_at=expires_at)
    return f"{notify_base_url.rstrip('/')}/unsubscribe/{email_id}?token={token}"


def unsubscribe_link(
    secret: str, email_id: str, token: str, *, v1_expires_at: datetime | None = None
) -> links.LinkCheck:
    """What ``token`` is worth as the unsubscribe token of e-mail ``email_id`` now.

    A v1 token (sent before links carried an expiry) is given ``v1_expires_at``: the e-mail's
    date plus the same lifetime, so old and new links end alike.
    """
    return links.check_link_token(
        secret, links.UNSUBSCRIBE, email_id, token, v1_expires_at=v1_expires_at
    )


def unsubscribe_token_is_valid(secret: str, email_id: str, token: str) -> bool:
    """True when ``token`` is the unsubscribe token of e-mail ``email_id`` and still works."""
    return unsubscribe_link(secret, email_id, token) is links.LinkCheck.VALID


# -- Who sees what of the delivery log ---------------------------------------------------------

APPLICATION_TEMPLATES = frozenset(
    {"application_received", "decision_granted", "decision_rejected", "application_withdrawn"}
)
"""E-mails about applications (receipt, decision letters): intake officers answer for these."""

FORUM_TEMPLATES = frozenset(
    {
        "booking_confirmed",
        "booking_waitlisted",
        "seat_offered",
        "booking_cancelled",
        "session_cancelled",
        "session_reminder",
        "session_filling_up",
    }
)
"""E-mails about sessions and bookings: forum coordinators answer for these."""

DELIVERY_LOG_ROLES = (Role.ADMINISTRATOR, Role.INTAKE_OFFICER, Role.FORUM_COORDINATOR)
"""The log holds people's addresses: those who answer people's questions about e-mails see
it, each only their own area's e-mails (LogAccess)."""

_TEMPLATES_OF_ROLE: dict[Role, frozenset[str]] = {
    Role.INTAKE_OFFICER: APPLICATION_TEMPLATES,
    Role.FORUM_COORDINATOR: FORUM_TEMPLATES,
}


@dataclass(frozen=True)
class LogAccess:
    """What one member of staff may see of the delivery log (least privilege, issue 10).

    Administrators see every e-mail with its text; intake officers and forum coordinators see
    only their own area's e-mails, and of those only what is needed to answer "did it go
    out?": template, status, times, attempts and a masked address. Nobody sees a working
    signed link: those are masked wherever the log shows an e-mail's text.
    """

    templates: frozenset[str] | None
    """The templates this person may see; None means every one."""
    full_text: bool
    """Subject, text, full address and SMTP replies as they were; else metadata only."""

    @classmethod
    def of(cls, roles: Iterable[Role]) -> LogAccess:
        """The access that ``roles`` give together."""
        held = frozenset(roles)
        if Role.ADMINISTRATOR in held:
            return cls(templates=None, full_text=True)
        templates = frozenset().union(*(_TEMPLATES_OF_ROLE.get(role, frozenset()) for role in held))
        return cls(templates=frozenset(templates), full_text=False)

    def may_see(self, template: str) -> bool:
        """True when an e-mail of ``template`` is in this person's area."""
        return self.templates is None or template in self.templates
