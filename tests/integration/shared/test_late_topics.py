"""A service started before its topics exist reads all of them, from the beginning, once made."""

from __future__ import annotations

import uuid
from typing import ClassVar

from aiokafka import AIOKafkaConsumer

from digitalwell_ops import broker
from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from tests.support.events import application_submitted
from tests.support.kafka import publish_event
from tests.support.runtime import make_runtime, running
from tests.support.waiting import until_true


class _LateEvent(ApplicationSubmitted):
    """ApplicationSubmitted on a topic of its own that nobody has created yet."""

    topic: ClassVar[str] = f"intake.test-late-{uuid.uuid4().hex[:10]}.v1"


async def test_a_service_started_before_its_topic_exists_reads_all_of_it_and_gets_ready(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)
    handled = runtime.database["handled"]

    @runtime.consume(_LateEvent, description="test effect")
    async def note(event: _LateEvent, _envelope: Envelope, transaction: Transaction) -> None:
        await handled.insert_one({"_id": event.application_id}, session=transaction)

    events = [_LateEvent(**application_submitted().model_dump()) for _ in range(6)]
    async with running(runtime):
        # Started, serving, and saying what it waits for; nothing created the topic meanwhile.
        await until_true(lambda: _waiting_for_topics(runtime), seconds=30)
        assert not await _topic_exists(kafka_bootstrap_servers, _LateEvent.topic)
        await broker.create_topics(
            kafka_bootstrap_servers, {_LateEvent.topic: 3, dead_letter_topic(_LateEvent.topic): 3}
        )
        for event in events:
            await publish_event(kafka_bootstrap_servers, event)
        await until_true(lambda: _count(handled, len(events)), seconds=60)
        await until_true(lambda: _ready(runtime), seconds=30)
        found = {document["_id"] async for document in handled.find()}

    assert found == {event.application_id for event in events}


async def _waiting_for_topics(runtime: Runtime) -> bool:
    answer = runtime.readiness.current()
    return not answer.ready and answer.problems.get("broker") == "not connected yet"


async def _ready(runtime: Runtime) -> bool:
    return runtime.readiness.current().ready


async def _count(collection, wanted: int) -> bool:
    return await collection.count_documents({}) >= wanted


async def _topic_exists(bootstrap: str, topic: str) -> bool:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return topic in await consumer.topics()
    finally:
        await consumer.stop()
