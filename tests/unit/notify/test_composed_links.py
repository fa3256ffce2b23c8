"""The links notify writes into e-mails expire when their settings say: unit tests with fakes."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.usecases import EmailComposer, LinkSettings
from digitalwell_shared.contracts import ForumReminderDue, ForumSeatOffered, IntegrationEvent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Document

GRACE_HOURS = 6
UNSUBSCRIBE_DAYS = 30
_TOKEN = re.compile(r"/(cancel|accept|unsubscribe/\w+)\?token=v2\.(\d+)\.")


class FakeEmails:
    def __init__(self) -> None:
        self.queued: list[Document] = []

    async def enqueue(self, emails: Sequence[Document], _session: object) -> int:
        self.queued.extend(emails)
        return len(emails)


class NobodyUnsubscribed:
    async def unsubscribed_among(
        self, _recipients: Collection[str], _category: str, _session: object
    ) -> set[str]:
        return set()


def composer(emails: FakeEmails) -> EmailComposer:
    return EmailComposer(
        emails,  # type: ignore[arg-type]
        applicants=None,  # type: ignore[arg-type]
        parked=None,  # type: ignore[arg-type]
        preferences=NobodyUnsubscribed(),  # type: ignore[arg-type]
        templates=EmailTemplates(),
        links=LinkSettings(
            intake_url="https://intake.test",
            forum_url="https://forum.test",
            notify_url="https://notify.test",
            secret="a-test-secret-that-is-long-enough-for-production",
            id_domain="digitalwell.example",
            booking_link_grace_hours=GRACE_HOURS,
            unsubscribe_link_days=UNSUBSCRIBE_DAYS,
        ),
    )


def booking_event(event_type: type[IntegrationEvent], ends_at: datetime, **fields: Any) -> Any:
    return event_type.model_validate(
        {
            "booking_id": "bkg_0123456789",
            "session_id": "ses_1",
            "attendee": {"name": "Bo Ek", "email": "bo@example.org", "language": "en"},
            "session": {
                "kind": "breakfast_meeting",
                "title": "Frukostmöte",
                "starts_at": ends_at - timedelta(hours=2),
                "ends_at": ends_at,
                "location": "Karlstad",
            },
            **fields,
        }
    )


def expiries(text: str) -> dict[str, datetime]:
    """Each link kind in ``text`` and when its token says it expires."""
    return {
        kind.split("/")[0]: datetime.fromtimestamp(int(expiry), UTC)
        for kind, expiry in _TOKEN.findall(text)
    }


async def test_a_seat_offers_links_expire_the_grace_after_the_session_ends() -> None:
    ends_at = datetime(2027, 2, 3, 11, 0, tzinfo=UTC)
    now = datetime.now(UTC)
    offered = booking_event(
        ForumSeatOffered, ends_at, offered_at=now, offer_expires_at=now + timedelta(days=2)
    )
    emails = FakeEmails()

    await composer(emails).booking_events(
        [(offered, Envelope.for_event(offered, source="forum"))],
        None,  # type: ignore[arg-type]
    )

    (email,) = emails.queued
    assert expiries(email["text"]) == {
        "cancel": ends_at + timedelta(hours=GRACE_HOURS),
        "accept": ends_at + timedelta(hours=GRACE_HOURS),
    }


async def test_a_reminders_unsubscribe_link_expires_the_set_days_after_it_was_written() -> None:
    ends_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    reminder = booking_event(ForumReminderDue, ends_at, due_at=datetime.now(UTC))
    emails = FakeEmails()

    await composer(emails).booking_events(
        [(reminder, Envelope.for_event(reminder, source="forum"))],
        None,  # type: ignore[arg-type]
    )

    (email,) = emails.queued
    unsubscribe_expiry = expiries(email["unsubscribe_url"])["unsubscribe"]
    written = email["created_at"].replace(microsecond=0)
    assert unsubscribe_expiry == written + timedelta(days=UNSUBSCRIBE_DAYS)
    assert expiries(email["text"])["cancel"] == ends_at + timedelta(hours=GRACE_HOURS)
