"""notify turns every event into its e-mail and delivers it once, through outages and refusals."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from pymongo import AsyncMongoClient

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.smtp_sink import BackgroundMailSink, MailSink
from digitalwell_shared.contracts import (
    ApplicationWithdrawn,
    EmailFailed,
    EmailSent,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    IntegrationEvent,
    Language,
    dead_letter_topic,
)
from tests.support.events import application_submitted, grant_decided
from tests.support.kafka import collect, headers_of, publish_event
from tests.support.mail import MailSinkClient, sent_to
from tests.support.notify import running_notify
from tests.support.smtp import refusing_smtp_server
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration


# Short back-offs, so a retried e-mail goes out within the test.
FAST_RETRIES: dict[str, Any] = {"retry_base_seconds": 0.2, "retry_max_interval_seconds": 1}


def booking(event_type: type[IntegrationEvent], email: str, **fields: Any) -> Any:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    return event_type.model_validate(
        {
            "booking_id": f"bkg_{uuid.uuid4().hex[:10]}",
            "session_id": "ses_1",
            "attendee": {"name": "Bo Ek", "email": email, "language": "en"},
            "session": {
                "kind": "breakfast_meeting",
                "title": "Frukostmöte: AI i hemtjänsten",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "location": "Karlstad, Hööksgatan 1",
            },
            **fields,
        }
    )


def _address() -> str:
    return f"person.{uuid.uuid4().hex[:10]}@example.org"


async def _template_of(mail: MailSinkClient, email: str) -> tuple[dict[str, Any], str]:
    message = await mail.wait_for_message(sent_to(email), query=f"to:{email}", timeout=60)
    headers = await mail.headers(message["ID"])
    return message, headers["X-Digitalwell-Template"][0]


async def test_every_event_becomes_its_email(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    now = datetime.now(UTC)
    cases: list[tuple[Callable[[str], IntegrationEvent], str]] = [
        (lambda e: booking(ForumBooked, e, booked_at=now), "booking_confirmed"),
        (
            lambda e: booking(ForumBookingWaitlisted, e, position=2, waitlisted_at=now),
            "booking_waitlisted",
        ),
        (
            lambda e: booking(
                ForumSeatOffered, e, offered_at=now, offer_expires_at=now + timedelta(days=2)
            ),
            "seat_offered",
        ),
        (lambda e: booking(ForumBookingCancelled, e, cancelled_at=now), "booking_cancelled"),
        (
            lambda e: booking(
                ForumBookingCancelled, e, cancelled_at=now, reason="session_cancelled", note="Sjuk."
            ),
            "session_cancelled",
        ),
        (lambda e: booking(ForumReminderDue, e, due_at=now), "session_reminder"),
    ]
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        **FAST_RETRIES,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
    ):
        addresses = [_address() for _ in cases]
        for (make, _), address in zip(cases, addresses, strict=True):
            await publish_event(kafka_bootstrap_servers, make(address))
        found = [await _template_of(mail_sink, address) for address in addresses]

    assert [template for _, template in found] == [template for _, template in cases]
    confirmation, _ = found[0]
    (attachment,) = confirmation["Attachments"]
    assert attachment["ContentType"].startswith("text/calendar")
    calendar = Calendar.from_ical(await mail_sink.part(confirmation["ID"], attachment["PartID"]))
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Frukostmöte: AI i hemtjänsten"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Stockholm"
    reminder, _ = found[-1]
    reminder_headers = await mail_sink.headers(reminder["ID"])
    confirmation_headers = await mail_sink.headers(confirmation["ID"])
    assert reminder_headers["List-Unsubscribe-Post"] == ["List-Unsubscribe=One-Click"]
    assert "List-Unsubscribe" not in confirmation_headers


async def test_a_decision_letter_reaches_the_applicant_even_when_read_before_the_submission(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    submitted = application_submitted(language=Language.EN)
    decided = grant_decided(submitted.application_id)
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        **FAST_RETRIES,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
    ):
        # Topics are not ordered against each other: the decision may well be read first.
        await publish_event(kafka_bootstrap_servers, decided)
        await publish_event(kafka_bootstrap_servers, submitted)
        address = str(submitted.contact.email)
        await until_true(lambda: _count_at(mail_sink, address, 2), seconds=60)
        messages = await mail_sink.search(f"to:{address}")

        by_template = {
            (await mail_sink.headers(m["ID"]))["X-Digitalwell-Template"][0]: m for m in messages
        }
        letter = await mail_sink.message(by_template["decision_granted"]["ID"])

    assert set(by_template) == {"application_received", "decision_granted"}
    assert "Note on innovation_forum." in letter["Text"]
    assert submitted.application_id in letter["Text"]


async def test_a_withdrawal_is_confirmed_even_when_read_before_the_submission(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    submitted = application_submitted(language=Language.SV)
    withdrawn = ApplicationWithdrawn(
        application_id=submitted.application_id,
        withdrawn_at=datetime.now(UTC),
        reason="Vi har fått annan finansiering.",
        case_number=submitted.case_number,
    )
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        **FAST_RETRIES,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
    ):
        await publish_event(kafka_bootstrap_servers, withdrawn)
        await publish_event(kafka_bootstrap_servers, submitted)
        address = str(submitted.contact.email)
        await until_true(lambda: _count_at(mail_sink, address, 2), seconds=60)
        messages = await mail_sink.search(f"to:{address}")
        by_template = {
            (await mail_sink.headers(m["ID"]))["X-Digitalwell-Template"][0]: m for m in messages
        }
        confirmation = await mail_sink.message(by_template["application_withdrawn"]["ID"])

    assert set(by_template) == {"application_received", "application_withdrawn"}
    assert confirmation["Subject"] == f"Din ansökan är återkallad: {submitted.case_number}"
    assert f"Diarienummer: {submitted.case_number}" in confirmation["Text"]
    assert "Ditt skäl: Vi har fått annan finansiering." in confirmation["Text"]


async def _count_at(mail: MailSinkClient, address: str, count: int) -> bool:
    return len(await mail.search(f"to:{address}")) >= count


async def test_an_smtp_outage_delays_every_email_and_loses_none(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    port = free_port("127.0.0.1")  # nothing listens here yet: connections are refused
    addresses = [_address() for _ in range(5)]
    now = datetime.now(UTC)
    async with running_notify(
        kafka_bootstrap_servers, mongodb_url, **FAST_RETRIES, smtp_host="127.0.0.1", smtp_port=port
    ) as notify:
        for address in addresses:
            await publish_event(
                kafka_bootstrap_servers, booking(ForumBooked, address, booked_at=now)
            )
        database = AsyncMongoClient(mongodb_url)[notify.settings.mongodb_database]
        await until_true(lambda: _all_tried(database, len(addresses)), seconds=60)

        with BackgroundMailSink(MailSink(smtp_port=port, http_port=0)) as sink:
            mail = MailSinkClient(sink.host, sink.smtp_port, sink.api_url)
            for address in addresses:
                await mail.wait_for_message(sent_to(address), query=f"to:{address}", timeout=60)

            async def all_recorded() -> bool:
                # The delivery log: once no e-mail is pending, no copy can follow.
                return await database["emails"].count_documents({"status": "pending"}) == 0

            await until_true(all_recorded, seconds=60)
            received = [len(await mail.search(f"to:{address}")) for address in addresses]
        stored = [e async for e in database["emails"].find()]

    assert received == [1] * len(addresses)
    assert [e["status"] for e in stored] == ["sent"] * len(addresses)
    assert [[a["outcome"] for a in e["attempts"]].count("sent") for e in stored] == [1] * len(
        addresses
    )


async def _all_tried(database: Any, count: int) -> bool:
    tried = await database["emails"].count_documents({"attempts.outcome": "failed"})
    return tried >= count


async def test_a_permanent_refusal_is_marked_failed_at_once_and_announced(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    address = _address()
    async with (
        refusing_smtp_server() as port,
        running_notify(
            kafka_bootstrap_servers,
            mongodb_url,
            **FAST_RETRIES,
            smtp_host="127.0.0.1",
            smtp_port=port,
        ) as notify,
    ):
        envelope = await publish_event(
            kafka_bootstrap_servers, booking(ForumBooked, address, booked_at=datetime.now(UTC))
        )
        database = AsyncMongoClient(mongodb_url)[notify.settings.mongodb_database]
        await until_true(lambda: _status_is(database, "failed"), seconds=60)
        (email,) = [e async for e in database["emails"].find()]
        announced = await collect(
            kafka_bootstrap_servers,
            EmailFailed.topic,
            matching=lambda record: record.key == email["_id"].encode(),
            count=1,
        )

    assert len(email["attempts"]) == 1
    assert "550" in email["attempts"][0]["detail"]
    failed = EmailFailed.model_validate_json(announced[0].value)
    assert failed.permanent
    assert failed.cause_event_id == envelope.id
    assert headers_of(announced[0])["ce_causationid"] == envelope.id
    assert address not in announced[0].value.decode()


async def _status_is(database: Any, status: str) -> bool:
    return await database["emails"].find_one({"status": status}) is not None


async def test_a_sent_email_is_announced(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    address = _address()
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        **FAST_RETRIES,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
    ):
        event = booking(ForumBooked, address, booked_at=datetime.now(UTC))
        envelope = await publish_event(kafka_bootstrap_servers, event)
        announced = await collect(
            kafka_bootstrap_servers,
            EmailSent.topic,
            matching=lambda record: (
                EmailSent.model_validate_json(record.value).cause_event_id == envelope.id
            ),
            count=1,
        )

    sent = EmailSent.model_validate_json(announced[0].value)
    assert sent.template == "booking_confirmed"
    assert sent.booking_id == event.booking_id
    assert sent.attempts == 1


async def test_an_event_without_a_template_goes_to_the_dead_letter_topic_and_the_next_is_sent(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(resources.files("digitalwell_notify") / "templates", templates)
    for missing in (templates / "email").glob("booking_waitlisted.*"):
        missing.unlink()
    now = datetime.now(UTC)
    orphan = booking(ForumBookingWaitlisted, _address(), position=1, waitlisted_at=now)
    fine_address = _address()
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        **FAST_RETRIES,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
        templates_dir=templates,
    ):
        envelope = await publish_event(kafka_bootstrap_servers, orphan)
        await publish_event(
            kafka_bootstrap_servers, booking(ForumBooked, fine_address, booked_at=now)
        )
        await mail_sink.wait_for_message(sent_to(fine_address), query=f"to:{fine_address}")
        dead = await collect(
            kafka_bootstrap_servers,
            dead_letter_topic(ForumBookingWaitlisted.topic),
            matching=lambda record: headers_of(record)["ce_id"] == envelope.id,
            count=1,
        )

    assert headers_of(dead[0])["dlq_error_type"] == "UnknownTemplateError"
    assert headers_of(dead[0])["dlq_attempts"] == "1"
