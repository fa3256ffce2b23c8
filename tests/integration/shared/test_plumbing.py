"""The outbox, the inbox and dead letters against a real broker and a real database."""

from __future__ import annotations

import contextlib
import json
import uuid

from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.outbox import OutboxRelay
from digitalwell_shared.runtime import Runtime
from tests.support.events import application_submitted
from tests.support.kafka import Record, collect, headers_of, publish_raw
from tests.support.runtime import make_runtime, running
from tests.support.waiting import until_true

TOPIC = ApplicationSubmitted.topic


def _about(application_id: str):
    return lambda record: record.key == application_id.encode()


async def test_an_event_written_before_a_crash_is_published_by_the_next_relay(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    event = application_submitted()
    envelope = runtime.envelope_for(event)
    await runtime.outbox.ensure_indexes()

    async def write(transaction: Transaction) -> Written[None]:
        await runtime.database["applications"].insert_one(
            {"_id": event.application_id}, session=transaction
        )
        return Written(None, [(event, envelope)])

    # The process "crashes" right after the transaction: no relay ever ran.
    await runtime.commit_with_events(write)
    pending = await runtime.database["outbox"].find_one({"event_id": envelope.id})
    assert pending is not None
    assert pending["status"] == "pending"

    async with running(runtime):  # a restarted process's relay
        records = await collect(
            kafka_bootstrap_servers, TOPIC, matching=_about(event.application_id), count=1
        )
        published = await runtime.database["outbox"].find_one({"event_id": envelope.id})

    assert len(records) == 1
    assert headers_of(records[0])["ce_id"] == envelope.id
    assert json.loads(records[0].value or b"")["application_id"] == event.application_id
    assert published is not None
    assert published["status"] == "published"


async def test_a_crash_between_publish_and_mark_publishes_again_with_the_same_id(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    event = application_submitted()
    envelope = runtime.envelope_for(event)
    await runtime.outbox.ensure_indexes()
    await runtime.commit_with_events(lambda _transaction: _events(event, envelope))

    async def publish_then_crash(
        topic: str, key: str, body: bytes, headers: dict[str, str]
    ) -> None:
        await publish_raw(kafka_bootstrap_servers, topic, body, key=key, headers=headers)
        raise ConnectionError("process died before marking the entry published")

    crashing = OutboxRelay(runtime.database, publish_then_crash, lease_seconds=0)
    with contextlib.suppress(ConnectionError):
        await crashing.relay_once()
    async with running(runtime):
        records = await collect(
            kafka_bootstrap_servers, TOPIC, matching=_about(event.application_id), count=2
        )

    assert [headers_of(record)["ce_id"] for record in records] == [envelope.id, envelope.id]


async def _events(event: ApplicationSubmitted, envelope: Envelope) -> Written[None]:
    return Written(None, [(event, envelope)])


async def test_a_redelivered_event_has_one_effect(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)
    effects = runtime.database["effects"]

    @runtime.consume(ApplicationSubmitted, description="test effect")
    async def count(
        event: ApplicationSubmitted, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await effects.insert_one({"application_id": event.application_id}, session=transaction)

    event = application_submitted()
    envelope = Envelope.for_event(event, source="/test")
    # Another event after the three copies, in their partition (their key): once it is handled,
    # the consumer has been through every copy before it.
    marker = application_submitted()
    marker_envelope = Envelope.for_event(marker, source="/test")
    async with running(runtime):
        for body, headers in [(event, envelope)] * 3 + [(marker, marker_envelope)]:
            await publish_raw(
                kafka_bootstrap_servers,
                TOPIC,
                body.model_dump_json().encode(),
                key=event.key(),
                headers=headers.to_headers(),
            )
        marks = runtime.database["inbox"]
        await until_true(lambda: _handled(marks, marker_envelope.id, runtime.name))
        effect_count = await effects.count_documents({"application_id": event.application_id})
        mark_count = await marks.count_documents({"event_id": envelope.id})

    assert effect_count == 1
    assert mark_count == 1
    assert _duplicates(runtime) >= 2  # the consumer's own count saw the two redeliveries


async def _handled(marks, event_id: str, consumer: str) -> bool:
    return await marks.count_documents({"_id": f"{consumer}:{event_id}"}) == 1


def _duplicates(runtime: Runtime) -> float:
    """How many events of TOPIC the runtime's consumer skipped as handled before."""
    labels = {"topic": TOPIC, "outcome": "duplicate"}
    return runtime.registry.get_sample_value("digitalwell_events_consumed_total", labels) or 0.0


async def test_poison_events_go_to_the_dead_letter_topic_and_the_next_good_one_is_handled(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)
    handled = runtime.database["handled"]

    @runtime.consume(ApplicationSubmitted, description="test effect")
    async def note(
        event: ApplicationSubmitted, _envelope: Envelope, transaction: Transaction
    ) -> None:
        if event.title == "always fails":
            raise RuntimeError("this handler cannot cope")
        await handled.insert_one({"application_id": event.application_id}, session=transaction)

    key = f"poison-{uuid.uuid4().hex}"
    good = application_submitted()
    failing = application_submitted(application_id=key).model_copy(update={"title": "always fails"})
    valid_headers = Envelope.for_event(good, source="/test").to_headers()
    async with running(runtime):
        poison = [
            (b"{not json", valid_headers | {"ce_id": f"{key}-1"}),
            (b'{"application_id": "only this"}', valid_headers | {"ce_id": f"{key}-2"}),
            (good.model_dump_json().encode(), {"ce_id": f"{key}-3"}),
            (failing.model_dump_json().encode(), valid_headers | {"ce_id": f"{key}-4"}),
        ]
        for value, headers in poison:
            await publish_raw(kafka_bootstrap_servers, TOPIC, value, key=key, headers=headers)
        await publish_raw(
            kafka_bootstrap_servers,
            TOPIC,
            good.model_dump_json().encode(),
            key=good.key(),
            headers=Envelope.for_event(good, source="/test").to_headers(),
        )
        await until_true(lambda: _exists(handled, good.application_id))
        dead = await collect(
            kafka_bootstrap_servers,
            dead_letter_topic(TOPIC),
            matching=lambda record: (
                record.key == key.encode()
                and headers_of(record).get("dlq_consumer_group") == runtime.name
            ),
            count=4,
        )

    by_id: dict[str, Record] = {headers_of(record).get("ce_id", "none"): record for record in dead}
    errors = {event_id: headers_of(record)["dlq_error_type"] for event_id, record in by_id.items()}
    assert errors == {
        f"{key}-1": "ValidationError",  # not JSON at all
        f"{key}-2": "ValidationError",
        f"{key}-3": "EnvelopeError",
        f"{key}-4": "RuntimeError",
    }
    failed = headers_of(by_id[f"{key}-4"])
    assert failed["dlq_original_topic"] == TOPIC
    assert failed["dlq_attempts"] == "2"
    assert "cannot cope" in failed["dlq_error"]
    assert by_id[f"{key}-1"].value == b"{not json"


async def _exists(collection, application_id: str) -> bool:
    return await collection.find_one({"application_id": application_id}) is not None
