"""notify sends the applicant one receipt per application, over real Kafka, MongoDB and SMTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from digitalwell_notify.domain import delivery_key, message_id
from digitalwell_shared.contracts import ApplicationSubmitted, Language
from digitalwell_shared.envelope import Envelope
from tests.support.events import application_submitted
from tests.support.kafka import publish_event
from tests.support.mail import MailSinkClient, sent_to
from tests.support.notify import RunningNotify, running_notify
from tests.support.waiting import until_true


@pytest.fixture
async def notify(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> AsyncIterator[RunningNotify]:
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
        intake_url="http://intake.test",
    ) as running:
        yield running


async def test_a_redelivered_application_gives_one_receipt_with_a_derived_message_id(
    notify: RunningNotify, kafka_bootstrap_servers: str, mail_sink: MailSinkClient
) -> None:
    event = application_submitted(language=Language.SV)
    envelope = Envelope.for_event(event, source="/digitalwell/intake")
    for _ in range(3):
        await publish_event(kafka_bootstrap_servers, event, envelope)

    address = str(event.contact.email)
    receipt = await mail_sink.wait_for_message(sent_to(address), query=f"to:{address}", timeout=60)

    async def redeliveries_skipped() -> bool:
        return notify.consumed(ApplicationSubmitted.topic, "duplicate") >= 2

    await until_true(redeliveries_skipped, seconds=60)
    stored = await notify.emails_to(address)
    everything = await mail_sink.search(f"to:{address}")

    assert [email["status"] for email in stored] == ["sent"]
    assert len(everything) == 1
    assert receipt["Subject"] == f"Vi har tagit emot din ansökan: {event.title}"
    key = delivery_key(envelope.id, address, "application_received")
    assert receipt["MessageID"] == message_id(key, notify.settings.message_id_domain).strip("<>")
    assert f"http://intake.test/applications/{event.application_id}" in receipt["Text"]
    assert event.application_id in receipt["HTML"]


async def test_the_receipt_is_written_in_the_applicants_language(
    notify: RunningNotify, kafka_bootstrap_servers: str, mail_sink: MailSinkClient
) -> None:
    event = application_submitted(language=Language.EN)
    await publish_event(kafka_bootstrap_servers, event)

    address = str(event.contact.email)
    receipt = await mail_sink.wait_for_message(sent_to(address), query=f"to:{address}", timeout=60)

    assert receipt["Subject"] == f"We have received your application: {event.title}"
    assert "Thank you for applying" in receipt["Text"]
