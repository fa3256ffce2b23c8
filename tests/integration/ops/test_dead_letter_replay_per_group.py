"""A replay sends a dead letter back to the group that failed it alone, so nothing multiplies."""

from __future__ import annotations

import uuid
from collections import Counter

from digitalwell_ops import broker
from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from tests.support.events import application_submitted
from tests.support.kafka import collect, headers_of, publish_event, publish_raw
from tests.support.runtime import make_runtime, running

TOPIC = ApplicationSubmitted.topic
DLQ = dead_letter_topic(TOPIC)


async def _create_topics(bootstrap: str) -> None:
    """As ``digitalwell create-topics`` does, so no client's first use makes them smaller."""
    count = ApplicationSubmitted.partitions
    await broker.create_topics(bootstrap, {TOPIC: count, DLQ: count})


def _failing_runtime(bootstrap: str, mongodb_url: str, seen: Counter[tuple[str, str]]) -> Runtime:
    runtime = make_runtime(bootstrap, mongodb_url, max_attempts=1)

    @runtime.consume(ApplicationSubmitted, description="a handler the poison always fails")
    async def fail(event: ApplicationSubmitted, _envelope: Envelope, _session: Transaction) -> None:
        seen[runtime.name, event.application_id] += 1
        raise ValueError(f"refused {event.application_id}")

    return runtime


async def _dead_letters(
    bootstrap: str, key: str, count: int, *, seconds: float = 30.0
) -> Counter[str]:
    records = await collect(
        bootstrap,
        DLQ,
        matching=lambda record: record.key == key.encode(),
        count=count,
        timeout=seconds,
    )
    return Counter(headers_of(record)["dlq_consumer_group"] for record in records)


async def test_two_groups_dead_letter_one_event_and_each_replay_returns_it_to_each_once(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    await _create_topics(kafka_bootstrap_servers)
    seen: Counter[tuple[str, str]] = Counter()
    council = _failing_runtime(kafka_bootstrap_servers, mongodb_url, seen)
    notify = _failing_runtime(kafka_bootstrap_servers, mongodb_url, seen)
    poison = application_submitted()
    key = poison.key()
    replay_group = f"test-replay-{uuid.uuid4().hex[:8]}"
    rounds: list[Counter[str]] = []
    async with running(council), running(notify):
        await publish_event(kafka_bootstrap_servers, poison)
        for expected in (1, 2, 3):
            rounds.append(await _dead_letters(kafka_bootstrap_servers, key, 2 * expected))
            if expected < 3:
                await broker.replay_dead_letters(kafka_bootstrap_servers, DLQ, group=replay_group)
        # Nothing more comes: asked for one more than there should be, it finds only those.
        settled = await _dead_letters(kafka_bootstrap_servers, key, 7, seconds=5)

    assert [dict(found) for found in rounds] == [
        {council.name: 1, notify.name: 1},
        {council.name: 2, notify.name: 2},
        {council.name: 3, notify.name: 3},
    ]
    assert settled == rounds[-1]
    assert seen[council.name, key] == seen[notify.name, key] > 0


async def test_a_replayed_record_without_ce_id_is_dead_lettered_again_by_its_group_only(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    await _create_topics(kafka_bootstrap_servers)
    seen: Counter[tuple[str, str]] = Counter()
    council = _failing_runtime(kafka_bootstrap_servers, mongodb_url, seen)
    notify = _failing_runtime(kafka_bootstrap_servers, mongodb_url, seen)
    event = application_submitted()
    key = event.key()
    headers = Envelope.for_event(event, source="/test").to_headers()
    del headers["ce_id"]
    replay_group = f"test-replay-{uuid.uuid4().hex[:8]}"
    async with running(council), running(notify):
        await publish_raw(
            kafka_bootstrap_servers,
            TOPIC,
            event.model_dump_json().encode(),
            key=key,
            headers=headers,
        )
        first = await _dead_letters(kafka_bootstrap_servers, key, 2)
        replayed = await broker.replay_dead_letters(
            kafka_bootstrap_servers, DLQ, group=replay_group
        )
        second = await _dead_letters(kafka_bootstrap_servers, key, 4)

    ours = [item for item in replayed if item.key == key]
    assert sorted(item.group or "" for item in ours) == sorted([council.name, notify.name])
    assert first == {council.name: 1, notify.name: 1}
    assert second == {council.name: 2, notify.name: 2}
    # Never valid, so no handler ran: each group only dead-lettered it, once per replay.
    assert seen[council.name, key] == seen[notify.name, key] == 0
