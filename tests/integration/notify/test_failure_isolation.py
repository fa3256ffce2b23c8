"""One e-mail that cannot be built or is refused fails alone; its batch is sent, once each."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI

from digitalwell_shared.contracts import EmailFailed
from digitalwell_shared.mongo import UNCLAIMED, Document
from tests.support.kafka import collect
from tests.support.mail import MailSinkClient
from tests.support.notify import email_document, running_notify
from tests.support.smtp import refusing_smtp_server
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

ROUNDS = "digitalwell_email_delivery_rounds_total"
# A contact name as it could be stored before names were checked: a header of its own inside.
SMUGGLING_NAME = "Eve\r\nBcc: x@example.net"


def _address() -> str:
    return f"person.{uuid.uuid4().hex[:10]}@example.org"


async def _settled(app: FastAPI, emails: list[Document]) -> dict[str, Document]:
    """Wait until no e-mail is pending any more; return them as stored, by id."""
    collection = app.state.runtime.database["emails"]
    ids = [email["_id"] for email in emails]

    async def none_pending() -> bool:
        pending = {"_id": {"$in": ids}, "status": "pending"}
        return await collection.count_documents(pending) == 0

    await until_true(none_pending, seconds=60)
    return {email["_id"]: email async for email in collection.find({"_id": {"$in": ids}})}


async def _more_rounds(app: FastAPI, count: int) -> None:
    """Wait until the delivery worker has looked for due e-mails ``count`` more times."""
    registry = app.state.runtime.registry
    start = registry.get_sample_value(ROUNDS) or 0.0

    async def looked_again() -> bool:
        return (registry.get_sample_value(ROUNDS) or 0.0) >= start + count

    await until_true(looked_again, seconds=30)


async def test_an_unbuildable_email_fails_alone_and_the_rest_of_its_batch_arrives_once(
    kafka_bootstrap_servers: str, mongodb_url: str, mail_sink: MailSinkClient
) -> None:
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        smtp_host=mail_sink.smtp_host,
        smtp_port=mail_sink.smtp_port,
    ) as notify:
        app, settings = notify.app, notify.settings
        good = [email_document(settings, recipient=_address()) for _ in range(4)]
        bad = email_document(settings, recipient=_address(), recipient_name=SMUGGLING_NAME)
        await notify.store([*good[:2], bad, *good[2:]])
        stored = await _settled(app, [*good, bad])
        failed = await collect(
            kafka_bootstrap_servers,
            EmailFailed.topic,
            matching=lambda record: record.key == bad["_id"].encode(),
            count=1,
        )
        # The old fault left the batch claimed and sent it again once the claim ran out:
        # let the worker look a few more times, then count what arrived.
        await _more_rounds(app, 3)
        after = await _settled(app, [*good, bad])
        arrived = [
            [m["MessageID"] for m in await mail_sink.search(f"to:{email['recipient']}")]
            for email in good
        ]
        smuggled = await mail_sink.search("to:x@example.net")

    assert arrived == [[email["message_id"].strip("<>")] for email in good]
    assert smuggled == []
    assert [after[email["_id"]]["status"] for email in good] == ["sent"] * len(good)
    assert all(len(after[email["_id"]]["attempts"]) == 1 for email in good)
    assert all(email["claimed_until"] == UNCLAIMED for email in after.values())
    failed_email = stored[bad["_id"]]
    assert failed_email["status"] == "failed"
    (attempt,) = failed_email["attempts"]
    assert attempt["outcome"] == "failed"
    assert "recipient's name holds a line break" in attempt["detail"]
    announced = EmailFailed.model_validate_json(failed[0].value)
    assert announced.permanent
    assert announced.attempts == 1
    assert "recipient's name holds a line break" in announced.reason
    assert "Eve" not in announced.reason


async def test_a_permanently_refused_email_fails_alone_and_is_recorded_once(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    async with (
        refusing_smtp_server() as port,
        running_notify(
            kafka_bootstrap_servers, mongodb_url, smtp_host="127.0.0.1", smtp_port=port
        ) as notify,
    ):
        app = notify.app
        refused = [email_document(notify.settings, recipient=_address()) for _ in range(3)]
        await notify.store(refused)
        await _settled(app, refused)
        await _more_rounds(app, 3)
        after = await _settled(app, refused)
        announced = await collect(
            kafka_bootstrap_servers,
            EmailFailed.topic,
            matching=lambda record: record.key in {e["_id"].encode() for e in refused},
            count=len(refused),
        )

    assert [len(after[email["_id"]]["attempts"]) for email in refused] == [1] * len(refused)
    assert {after[email["_id"]]["status"] for email in refused} == {"failed"}
    assert sorted(record.key for record in announced) == sorted(
        email["_id"].encode() for email in refused
    )
    published = b"".join(record.value for record in announced).decode()
    assert all(email["recipient"] not in published for email in refused)
