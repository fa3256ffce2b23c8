"""What /readyz says, and connecting to the broker in the background until it answers.

/readyz must answer within a second while the database or the broker is away, so it never asks
them itself: ``ReadinessProbe`` asks in the background (every second, each question bounded by
a short timeout) and /readyz reads its last answer. Not ready, with what is wrong, while:

- the database does not answer a ping;
- the broker is not connected, does not answer, or the last publish failed;
- a consumed topic does not exist, or the consumer group does not hold every partition of its
  topics (after a broker restart, a rebalance, a topic created with fewer partitions).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from faststream.kafka import KafkaBroker

from digitalwell_shared.kafka_security import aiokafka_options
from digitalwell_shared.logging import OutageLog, describe_error, get_logger
from digitalwell_shared.mongo import Database, ping
from digitalwell_shared.settings import ServiceSettings

log = get_logger(__name__)

_PROBE_SECONDS = 1.0
_QUESTION_SECONDS = 1.5
_STALE_SECONDS = 10.0
_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True)
class Readiness:
    """The probe's last answer: each check, and for each failed one what is wrong."""

    checks: dict[str, bool]
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """Every check holds."""
        return all(self.checks.values())


async def _answers(question: Awaitable[bool]) -> bool:
    """The question's answer, or False when it takes longer than a probe may wait."""
    try:
        return await asyncio.wait_for(question, _QUESTION_SECONDS)
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return False


def missing_partitions(consumer: Any, topics: Sequence[str], held: set[tuple[str, int]]) -> str:
    """What of ``topics`` (per ``consumer``'s metadata) is not in ``held``; "" when nothing."""
    missing = []
    for topic in topics:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            missing.append(f"{topic}: no such topic")
            continue
        absent = sorted(p for p in partitions if (topic, p) not in held)
        if absent:
            missing.append(f"{topic}: partitions {absent} unassigned")
    return "; ".join(missing)


class ReadinessProbe:
    """Asks the database and the broker in the background; /readyz reads ``current()``."""

    def __init__(
        self,
        *,
        group: str,
        database: Database,
        broker: KafkaBroker,
    ) -> None:
        self._group = group
        self._database = database
        self._broker = broker
        self._topics: list[str] = []
        self._consumer: Callable[[], Any] = lambda: None
        self.broker_connected = False
        self._publish_error: str | None = None
        self._answer = Readiness({"database": False, "broker": False}, {"probe": "starting"})
        self._answered_at = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def watch(self, topics: Sequence[str], consumer: Callable[[], Any]) -> None:
        """Check that ``consumer()`` (an AIOKafkaConsumer, or None) holds all of ``topics``."""
        self._topics = list(topics)
        self._consumer = consumer

    def published(self) -> None:
        """A publish was acknowledged: the producer works."""
        self._publish_error = None

    def publish_failed(self, error: BaseException) -> None:
        """A publish failed: not ready until one is acknowledged again."""
        self._publish_error = describe_error(error)[:200] or type(error).__name__

    def current(self) -> Readiness:
        """The last answer; not ready when the probe has not answered for a while."""
        if time.monotonic() - self._answered_at > _STALE_SECONDS:
            return Readiness({**self._answer.checks, "probe": False}, {"probe": "no answer"})
        return self._answer

    async def start(self) -> None:
        """Probe every second until ``stop``."""
        self._task = asyncio.create_task(self._run(), name="readiness-probe")

    async def stop(self) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                self._answer = await self.probe()
                self._answered_at = time.monotonic()
            except Exception:
                log.debug("readiness probe failed", exc_info=True)
            await asyncio.sleep(_PROBE_SECONDS)

    async def probe(self) -> Readiness:
        """Ask each question now (each bounded by a short timeout)."""
        checks = {"database": await _answers(ping(self._database))}
        problems = {} if checks["database"] else {"database": "does not answer a ping"}
        broker_problem = await self._broker_problem()
        checks["broker"] = not broker_problem
        if broker_problem:
            problems["broker"] = broker_problem
        if self._topics:
            consumer_problem = await self._consumer_problem() if checks["broker"] else "no broker"
            checks["consumer"] = not consumer_problem
            if consumer_problem:
                problems["consumer"] = consumer_problem
        return Readiness(checks, problems)

    async def _broker_problem(self) -> str:
        if not self.broker_connected:
            return "not connected yet"
        if not await _answers(self._broker.ping(timeout=_QUESTION_SECONDS)):
            return "does not answer"
        if self._publish_error is not None:
            return f"the last publish failed: {self._publish_error}"
        return ""

    async def _consumer_problem(self) -> str:
        consumer = self._consumer()
        if consumer is None:
            return "not started"
        held = {(tp.topic, tp.partition) for tp in consumer.assignment()}
        missing = missing_partitions(consumer, self._topics, held)
        if not missing:
            return ""
        # Another replica of the service may hold the rest: ask the group's coordinator.
        try:
            group = await asyncio.wait_for(self._group_view(), _QUESTION_SECONDS)
        except Exception:  # noqa: BLE001 - without the group's view, this replica's counts
            return missing
        if group.members <= 1:
            return missing  # this replica is the group: its assignment is the group's
        if group.held is None:
            # The broker does not say who holds what (Tansu answers DescribeGroups with empty
            # assignments): a stable group of several members is taken at its word.
            return "" if group.stable else f"group {group.state}: {missing}"
        return missing_partitions(consumer, self._topics, held | group.held)

    async def _group_view(self) -> _GroupView:
        admin = self._broker.config.admin_client
        for response in await admin.describe_consumer_groups([self._group]):
            for group in response.groups:
                members = list(group[5])
                assignments = [member[-1] for member in members]
                if not all(assignments):
                    return _GroupView(state=group[2], members=len(members), held=None)
                held = {
                    (tp.topic, tp.partition)
                    for raw in assignments
                    for tp in ConsumerProtocolMemberAssignment.decode(raw).partitions()
                }
                return _GroupView(state=group[2], members=len(members), held=held)
        return _GroupView(state="unknown", members=0, held=None)


@dataclass(frozen=True)
class _GroupView:
    """The consumer group as its coordinator describes it."""

    state: str
    members: int
    held: set[tuple[str, int]] | None  # None: the broker did not say who holds what

    @property
    def stable(self) -> bool:
        """Not rebalancing."""
        return self.state == "Stable"


async def missing_topics(settings: ServiceSettings, topics: Sequence[str]) -> list[str]:
    """Which of ``topics`` the broker does not have (a short-lived client, no group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        request_timeout_ms=5000,
        **aiokafka_options(settings),
    )
    await consumer.start()
    try:
        existing = await consumer.topics()
    finally:
        await consumer.stop()
    return [topic for topic in topics if topic not in existing]


async def _topics_exist(settings: ServiceSettings, topics: Sequence[str]) -> None:
    missing = await missing_topics(settings, topics) if topics else []
    if missing:
        raise LookupError(f"topics missing (run create-topics): {', '.join(missing)}")


async def connect_broker(
    broker: KafkaBroker,
    settings: ServiceSettings,
    topics: Sequence[str],
    probe: ReadinessProbe,
    then: Callable[[], Awaitable[None]],
) -> None:
    """Start the broker once it answers and has every consumed topic; then call ``then``.

    aiokafka's consumer would wait out its request timeout for a topic that does not exist yet
    and fail the start; waiting for ``create-topics`` here says what is missing instead.
    """
    outage = OutageLog(log, "connecting to the broker", interval_seconds=30.0)
    attempt = 0
    while True:
        try:
            await _topics_exist(settings, topics)
            await broker.start()
        except Exception as error:  # noqa: BLE001 - any failure to connect: quietly, again
            outage.failed(error)
            with contextlib.suppress(Exception):
                await broker.stop()  # a half-started broker starts over cleanly
            await asyncio.sleep(_RETRY_SECONDS[min(attempt, len(_RETRY_SECONDS) - 1)])
            attempt += 1
        else:
            outage.succeeded()
            probe.broker_connected = True
            log.info("connected to the broker")
            await then()
            return
