"""While its database is away a consumer dead-letters nothing and is not ready; then it goes on."""

from __future__ import annotations

import asyncio

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.servers import (
    IN_MEMORY,
    database_readiness,
    mongodb_url,
    secantus_process,
)
from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from tests.support.events import application_submitted
from tests.support.kafka import everything_so_far, headers_of, publish_event
from tests.support.runtime import make_runtime, running
from tests.support.waiting import until_true

HOST = "127.0.0.1"
OUTAGE_SECONDS = 20.0
"""How long the database stays away with an event waiting for it."""


async def test_a_database_outage_makes_the_service_not_ready_and_events_wait_for_its_return(
    kafka_bootstrap_servers: str,
) -> None:
    port = free_port(HOST)
    url = mongodb_url(HOST, port)
    database = secantus_process(host=HOST, port=port, storage=IN_MEMORY)
    database.start()
    await database.wait_ready(database_readiness(url), timeout=60)
    runtime = make_runtime(kafka_bootstrap_servers, url)
    handled = runtime.database["handled"]

    @runtime.consume(ApplicationSubmitted, description="test effect")
    async def note(
        event: ApplicationSubmitted, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await handled.insert_one({"_id": event.application_id}, session=transaction)

    event = application_submitted()
    # pymongo's with_transaction retries a transaction that cannot reach the server for up to
    # 120 s, so within this outage the old consumer would not have dead-lettered either; the
    # consumer's ConnectionFailure rule is for outages longer than that.
    try:
        async with running(runtime):
            await until_true(lambda: _ready(runtime, ready=True), seconds=60)
            database.kill()
            await database.wait_exit()
            await until_true(lambda: _ready(runtime, ready=False), seconds=10)
            envelope = await publish_event(kafka_bootstrap_servers, event)
            await asyncio.sleep(OUTAGE_SECONDS)  # the fault: the event waits in the outage
            database.start()  # on the same port, empty: what counts is that the event arrives
            await database.wait_ready(database_readiness(url), timeout=60)
            await until_true(lambda: _handled(handled, event.application_id), seconds=90)
            await until_true(lambda: _ready(runtime, ready=True), seconds=30)
        # Handled: so it was not dead-lettered, which the dead-letter topic, read to its end,
        # confirms. This event's dead letter only: earlier tests left poison events there.
        dead = await everything_so_far(
            kafka_bootstrap_servers,
            dead_letter_topic(ApplicationSubmitted.topic),
            matching=lambda record: (
                headers_of(record).get("dlq_consumer_group") == runtime.name
                and headers_of(record).get("ce_id") == envelope.id
            ),
        )
    finally:
        await database.stop(grace=5)

    assert dead == []


async def _ready(runtime: Runtime, *, ready: bool) -> bool:
    return runtime.readiness.current().ready is ready


async def _handled(collection, application_id: str) -> bool:
    try:
        return await collection.find_one({"_id": application_id}) is not None
    except Exception:  # noqa: BLE001 - the database may still be coming back
        return False
