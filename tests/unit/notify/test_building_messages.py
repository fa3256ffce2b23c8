"""Building a message from a stored e-mail: names encoded by the email package, never pasted,
and one e-mail that cannot be built failing alone in its batch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtplib.email import flatten_message

from digitalwell_notify.delivery import Deliverer
from digitalwell_notify.domain import DeliveryStatus, RetryPolicy
from digitalwell_notify.records import Email
from digitalwell_notify.smtp import DeliveryError, UnbuildableMessageError, build_message
from digitalwell_shared.contracts import EmailFailed, EmailSent
from tests.support.committing import FakeCommitter
from tests.unit.notify.fakes import FakeEmailStore, FakePreferenceStore

FROM = "DigitalWell <noreply@digitalwell.example>"


def stored_email(number: int = 1, **fields: Any) -> Email:
    key = f"{number:032x}"
    return Email.model_validate(
        {
            "id": key,
            "message_id": f"<{key}@digitalwell.example>",
            "event_id": f"event-{number}",
            "correlation_id": f"correlation-{number}",
            "template": "booking_confirmed",
            "recipient": f"person{number}@example.org",
            "recipient_name": "Åsa Öberg",
            "subject": "Bokningsbekräftelse",
            "text": "Hej!",
            "html": "<p>Hej!</p>",
            "created_at": datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
            **fields,
        }
    )


def parsed(message: EmailMessage) -> EmailMessage:
    """The message as a receiving mail server reads it from the wire."""
    read = message_from_bytes(flatten_message(message), policy=policy.default)
    assert isinstance(read, EmailMessage)
    return read


@pytest.mark.parametrize(
    "name",
    ['Åsa "Bosse" Öberg', "Öberg, Åsa", "Eve <eve@example.net>", "Bo; Ek (AB)", "李小龍"],
)
def test_a_display_name_arrives_as_written_and_adds_no_recipient(name: str) -> None:
    received = parsed(build_message(stored_email(recipient_name=name), FROM))

    (address,) = received["To"].addresses
    assert address.display_name == name
    assert address.addr_spec == "person1@example.org"


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("recipient_name", "Eve\r\nBcc: x@example.net", "recipient's name"),
        ("recipient_name", "Eve\nBcc: x@example.net", "recipient's name"),
        ("recipient_name", "Eve\x00", "recipient's name"),
        ("subject", "Hej\r\nBcc: x@example.net", "subject"),
        ("subject", "Hej\x85då", "subject"),
        ("recipient", "x@example.net\r\nBcc: y@example.net", "recipient"),
    ],
)
def test_a_stored_header_value_with_a_line_break_is_refused_naming_its_field(
    field: str, value: str, named: str
) -> None:
    with pytest.raises(UnbuildableMessageError) as refused:
        build_message(stored_email(**{field: value}), FROM)

    assert f"the {named} holds a line break" in str(refused.value)
    assert "x@example.net" not in str(refused.value)


def test_a_broken_address_is_refused_as_unbuildable() -> None:
    with pytest.raises(UnbuildableMessageError, match="address is not valid"):
        build_message(stored_email(recipient="not an address"), FROM)


def deliverer(
    emails: FakeEmailStore, send: Callable[[EmailMessage], Awaitable[str]], committer: FakeCommitter
) -> Deliverer:
    return Deliverer(
        emails,
        FakePreferenceStore(),
        send,
        RetryPolicy(base_seconds=1, max_interval_seconds=10, give_up_after_seconds=60),
        mail_from=FROM,
        committer=committer,
        batch_size=10,
        concurrency=2,
    )


async def test_one_unbuildable_and_one_refused_email_fail_alone_and_the_rest_are_sent() -> None:
    unbuildable = stored_email(2, recipient_name="Eve\r\nBcc: x@example.net")
    refused = stored_email(3, recipient="refused@example.org")
    broken_send = stored_email(4, recipient="crash@example.org", created_at=datetime.now(UTC))
    batch = [stored_email(1), unbuildable, refused, broken_send, stored_email(5)]
    emails, committer, sent_to = FakeEmailStore(batch), FakeCommitter(), []

    async def send(message: EmailMessage) -> str:
        to = str(message["To"].addresses[0].addr_spec)
        if to == "refused@example.org":
            raise DeliveryError("550 5.1.1 <refused@example.org>: no such user", permanent=True)
        if to == "crash@example.org":
            raise RuntimeError("a bug in the transport")
        sent_to.append(to)
        return "250 OK"

    due = await deliverer(emails, send, committer).deliver_due()

    outcome = emails.emails
    announced = committer.events
    assert due == len(batch)
    assert sorted(sent_to) == ["person1@example.org", "person5@example.org"]
    assert all(len(email.attempts) == 1 for email in outcome.values())
    assert outcome[unbuildable.id].status is DeliveryStatus.FAILED
    assert "recipient's name holds a line break" in outcome[unbuildable.id].attempts[0].detail
    assert outcome[refused.id].status is DeliveryStatus.FAILED
    # An unexpected error is retried like an outage, not given up on.
    assert outcome[broken_send.id].status is DeliveryStatus.PENDING
    assert outcome[broken_send.id].next_attempt_at is not None
    failures = {event.email_id: event for event in announced if isinstance(event, EmailFailed)}
    assert set(failures) == {unbuildable.id, refused.id}
    assert "refused@example.org" not in failures[refused.id].reason
    assert sum(isinstance(event, EmailSent) for event in announced) == 2
