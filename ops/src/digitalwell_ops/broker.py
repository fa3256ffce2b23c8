"""Operators' Kafka tasks: create the topics, measure consumer lag, replay a dead-letter topic."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from digitalwell_shared.consumer import REPLAY_FOR_HEADER, Record
from digitalwell_shared.contracts import DLQ_SUFFIX
from digitalwell_shared.kafka_client import refuse_topic_auto_creation

_TOPIC_ALREADY_EXISTS = 36
REPLAY_GROUP = "digitalwell-dlq-replay"
REPLAYED_FROM_HEADER = "digitalwell_replayed_from"
_DLQ_HEADER_PREFIX = "dlq_"
# What a replay adds, dropped before it adds them again to a dead letter replayed once more.
_REPLAY_HEADERS = frozenset({REPLAYED_FROM_HEADER, REPLAY_FOR_HEADER})
# aiokafka's security keyword arguments (digitalwell_shared.kafka_security.aiokafka_options).
Security = Mapping[str, Any]
NO_SECURITY: Security = {}


@dataclass(frozen=True)
class TopicsCreated:
    """What ``create_topics`` did."""

    created: list[str]
    existing: list[str]


async def create_topics(
    bootstrap_servers: str,
    partitions: Mapping[str, int],
    *,
    replication_factor: int = 1,
    security: Security = NO_SECURITY,
) -> TopicsCreated:
    """Create every topic that does not exist yet with its partitions; the rest stay as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, **security)
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(topic, count, replication_factor) for topic, count in partitions.items()]
        )
    finally:
        await admin.close()
    created, existing, failures = [], [], {}
    for topic, code, message, *_ in response.topic_errors:
        if code == 0:
            created.append(topic)
        elif code == _TOPIC_ALREADY_EXISTS:
            existing.append(topic)
        else:
            failures[topic] = f"error {code}: {message}"
    if failures:
        raise RuntimeError(f"could not create topics: {failures}")
    return TopicsCreated(sorted(created), sorted(existing))


@dataclass(frozen=True)
class PartitionLag:
    """How far one consumer group is behind on one partition."""

    group: str
    topic: str
    partition: int
    committed: int | None  # None: the group never committed here and starts at the beginning
    end: int

    @property
    def lag(self) -> int:
        """Events on the partition that the group has not committed yet."""
        return max(self.end - (self.committed or 0), 0)

    @property
    def beyond_end(self) -> int:
        """How far the committed offset lies past the partition's end; 0 when it does not.

        Not lag 0 but an anomaly: the broker lost records the group had read (a store that
        forgot, a topic deleted and made again), and what is written next, up to the committed
        offset, may never be read by the group.
        """
        return max((self.committed or 0) - self.end, 0)


async def consumer_lag(
    bootstrap_servers: str,
    topics_by_group: Mapping[str, Sequence[str]],
    *,
    security: Security = NO_SECURITY,
) -> list[PartitionLag]:
    """Each group's committed offset against the end of every partition of its topics.

    Read with a consumer of the group that is only assigned partitions, never subscribed: it
    fetches the group's offsets without joining the group, so the services never rebalance.
    """
    found = []
    for group, topics in topics_by_group.items():
        consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=group,
            enable_auto_commit=False,
            **security,
        )
        await consumer.start()
        try:
            partitions = [
                TopicPartition(topic, partition)
                for topic in topics
                for partition in sorted(await _partitions(consumer, topic))
            ]
            ends = await consumer.end_offsets(partitions) if partitions else {}
            for tp in partitions:
                committed = await consumer.committed(tp)
                found.append(PartitionLag(group, tp.topic, tp.partition, committed, ends[tp]))
        finally:
            await consumer.stop()
    return found


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer.topics()  # refreshes the cluster metadata
    return consumer.partitions_for_topic(topic) or set()


@dataclass(frozen=True)
class Replayed:
    """One dead letter sent back to its topic (or, in a dry run, that would be)."""

    dead_letter_topic: str
    partition: int
    offset: int
    topic: str
    key: str | None
    error: str
    group: str | None = None  # the consumer group that failed it, the only one it goes back to


def original_topic(dead_letter_topic: str, headers: Mapping[str, str]) -> str:
    """Where a dead letter came from: its ``dlq_original_topic`` header, else the DLQ's name."""
    return headers.get("dlq_original_topic") or dead_letter_topic.removesuffix(DLQ_SUFFIX)


async def replay_dead_letters(
    bootstrap_servers: str,
    dead_letter_topic: str,
    *,
    group: str = REPLAY_GROUP,
    dry_run: bool = False,
    security: Security = NO_SECURITY,
    on_replayed: Callable[[Replayed], None] = lambda _replayed: None,
) -> list[Replayed]:
    """Send every dead letter not replayed before back to its topic, once.

    Reads from the replay group's committed offsets up to the end the topic had when the replay
    began (an event that fails again lands after that end and waits for the next replay), sends
    each with its key and original headers (without the ``dlq_*`` ones, plus where it was
    replayed from and the group that failed it, ``dlq_consumer_group``), and commits after each
    batch is acknowledged. Only that group takes the replayed event up (``REPLAY_FOR_HEADER``),
    so a poison event that several groups dead-lettered comes back to each once per replay.
    """
    if not dead_letter_topic.endswith(DLQ_SUFFIX):
        raise ValueError(f"{dead_letter_topic!r} is not a dead-letter topic (*{DLQ_SUFFIX})")
    refuse_topic_auto_creation()  # a dead letter whose topic is gone fails, and says so
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **security,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", **security)
    await consumer.start()
    await producer.start()
    try:
        partitions = [
            TopicPartition(dead_letter_topic, partition)
            for partition in sorted(await _partitions(consumer, dead_letter_topic))
        ]
        if not partitions:
            raise ValueError(f"no topic {dead_letter_topic!r}")
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            committed = await consumer.committed(tp)
            if committed is None:
                await consumer.seek_to_beginning(tp)
            else:
                consumer.seek(tp, committed)
        return await _replay_until(
            consumer, producer, ends, dry_run=dry_run, on_replayed=on_replayed
        )
    finally:
        await producer.stop()
        await consumer.stop()


async def _replay_until(
    consumer: AIOKafkaConsumer,
    producer: AIOKafkaProducer,
    ends: Mapping[TopicPartition, int],
    *,
    dry_run: bool,
    on_replayed: Callable[[Replayed], None],
) -> list[Replayed]:
    replayed: list[Replayed] = []
    remaining = {tp for tp, end in ends.items() if await consumer.position(tp) < end}
    while remaining:
        batches = await consumer.getmany(*remaining, timeout_ms=1000)
        for tp, records in batches.items():
            batch = [record for record in records if record.offset < ends[tp]]
            if not batch:
                continue
            sent = [] if dry_run else [await _send_back(producer, record) for record in batch]
            await asyncio.gather(*sent)  # every one acknowledged before the offset moves on
            if not dry_run:
                await consumer.commit({tp: batch[-1].offset + 1})
            for record in batch:
                replayed.append(item := _replayed(record))
                on_replayed(item)
        remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
    return replayed


def _text_headers(record: Record) -> dict[str, str]:
    return {name: value.decode(errors="replace") for name, value in record.headers or ()}


async def _send_back(producer: AIOKafkaProducer, record: Record) -> asyncio.Future[object]:
    """Send a dead letter to its topic as it first came, plus where it was replayed from."""
    headers = [
        (name, value)
        for name, value in record.headers or ()
        if not name.startswith(_DLQ_HEADER_PREFIX) and name not in _REPLAY_HEADERS
    ]
    headers.append(
        (REPLAYED_FROM_HEADER, f"{record.topic}/{record.partition}/{record.offset}".encode())
    )
    text_headers = _text_headers(record)
    if group := text_headers.get("dlq_consumer_group"):
        headers.append((REPLAY_FOR_HEADER, group.encode()))
    target = original_topic(record.topic, text_headers)
    future: asyncio.Future[object] = await producer.send(
        target, record.value, key=record.key, headers=headers
    )
    return future


def _replayed(record: Record) -> Replayed:
    headers = _text_headers(record)
    return Replayed(
        dead_letter_topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        topic=original_topic(record.topic, headers),
        key=record.key.decode(errors="replace") if record.key else None,
        error=headers.get("dlq_error", ""),
        group=headers.get("dlq_consumer_group"),
    )
