"""The `digitalwell` operator commands against the real broker and database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from digitalwell_ops import broker, data
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import create_client, in_transaction
from digitalwell_shared.outbox import Outbox
from digitalwell_shared.signing import EventSigner
from tests.support.events import application_submitted
from tests.support.kafka import collect, headers_of


def _unique_topic() -> str:
    return f"test-ops-{uuid.uuid4().hex[:10]}.v1"


async def _send(
    bootstrap: str, topic: str, messages: list[tuple[str, bytes, dict[str, str]]]
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for key, value, headers in messages:
            await producer.send_and_wait(
                topic,
                value,
                key=key.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )
    finally:
        await producer.stop()


def _cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "digitalwell_ops", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


async def test_topics_are_created_with_their_partitions_and_a_second_run_changes_nothing(
    kafka_bootstrap_servers: str,
) -> None:
    topic = _unique_topic()
    wanted = {topic: 2, f"{topic}.dlq": 2}
    first = await broker.create_topics(kafka_bootstrap_servers, wanted)
    second = await broker.create_topics(kafka_bootstrap_servers, wanted)
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap_servers)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = consumer.partitions_for_topic(topic)
    finally:
        await consumer.stop()
    assert first.created == sorted(wanted)
    assert second.existing == sorted(wanted)
    assert partitions == {0, 1}


async def test_lag_counts_what_a_group_has_not_committed_on_each_partition(
    kafka_bootstrap_servers: str,
) -> None:
    topic, group = _unique_topic(), f"test-group-{uuid.uuid4().hex[:8]}"
    await broker.create_topics(kafka_bootstrap_servers, {topic: 1})
    await _send(kafka_bootstrap_servers, topic, [("k", b"{}", {})] * 3)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap_servers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        await consumer.getone()
        await consumer.commit()
    finally:
        await consumer.stop()

    rows = await broker.consumer_lag(kafka_bootstrap_servers, {group: [topic]})
    never = await broker.consumer_lag(kafka_bootstrap_servers, {"test-never-consumed": [topic]})

    assert [(row.partition, row.committed, row.end, row.lag) for row in rows] == [(0, 1, 3, 2)]
    assert [(row.committed, row.lag) for row in never] == [(None, 3)]


async def test_a_dead_letter_topic_is_replayed_once_with_its_headers_and_key(
    kafka_bootstrap_servers: str,
) -> None:
    topic = _unique_topic()
    dlq = f"{topic}.dlq"
    await broker.create_topics(kafka_bootstrap_servers, {topic: 1, dlq: 1})
    original = {
        "ce_id": "event-1",
        "ce_type": "se.digitalwell.test",
        "content-type": "application/json",
    }
    failure = {"dlq_error": "no template", "dlq_original_topic": topic, "dlq_attempts": "5"}
    await _send(
        kafka_bootstrap_servers,
        dlq,
        [("app-1", b'{"n": 1}', original | failure), ("app-2", b'{"n": 2}', original | failure)],
    )
    group = f"test-replay-{uuid.uuid4().hex[:8]}"

    listed = await broker.replay_dead_letters(
        kafka_bootstrap_servers, dlq, group=group, dry_run=True
    )
    first = await broker.replay_dead_letters(kafka_bootstrap_servers, dlq, group=group)
    second = await broker.replay_dead_letters(kafka_bootstrap_servers, dlq, group=group)
    await _send(kafka_bootstrap_servers, dlq, [("app-3", b'{"n": 3}', original | failure)])
    third = await broker.replay_dead_letters(kafka_bootstrap_servers, dlq, group=group)
    records = await collect(
        kafka_bootstrap_servers, topic, matching=lambda _r: True, count=3, timeout=20
    )

    assert [item.key for item in listed] == ["app-1", "app-2"]
    assert [(item.key, item.topic, item.error) for item in first] == [
        ("app-1", topic, "no template"),
        ("app-2", topic, "no template"),
    ]
    assert second == []
    assert [item.key for item in third] == ["app-3"]
    assert [(record.key, record.value) for record in records] == [
        (b"app-1", b'{"n": 1}'),
        (b"app-2", b'{"n": 2}'),
        (b"app-3", b'{"n": 3}'),
    ]
    headers = headers_of(records[0])
    assert {name: headers[name] for name in original} == original
    assert not any(name.startswith("dlq_") for name in headers)
    assert headers[broker.REPLAYED_FROM_HEADER] == f"{dlq}/0/0"


async def test_stuck_outbox_entries_are_published_and_marked(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    client = create_client(mongodb_url, app_name="test-ops")
    database = client[f"test-ops-{uuid.uuid4().hex[:10]}"]
    outbox = Outbox(database, EventSigner.development("intake"))
    await outbox.ensure_indexes()
    event = application_submitted()
    envelope = Envelope.for_event(event, source="/digitalwell/intake")
    try:
        await in_transaction(client, lambda session: outbox.add([(event, envelope)], session))
        before = await data.outbox_state(database)
        published = await data.republish_outbox(database, kafka_bootstrap_servers)
        after = await data.outbox_state(database)
    finally:
        await client.close()
    records = await collect(
        kafka_bootstrap_servers,
        ApplicationSubmitted.topic,
        matching=lambda record: record.key == event.application_id.encode(),
        count=1,
    )

    assert before.pending == 1
    assert before.oldest_pending_at is not None
    assert published == 1
    assert after.pending == 0
    assert headers_of(records[0])["ce_id"] == envelope.id


async def test_export_gathers_one_application_from_every_services_database(
    mongodb_url: str,
) -> None:
    application_id = f"app_{uuid.uuid4().hex}"
    suffix = uuid.uuid4().hex[:8]
    names = {
        service: f"test-export-{service}-{suffix}"
        for service in ("intake", "council", "forum", "notify")
    }
    client = create_client(mongodb_url, app_name="test-ops")
    try:
        await client[names["intake"]]["applications"].insert_one(
            {"_id": application_id, "title": "Dosett"}
        )
        await client[names["intake"]]["applications"].insert_one({"_id": "someone-else"})
        await client[names["council"]]["cases"].insert_one(
            {"application_id": application_id, "status": "open"}
        )
        await client[names["notify"]]["emails"].insert_one(
            {"_id": "e1", "application_id": application_id}
        )
        await client[names["notify"]]["outbox"].insert_one(
            {"key": application_id, "topic": "notify.email-sent.v1"}
        )
    finally:
        await client.close()
    environment = {f"{service.upper()}_MONGODB_DATABASE": name for service, name in names.items()}

    done = _cli("export", application_id, "--mongodb-url", mongodb_url, env=environment)

    assert done.returncode == 0, done.stderr
    export = json.loads(done.stdout)
    assert export["intake"] == {"applications": [{"_id": application_id, "title": "Dosett"}]}
    assert export["council"]["cases"][0]["status"] == "open"
    assert export["forum"] == {}
    assert set(export["notify"]) == {"emails", "outbox"}


async def test_the_lag_command_lists_every_partition_of_a_services_topics(
    kafka_bootstrap_servers: str,
) -> None:
    await broker.create_topics(kafka_bootstrap_servers, {ApplicationSubmitted.topic: 3})

    done = _cli("lag", "--bootstrap-servers", kafka_bootstrap_servers, "--group", "council")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    partitions = [line.split()[2] for line in lines if ApplicationSubmitted.topic in line]
    assert partitions == [str(number) for number in range(len(partitions))]
    assert len(partitions) >= 3  # however the topic was first made, it has its 3
    assert lines[-1].startswith("council: ")
    assert lines[-1].endswith(" events behind")


async def test_a_committed_offset_beyond_the_end_is_an_anomaly_not_lag_zero(
    kafka_bootstrap_servers: str,
) -> None:
    topic, group = _unique_topic(), f"test-group-{uuid.uuid4().hex[:8]}"
    await broker.create_topics(kafka_bootstrap_servers, {topic: 1})
    await _send(kafka_bootstrap_servers, topic, [("k", b"{}", {})] * 2)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=kafka_bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    try:  # as if the broker had lost the records after offset 2 that the group had read
        await consumer.commit({partition: 7})
    finally:
        await consumer.stop()

    rows = await broker.consumer_lag(kafka_bootstrap_servers, {group: [topic]})

    assert [(row.committed, row.end, row.lag, row.beyond_end) for row in rows] == [(7, 2, 0, 5)]
