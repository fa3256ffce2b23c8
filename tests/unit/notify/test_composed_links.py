"""The links notify writes into e-mails expire when their settings say: unit tests with fakes."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.usecases import EmailComposer, LinkSettings
from digitalwell_shared.contracts import (
    ApplicationWithdrawn,
    ForumReminderDue,
    ForumSeatOffered,
    IntegrationEvent,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import BOOK_WORKSHOP, LinkCheck, check_link_token
from digitalwell_shared.mongo import Document
from tests.support.events import grant_decided

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


class OneApplicant:
    """notify's view of the one applicant these tests write to."""

    async def get(self, application_ids: Sequence[str], _session: object) -> dict[str, Document]:
        return {
            application_id: {
                "_id": application_id,
                "recipient": "asa@example.org",
                "recipient_name": "Åsa Öberg",
                "language": "en",
                "title": "Dosett",
                "organisation_name": "Omsorgsteknik AB",
                "case_number": "DW-2026-0042",
            }
            for application_id in application_ids
        }


def composer(emails: FakeEmails) -> EmailComposer:
    return EmailComposer(
        emails,  # type: ignore[arg-type]
        applicants=OneApplicant(),  # type: ignore[arg-type]
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


_WORKSHOP_LINK = re.compile(r"https://forum\.test/workshops/(\w+)\?[^\s\"<>]+")


async def test_a_workshop_grants_letter_links_to_booking_it_for_a_year() -> None:
    decided_at = datetime(2026, 12, 15, 14, 0, tzinfo=UTC)
    workshop = grant_decided("app_0123456789abcdef", decided_at=decided_at)
    coaching = grant_decided("app_0123456789abcdee", kinds=("coaching",), decided_at=decided_at)
    rejected = grant_decided("app_0123456789abcded", decision="rejected", decided_at=decided_at)
    emails = FakeEmails()

    await composer(emails).grants_decided(
        [(e, Envelope.for_event(e, source="council")) for e in (workshop, coaching, rejected)],
        None,  # type: ignore[arg-type]
    )

    letter, coaching_letter, rejection = emails.queued
    found = _WORKSHOP_LINK.search(letter["text"])
    assert found is not None
    assert found.group(1) == workshop.application_id
    query = parse_qs(urlsplit(found.group(0)).query)
    assert query["lang"] == ["en"]
    secret = "a-test-secret-that-is-long-enough-for-production"
    token = query["token"][0]
    a_year_on = decided_at + timedelta(days=365)
    for moment, expected in (
        (a_year_on - timedelta(seconds=1), LinkCheck.VALID),
        (a_year_on, LinkCheck.EXPIRED),
    ):
        check = check_link_token(secret, BOOK_WORKSHOP, workshop.application_id, token, now=moment)
        assert check is expected
    assert found.group(0).replace("&", "&amp;") in letter["html"]
    assert "/workshops/" not in coaching_letter["text"]  # no workshop granted, no link
    assert "https://forum.test/?lang=en" in rejection["text"]
    assert "/workshops/" not in rejection["text"]


async def test_a_withdrawal_is_confirmed_with_its_case_number() -> None:
    withdrawn = ApplicationWithdrawn(
        application_id="app_0123456789abcdef",
        withdrawn_at=datetime(2026, 12, 1, 16, 45, tzinfo=UTC),
        reason="",
        case_number="DW-2026-0042",
    )
    emails = FakeEmails()

    await composer(emails).applications_withdrawn(
        [(withdrawn, Envelope.for_event(withdrawn, source="intake"))],
        None,  # type: ignore[arg-type]
    )

    (email,) = emails.queued
    assert email["template"] == "application_withdrawn"
    assert email["recipient"] == "asa@example.org"
    assert email["subject"] == "Your application is withdrawn: DW-2026-0042"
    assert "Case number: DW-2026-0042" in email["text"]
    assert "Your reason" not in email["text"]
