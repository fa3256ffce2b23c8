"""Delivering due e-mails (delivery.Deliverer) against in-memory fakes: each outcome recorded
with its event, unsubscribed recipients spared, retries pulled forward when the relay is back."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from digitalwell_notify.delivery import Deliverer, RelayWatch
from digitalwell_notify.domain import DeliveryStatus, RetryPolicy
from digitalwell_notify.records import Email
from digitalwell_notify.smtp import DeliveryError
from digitalwell_shared.contracts import EmailFailed, EmailSent
from tests.unit.notify.fakes import FakeEmailStore, FakeNotify

FROM = "DigitalWell <noreply@digitalwell.example>"


def due_email(notify: FakeNotify, number: int, **fields: object) -> Email:
    return Email.model_validate(
        {
            "id": f"{number:032x}",
            "message_id": f"<{number:032x}@dw.example>",
            "event_id": f"event-{number}",
            "correlation_id": f"correlation-{number}",
            "template": "booking_confirmed",
            "recipient": f"person{number}@example.org",
            "subject": "Bokningsbekräftelse",
            "text": "Hej!",
            "html": "<p>Hej!</p>",
            "created_at": notify.clock.now - timedelta(minutes=1),
            "next_attempt_at": notify.clock.now,
            **fields,
        }
    )


class Relay:
    """An SMTP relay that takes messages, or is away."""

    def __init__(self) -> None:
        self.away = False
        self.received: list[str] = []

    async def send(self, message: EmailMessage) -> str:
        if self.away:
            raise DeliveryError("connection refused", permanent=False, relay_down=True)
        self.received.append(str(message["To"].addresses[0].addr_spec))
        return "250 OK"


def deliverer(notify: FakeNotify, relay: Relay) -> Deliverer:
    return Deliverer(
        notify.emails,
        notify.preferences,
        relay.send,
        RetryPolicy(base_seconds=60, max_interval_seconds=600, give_up_after_seconds=3600),
        mail_from=FROM,
        committer=notify.committer,
        clock=notify.clock,
        batch_size=10,
        concurrency=2,
        relay=RelayWatch(None, every_seconds=5),
    )


async def test_a_due_email_is_sent_recorded_and_announced() -> None:
    notify = FakeNotify()
    notify.emails = FakeEmailStore([due_email(notify, 1)])
    relay = Relay()

    due = await deliverer(notify, relay).deliver_due()

    sent = notify.emails.emails[f"{1:032x}"]
    assert due == 1
    assert relay.received == ["person1@example.org"]
    assert sent.status is DeliveryStatus.SENT
    assert sent.sent_at == notify.clock.now
    assert [(a.outcome, a.detail) for a in sent.attempts] == [("sent", "250 OK")]
    (announced,) = notify.committer.events
    assert isinstance(announced, EmailSent)
    assert (announced.email_id, announced.attempts) == (sent.id, 1)
    ((_, envelope),) = notify.committer.committed[0]
    assert envelope.correlation_id == "correlation-1"
    assert envelope.causation_id == "event-1"
    assert await deliverer(notify, relay).deliver_due() == 0  # nothing is due twice


async def test_a_reminder_to_someone_who_unsubscribed_since_is_suppressed_not_sent() -> None:
    notify = FakeNotify()
    notify.emails = FakeEmailStore([due_email(notify, 1, category="reminders")])
    await notify.preferences.unsubscribe("person1@example.org", "reminders", notify.clock())
    relay = Relay()

    await deliverer(notify, relay).deliver_due()

    suppressed = notify.emails.emails[f"{1:032x}"]
    assert relay.received == []
    assert suppressed.status is DeliveryStatus.SUPPRESSED
    assert [a.outcome for a in suppressed.attempts] == ["suppressed"]
    assert notify.committer.events == []


async def test_emails_that_waited_for_an_absent_relay_are_due_once_a_send_goes_through() -> None:
    notify = FakeNotify()
    notify.emails = FakeEmailStore([due_email(notify, 1), due_email(notify, 2)])
    relay = Relay()
    relay.away = True
    sender = deliverer(notify, relay)

    await sender.deliver_due()
    waiting = notify.emails.emails[f"{1:032x}"]
    relay.away = False
    notify.emails.emails[f"{3:032x}"] = due_email(notify, 3)
    await sender.deliver_due()  # e-mail 3 goes through: the relay is back
    pulled = notify.emails.emails[f"{1:032x}"]

    assert waiting.status is DeliveryStatus.PENDING
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at >= notify.clock.now + timedelta(seconds=30)
    assert notify.emails.emails[f"{3:032x}"].status is DeliveryStatus.SENT
    assert pulled.next_attempt_at == notify.clock.now  # due now, not after its back-off
    assert await sender.deliver_due() == 2
    assert sorted(relay.received) == [f"person{n}@example.org" for n in (1, 2, 3)]


async def test_an_email_fails_for_good_once_its_retry_window_is_over() -> None:
    notify = FakeNotify()
    old = notify.clock.now - timedelta(hours=2)
    notify.emails = FakeEmailStore([due_email(notify, 1, created_at=old)])
    relay = Relay()
    relay.away = True

    await deliverer(notify, relay).deliver_due()

    failed = notify.emails.emails[f"{1:032x}"]
    assert failed.status is DeliveryStatus.FAILED
    (announced,) = notify.committer.events
    assert isinstance(announced, EmailFailed)
    assert not announced.permanent
