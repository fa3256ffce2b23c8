"""A publish that fails mid-batch: the rest is released at once and no event overtakes another."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from digitalwell_devstack.ports import free_port
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import UNCLAIMED
from digitalwell_shared.outbox import OutboxRelay
from tests.support.events import application_submitted
from tests.support.kafka import Record, collect, headers_of
from tests.support.runtime import make_runtime
from tests.support.waiting import until_true

TOPIC = ApplicationSubmitted.topic


def _events(application_id: str, count: int) -> list[tuple[ApplicationSubmitted, Envelope]]:
    event = application_submitted(application_id=application_id)
    return [(event, Envelope.for_event(event, source="/test")) for _ in range(count)]


async def _unreachable_broker_publish(
    topic: str, key: str, body: bytes, headers: dict[str, str]
) -> None:
    """A real producer, pointed at a port where no broker listens: it fails as a cut link does."""
    producer = AIOKafkaProducer(
        bootstrap_servers=f"127.0.0.1:{free_port('127.0.0.1')}", request_timeout_ms=1000
    )
    try:
        await producer.start()
        await producer.send_and_wait(topic, body, key=key.encode())
    finally:
        await producer.stop()


async def test_a_failed_publish_releases_its_batch_at_once_and_keeps_each_keys_order(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    await runtime.outbox.ensure_indexes()
    first, second = application_submitted(), application_submitted()
    # One transaction, interleaved: first, second, first, second, ... as two applications' steps.
    pairs = zip(_events(first.application_id, 3), _events(second.application_id, 3), strict=True)
    written = [item for pair in pairs for item in pair]
    await runtime.commit_with_events(lambda _transaction: _as_events(written))
    later = _events(first.application_id, 1) + _events(second.application_id, 1)
    failed = asyncio.Event()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    calls = 0

    async def publish(topic: str, key: str, body: bytes, headers: dict[str, str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # the third entry of the batch: the link is cut just then
            failed.set()
            await _unreachable_broker_publish(topic, key, body, headers)
        wire_headers = [(name, value.encode()) for name, value in headers.items()]
        await producer.send_and_wait(topic, body, key=key.encode(), headers=wire_headers)

    # The lease every service runs with: the batch must not wait for it to lapse.
    lease = runtime.settings.outbox_lease_seconds
    relay = OutboxRelay(runtime.database, publish, poll_seconds=0.1, lease_seconds=lease)
    try:
        await relay.start()
        await failed.wait()
        failed_at = time.monotonic()
        # Newer events about both applications arrive while the batch is being retried.
        await runtime.commit_with_events(lambda _transaction: _as_events(later))
        relay.wake()
        outbox = runtime.database["outbox"]
        await until_true(lambda: _none_pending(outbox), seconds=30)
        took = time.monotonic() - failed_at
    finally:
        await relay.stop()
        await producer.stop()
    ids = {envelope.id for _, envelope in [*written, *later]}
    records = await collect(
        kafka_bootstrap_servers, TOPIC, matching=_among(ids), count=len(ids), timeout=30
    )

    assert calls > len(ids), "the failed entry was published again"
    assert len(records) == len(ids)
    for application_id in (first.application_id, second.application_id):
        everything = [*written, *later]
        expected = [e.id for event, e in everything if event.application_id == application_id]
        assert _ce_ids(records, application_id) == expected
    assert took < lease / 2, f"the batch waited {took:.1f} s, the lease is {lease:g} s"


async def test_the_rest_of_a_failed_batch_is_free_to_claim_at_once(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    await runtime.outbox.ensure_indexes()
    written = _events(application_submitted().application_id, 4)
    await runtime.commit_with_events(lambda _transaction: _as_events(written))
    relay = OutboxRelay(runtime.database, _unreachable_broker_publish, lease_seconds=60)

    with contextlib.suppress(KafkaError):
        await relay.relay_once()
    entries = [entry async for entry in runtime.database["outbox"].find()]

    assert [entry["status"] for entry in entries] == ["pending"] * 4
    assert [entry["claimed_until"] for entry in entries] == [UNCLAIMED] * 4


async def test_a_live_relay_keeps_its_claim_past_the_lease(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    await runtime.outbox.ensure_indexes()
    written = _events(application_submitted().application_id, 2)
    await runtime.commit_with_events(lambda _transaction: _as_events(written))
    lease = timedelta(seconds=0.6)
    second_claims: list[int] = []
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
    await producer.start()
    rival = OutboxRelay(runtime.database, _unreachable_broker_publish, lease_seconds=0.6)

    async def slow_publish(topic: str, key: str, body: bytes, headers: dict[str, str]) -> None:
        # While this relay is slow (three leases long), another relay finds nothing to claim.
        await asyncio.sleep(3 * lease.total_seconds())
        second_claims.append(len(await rival._claim_batch()))  # noqa: SLF001 - the rival's view
        await producer.send_and_wait(topic, body, key=key.encode())

    relay = OutboxRelay(runtime.database, slow_publish, lease_seconds=lease.total_seconds())
    try:
        published = await relay.relay_once()
    finally:
        await producer.stop()

    assert published == 2
    assert second_claims == [0, 0]


async def _none_pending(outbox: Any) -> bool:
    return await outbox.count_documents({"status": "pending"}) == 0


def _among(ids: set[str]):
    return lambda record: headers_of(record).get("ce_id") in ids


def _ce_ids(records: list[Record], application_id: str) -> list[str]:
    return [headers_of(r)["ce_id"] for r in records if r.key == application_id.encode()]


async def _as_events(items: list[tuple[ApplicationSubmitted, Envelope]]) -> Written[None]:
    return Written(None, items)
