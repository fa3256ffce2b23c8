"""An event body beyond MAX_EVENT_BYTES is a dead letter, however valid it is otherwise."""

from __future__ import annotations

import uuid

from digitalwell_shared.consumer import MAX_EVENT_BYTES
from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from tests.support.events import application_submitted
from tests.support.kafka import collect, headers_of, publish_event
from tests.support.runtime import make_runtime, running
from tests.support.waiting import until_true

TOPIC = ApplicationSubmitted.topic


async def test_an_oversized_event_is_dead_lettered_and_the_next_one_is_handled(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)
    handled = runtime.database["handled"]

    @runtime.consume(ApplicationSubmitted, description="test effect")
    async def note(
        event: ApplicationSubmitted, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await handled.insert_one({"application_id": event.application_id}, session=transaction)

    key = f"oversized-{uuid.uuid4().hex}"
    huge = application_submitted(application_id=key).model_copy(
        update={"title": "x" * (MAX_EVENT_BYTES + 1)}
    )
    good = application_submitted()
    async with running(runtime):
        await publish_event(kafka_bootstrap_servers, huge)
        await publish_event(kafka_bootstrap_servers, good)
        await until_true(lambda: _exists(handled, good.application_id), seconds=60)
        dead = await collect(
            kafka_bootstrap_servers,
            dead_letter_topic(TOPIC),
            matching=lambda record: record.key == key.encode(),
            count=1,
        )
        assert not await _exists(handled, key)

    assert len(dead) == 1
    headers = headers_of(dead[0])
    assert headers["dlq_error_type"] == "EnvelopeError"
    assert f"more than the {MAX_EVENT_BYTES}" in headers["dlq_error"]


async def _exists(collection, application_id: str) -> bool:
    return await collection.find_one({"application_id": application_id}) is not None
