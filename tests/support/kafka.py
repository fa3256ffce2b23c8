"""Reading and writing raw Kafka messages in tests, as a subscribing system would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.envelope import Envelope
from tests.support.signing import signed_by_owner

Record = ConsumerRecord  # aiokafka's records, with bytes keys and values


def headers_of(record: Record) -> dict[str, str]:
    """A record's headers as text."""
    return {name: value.decode() for name, value in record.headers}


async def collect(
    bootstrap_servers: str,
    topic: str,
    *,
    matching: Callable[[Record], bool],
    count: int,
    timeout: float = 60.0,  # noqa: ASYNC109 - returns what arrived by then, not an error
) -> list[Record]:
    """Read ``topic`` from the start until ``count`` records match, or the time is up."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Record] = []
    try:
        async with asyncio.timeout(timeout):
            async for record in consumer:
                if matching(record):
                    found.append(record)
                if len(found) >= count:
                    break
    except TimeoutError:
        pass
    finally:
        await consumer.stop()
    return found


async def everything_so_far(
    bootstrap_servers: str, topic: str, *, matching: Callable[[Record], bool], **options: Any
) -> list[Record]:
    """Every record of ``topic`` that matches, read from the start to the end it has now.

    For "nothing of that kind was written": the end of the log is the positive signal that all
    of it was read, where waiting for a record that never comes can only end by a timeout.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **options,  # aiokafka's, e.g. the fetch sizes for large records
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, n) for n in consumer.partitions_for_topic(topic) or ()]
        if not partitions:
            await consumer.client.force_metadata_update()
            found = consumer.partitions_for_topic(topic) or set()
            partitions = [TopicPartition(topic, n) for n in found]
        if not partitions:
            raise LookupError(f"the broker knows no partitions of {topic}")
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Record] = []
        for partition in partitions:
            while await consumer.position(partition) < ends[partition]:
                batch = await consumer.getmany(partition, timeout_ms=1000)
                records.extend(r for r in batch.get(partition, []) if matching(r))
    finally:
        await consumer.stop()
    return records


async def publish_raw(
    bootstrap_servers: str,
    topic: str,
    value: bytes,
    *,
    key: str,
    headers: dict[str, str],
    sign: bool = True,
) -> None:
    """Send bytes with headers, bypassing every check our own publishers make.

    Signed by the topic's owner (development key) unless ``sign`` is false, so a test of a bad
    envelope or body sees that refusal rather than the missing signature.
    """
    if sign:
        headers = signed_by_owner(topic, key, value, headers)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic,
            value,
            key=key.encode(),
            headers=[(name, text.encode()) for name, text in headers.items()],
        )
    finally:
        await producer.stop()


async def publish_event(
    bootstrap_servers: str, event: IntegrationEvent, envelope: Envelope | None = None
) -> Envelope:
    """Publish an event as its publisher would (key, CloudEvents headers); return its envelope."""
    envelope = envelope or Envelope.for_event(event, source="/test")
    await publish_raw(
        bootstrap_servers,
        event.topic,
        event.model_dump_json().encode(),
        key=event.key(),
        headers=envelope.to_headers(),
    )
    return envelope
