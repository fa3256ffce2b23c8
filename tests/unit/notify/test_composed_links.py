"""The links notify writes into e-mails expire when their settings say: unit tests with fakes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from digitalwell_notify import usecases
from digitalwell_notify.composing import LinkSettings
from digitalwell_notify.records import Applicant
from digitalwell_shared.contracts import (
    ApplicationWithdrawn,
    ForumReminderDue,
    ForumSeatOffered,
    IntegrationEvent,
    Language,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import BOOK_WORKSHOP, LinkCheck, check_link_token
from tests.support.committing import FAKE_TRANSACTION, FixedClock
from tests.support.events import grant_decided
from tests.unit.notify.fakes import FakeApplicantStore, FakeNotify

GRACE_HOURS = 6
UNSUBSCRIBE_DAYS = 30
_TOKEN = re.compile(r"/(cancel|accept|unsubscribe/\w+)\?token=v2\.(\d+)\.")


SECRET = "a-test-secret-that-is-long-enough-for-production"
APPLICANT = Applicant(
    application_id="app_0123456789abcdef",
    recipient="asa@example.org",
    recipient_name="Åsa Öberg",
    language=Language.EN,
    title="Dosett",
    organisation_name="Omsorgsteknik AB",
    case_number="DW-2026-0042",
)


def notify(*application_ids: str) -> FakeNotify:
    """notify on fakes, knowing the one applicant these tests write to under these ids."""
    applicants = [APPLICANT.model_copy(update={"application_id": key}) for key in application_ids]
    return FakeNotify(
        applicants=FakeApplicantStore(applicants),
        clock=FixedClock(datetime.now(UTC)),
        links=LinkSettings(
            intake_url="https://intake.test",
            forum_url="https://forum.test",
            notify_url="https://notify.test",
            secret=SECRET,
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
    (email,) = await usecases.booking_events(
        notify().deps, [(offered, Envelope.for_event(offered, source="forum"))], FAKE_TRANSACTION
    )

    assert expiries(email.text) == {
        "cancel": ends_at + timedelta(hours=GRACE_HOURS),
        "accept": ends_at + timedelta(hours=GRACE_HOURS),
    }


async def test_a_reminders_unsubscribe_link_expires_the_set_days_after_it_was_written() -> None:
    ends_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    reminder = booking_event(ForumReminderDue, ends_at, due_at=datetime.now(UTC))
    (email,) = await usecases.booking_events(
        notify().deps, [(reminder, Envelope.for_event(reminder, source="forum"))], FAKE_TRANSACTION
    )

    assert email.unsubscribe_url is not None
    unsubscribe_expiry = expiries(email.unsubscribe_url)["unsubscribe"]
    written = email.created_at.replace(microsecond=0)
    assert unsubscribe_expiry == written + timedelta(days=UNSUBSCRIBE_DAYS)
    assert expiries(email.text)["cancel"] == ends_at + timedelta(hours=GRACE_HOURS)


_WORKSHOP_LINK = re.compile(r"https://forum\.test/workshops/(\w+)\?[^\s\"<>]+")


async def test_a_workshop_grants_letter_links_to_booking_it_for_a_year() -> None:
    decided_at = datetime(2026, 12, 15, 14, 0, tzinfo=UTC)
    workshop = grant_decided("app_0123456789abcdef", decided_at=decided_at)
    coaching = grant_decided("app_0123456789abcdee", kinds=("coaching",), decided_at=decided_at)
    rejected = grant_decided("app_0123456789abcded", decision="rejected", decided_at=decided_at)
    decided = (workshop, coaching, rejected)

    letter, coaching_letter, rejection = await usecases.grants_decided(
        notify(*(e.application_id for e in decided)).deps,
        [(e, Envelope.for_event(e, source="council")) for e in decided],
        FAKE_TRANSACTION,
    )

    found = _WORKSHOP_LINK.search(letter.text)
    assert found is not None
    assert found.group(1) == workshop.application_id
    query = parse_qs(urlsplit(found.group(0)).query)
    assert query["lang"] == ["en"]
    secret = SECRET
    token = query["token"][0]
    a_year_on = decided_at + timedelta(days=365)
    for moment, expected in (
        (a_year_on - timedelta(seconds=1), LinkCheck.VALID),
        (a_year_on, LinkCheck.EXPIRED),
    ):
        check = check_link_token(secret, BOOK_WORKSHOP, workshop.application_id, token, now=moment)
        assert check is expected
    assert found.group(0).replace("&", "&amp;") in letter.html
    assert "/workshops/" not in coaching_letter.text  # no workshop granted, no link
    assert "https://forum.test/?lang=en" in rejection.text
    assert "/workshops/" not in rejection.text


async def test_a_withdrawal_is_confirmed_with_its_case_number() -> None:
    withdrawn = ApplicationWithdrawn(
        application_id="app_0123456789abcdef",
        withdrawn_at=datetime(2026, 12, 1, 16, 45, tzinfo=UTC),
        reason="",
        case_number="DW-2026-0042",
    )
    (email,) = await usecases.applications_withdrawn(
        notify(withdrawn.application_id).deps,
        [(withdrawn, Envelope.for_event(withdrawn, source="intake"))],
        FAKE_TRANSACTION,
    )

    assert email.template == "application_withdrawn"
    assert email.recipient == "asa@example.org"
    assert email.subject == "Your application is withdrawn: DW-2026-0042"
    assert "Case number: DW-2026-0042" in email.text
    assert "Your reason" not in email.text
