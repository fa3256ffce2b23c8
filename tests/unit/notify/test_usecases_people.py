"""notify's use cases for staff (the delivery log, resend) and recipients (unsubscribing),
against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from digitalwell_notify import usecases
from digitalwell_notify.domain import DeliveryStatus, LogAccess, unsubscribe_url
from digitalwell_notify.records import DeliveryAttempt, Email
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.staff import Role
from tests.unit.notify.fakes import FakeEmailStore, FakeNotify

ADMIN = LogAccess.of([Role.ADMINISTRATOR])
OFFICER = LogAccess.of([Role.INTAKE_OFFICER])


def email(number: int, notify: FakeNotify, **fields: Any) -> Email:
    return Email.model_validate(
        {
            "id": f"{number:032x}",
            "message_id": f"<{number:032x}@dw.example>",
            "event_id": f"event-{number}",
            "template": "booking_confirmed",
            "recipient": f"person{number}@example.org",
            "subject": "Bokningsbekräftelse",
            "text": "Hej!",
            "html": "<p>Hej!</p>",
            "created_at": notify.clock.now - timedelta(hours=number),
            **fields,
        }
    )


def with_emails(*make: tuple[int, dict[str, Any]]) -> FakeNotify:
    notify = FakeNotify()
    notify.emails = FakeEmailStore([email(number, notify, **fields) for number, fields in make])
    return notify


async def test_the_delivery_log_shows_an_officer_only_application_emails_newest_first() -> None:
    notify = with_emails(
        (1, {"template": "application_received"}),
        (2, {"template": "booking_confirmed"}),
        (3, {"template": "decision_granted", "status": "failed"}),
    )

    officers = await usecases.delivery_log(notify.deps, OFFICER)
    failed = await usecases.delivery_log(notify.deps, ADMIN, status=DeliveryStatus.FAILED)
    bookings = await usecases.delivery_log(notify.deps, OFFICER, template="booking_confirmed")

    assert [e.template for e in officers] == ["application_received", "decision_granted"]
    assert [e.template for e in failed] == ["decision_granted"]
    assert bookings == []


async def test_another_areas_email_is_not_found() -> None:
    notify = with_emails((1, {"template": "booking_confirmed"}))

    found = await usecases.get_email(notify.deps, f"{1:032x}", ADMIN)
    with pytest.raises(usecases.EmailNotFoundError):
        await usecases.get_email(notify.deps, f"{1:032x}", OFFICER)
    with pytest.raises(usecases.EmailNotFoundError):
        await usecases.get_email(notify.deps, "no-such-email", ADMIN)

    assert found.recipient == "person1@example.org"


async def test_a_failed_email_is_queued_again_due_now_keeping_its_attempts() -> None:
    tried = DeliveryAttempt(at=FakeNotify().clock.now, outcome="failed", detail="550 no")
    notify = with_emails((1, {"status": "failed", "attempts": [tried]}))

    resent = await usecases.resend_email(notify.deps, f"{1:032x}", ADMIN)

    assert resent.status is DeliveryStatus.PENDING
    assert resent.next_attempt_at == resent.resent_at == notify.clock.now
    assert resent.attempts == (tried,)
    assert notify.emails.emails[resent.id] == resent
    assert notify.woken == 1  # the delivery worker need not wait for its next look


async def test_only_a_failed_email_of_ones_own_area_is_sent_again() -> None:
    notify = with_emails((1, {"status": "sent"}), (2, {"status": "failed"}))

    with pytest.raises(usecases.EmailNotFailedError) as refused:
        await usecases.resend_email(notify.deps, f"{1:032x}", ADMIN)
    with pytest.raises(usecases.EmailNotFoundError):
        await usecases.resend_email(notify.deps, f"{2:032x}", OFFICER)

    assert refused.value.status is DeliveryStatus.SENT
    assert notify.emails.emails[f"{2:032x}"].status is DeliveryStatus.FAILED
    assert notify.woken == 0


async def test_unsubscribing_and_back_through_a_reminder() -> None:
    notify = with_emails((1, {"template": "session_reminder", "category": "reminders"}))
    email_id = f"{1:032x}"

    before = await usecases.subscription(notify.deps, email_id)
    left = await usecases.unsubscribe(notify.deps, email_id)
    first_time = notify.preferences.unsubscribed_at[("person1@example.org", "reminders")]
    notify.clock.advance(timedelta(days=1))
    await usecases.unsubscribe(notify.deps, email_id)  # the link used twice
    after = await usecases.subscription(notify.deps, email_id)
    again = notify.preferences.unsubscribed_at[("person1@example.org", "reminders")]
    back = await usecases.resubscribe(notify.deps, email_id)

    assert (before.unsubscribed, left.unsubscribed, after.unsubscribed) == (False, True, True)
    assert before.category == "reminders"
    assert again == first_time  # again changes nothing, not even the time
    assert not back.unsubscribed
    assert not await notify.preferences.unsubscribed("person1@example.org", "reminders")


async def test_an_essential_or_unknown_email_has_nothing_to_unsubscribe_from() -> None:
    notify = with_emails((1, {"template": "booking_confirmed"}))

    with pytest.raises(usecases.NotUnsubscribableError):
        await usecases.unsubscribe(notify.deps, f"{1:032x}")
    with pytest.raises(usecases.EmailNotFoundError):
        await usecases.subscription(notify.deps, "no-such-email")

    assert notify.preferences.unsubscribed_at == {}


def token_of(notify: FakeNotify, email_id: str, expires_at: datetime) -> str:
    url = unsubscribe_url(
        notify.links.notify_url, notify.links.secret, email_id, expires_at=expires_at
    )
    return parse_qs(urlsplit(url).query)["token"][0]


async def test_an_unsubscribe_link_works_until_it_expires_and_only_for_its_email() -> None:
    notify = with_emails((1, {"category": "reminders"}), (2, {"category": "reminders"}))
    first, second = f"{1:032x}", f"{2:032x}"
    later = datetime.now(UTC) + timedelta(days=1)
    earlier = datetime.now(UTC) - timedelta(seconds=1)

    valid = await usecases.unsubscribe_link_check(
        notify.deps, first, token_of(notify, first, later)
    )
    expired = await usecases.unsubscribe_link_check(
        notify.deps, first, token_of(notify, first, earlier)
    )
    others = await usecases.unsubscribe_link_check(
        notify.deps, second, token_of(notify, first, later)
    )
    garbled = await usecases.unsubscribe_link_check(notify.deps, first, "v2.123.abc")

    assert (valid, expired, others, garbled) == (
        LinkCheck.VALID,
        LinkCheck.EXPIRED,
        LinkCheck.INVALID,
        LinkCheck.INVALID,
    )
