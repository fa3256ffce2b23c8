"""Consuming events in batches: envelope and body checks, the inbox, retries, dead letters.

A service has one consumer for all its topics (``Runtime.subscribe``). For each batch Kafka
hands it:

1. a record with a broken envelope, a signature that is missing, wrong or not by the topic's
   owner (``signing.py``), or a body that fails validation goes to ``<topic>.dlq`` at once,
   with the error in its headers;
2. the rest take effect in one transaction together with their inbox marks, so a redelivered
   event changes nothing and the database sees one commit per batch, not per event;
3. a batch that keeps failing is applied one event at a time, so a poison event goes to the
   DLQ and the others still take effect.

Offsets are committed only after that (``AckPolicy.ACK``). If a dead letter cannot be
written, the batch is redelivered (``NackMessage``) rather than committed past it. Nor is an
event dead-lettered because the database is away (``ConnectionFailure``): that is no fault of
the event, so the batch is redelivered until the database answers, logged as one outage.

A dead letter names the group that failed it (``dlq_consumer_group``). Several groups read one
topic, so ``digitalwell replay-dlq`` sends each dead letter back with ``REPLAY_FOR_HEADER``
naming that group, and every other group passes over it: a replay reaches the group that
failed the event once, and never makes the other groups dead-letter (and so multiply) it too.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter as CountOf
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import structlog
from faststream.exceptions import NackMessage
from prometheus_client import CollectorRegistry, Counter
from pymongo.errors import ConnectionFailure

from digitalwell_shared.contracts import IntegrationEvent, dead_letter_topic
from digitalwell_shared.envelope import Envelope, EnvelopeError
from digitalwell_shared.inbox import Inbox
from digitalwell_shared.logging import OutageLog, describe_error, get_logger
from digitalwell_shared.metrics import ConsumerMetrics
from digitalwell_shared.mongo import Client, Transaction, in_transaction
from digitalwell_shared.outbox import Publish
from digitalwell_shared.signing import EventVerifier
from digitalwell_shared.tracing import Tracing, event_span

_MAX_ERROR_LENGTH = 1000
REPLAY_FOR_HEADER = "digitalwell_replay_for_group"
"""On a replayed dead letter: the one consumer group it is meant for (the one that failed it)."""

MAX_EVENT_BYTES = 256 * 1024
"""The largest event body a consumer takes. intake's longest application is a few tens of KB;
the contracts cap no text, so a body past this is a dead letter before it is parsed, stored or
written into an e-mail (issue 11's oversized poison)."""


class Record(Protocol):
    """What the consumer reads of an aiokafka ``ConsumerRecord`` (aiokafka ships no types)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


Effect = Callable[[Any, Envelope, Transaction], Awaitable[None]]
BatchEffect = Callable[[Sequence[tuple[Any, Envelope]], Transaction], Awaitable[None]]

log = get_logger(__name__)


@dataclass(frozen=True)
class Consumption:
    """What a service does with one topic's events, once per event.

    ``effect`` takes one event at a time; ``batch_effect``, when given instead, takes all of
    a batch's new events of the topic in their order, so it can write them in bulk.
    """

    event_type: type[IntegrationEvent]
    description: str
    effect: Effect | None = None
    batch_effect: BatchEffect | None = None

    async def apply(self, items: Sequence[tuple[Any, Envelope]], transaction: Transaction) -> None:
        """Run the effect on events of this topic, in order."""
        if self.batch_effect is not None:
            await self.batch_effect(items, transaction)
            return
        if self.effect is None:
            raise TypeError(f"no effect for {self.event_type.__name__}")
        for event, envelope in items:
            with (
                structlog.contextvars.bound_contextvars(**_event_context(event, envelope)),
                event_span(envelope.id),
            ):
                await self.effect(event, envelope, transaction)


def _event_context(event: IntegrationEvent, envelope: Envelope) -> dict[str, Any]:
    context = {"event_id": envelope.id, "correlation_id": envelope.correlation_id}
    if event.key_field == "application_id":
        context["application_id"] = event.key()
    return context


@dataclass(frozen=True)
class _Item:
    record: Record
    event: IntegrationEvent
    envelope: Envelope
    consumption: Consumption


def _record_headers(record: Record) -> dict[str, str]:
    return {name: value.decode(errors="replace") for name, value in record.headers or ()}


def _log_context(record: Record, envelope: Envelope | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "topic": record.topic,
        "partition": record.partition,
        "offset": record.offset,
    }
    if envelope is not None:
        context |= {"event_id": envelope.id, "correlation_id": envelope.correlation_id}
    return context


def _dead_letter_error(error: BaseException) -> str:
    """What a dead letter says went wrong: field paths and rules, never the event's values.

    The DLQ is read by operators and replay tools; the event's body stays where it is.
    """
    return describe_error(error)[:_MAX_ERROR_LENGTH]


class DeadLetterPolicy:
    """How a service's consumer retries and where it sends what it cannot handle."""

    def __init__(
        self,
        *,
        consumer_group: str,
        publish: Publish,
        registry: CollectorRegistry,
        max_attempts: int = 5,
        retry_base_seconds: float = 0.2,
    ) -> None:
        self.consumer_group = consumer_group
        self.publish = publish
        self.max_attempts = max_attempts
        self.retry_base_seconds = retry_base_seconds
        self.dead_lettered = Counter(
            "digitalwell_events_dead_lettered",
            "Events sent to a dead-letter topic",
            ["topic", "reason"],
            registry=registry,
        )

    def backoff(self, attempt: int) -> float:
        """Exponential back-off with full jitter, so retries of many consumers spread out."""
        return random.uniform(0, self.retry_base_seconds * 2 ** (attempt - 1))  # noqa: S311

    async def dead_letter(self, record: Record, error: BaseException, *, attempts: int) -> None:
        """Send ``record`` as it came to its DLQ with the error; redeliver if that fails."""
        topic = dead_letter_topic(record.topic)
        error_text = _dead_letter_error(error)
        headers = {
            **_record_headers(record),
            "dlq_error": error_text,
            "dlq_error_type": type(error).__name__,
            "dlq_original_topic": record.topic,
            "dlq_original_partition": str(record.partition),
            "dlq_original_offset": str(record.offset),
            "dlq_consumer_group": self.consumer_group,
            "dlq_attempts": str(attempts),
            "dlq_failed_at": datetime.now(UTC).isoformat(),
        }
        key = record.key.decode(errors="replace") if record.key else ""
        try:
            await self.publish(topic, key, record.value or b"", headers)
        except Exception as publish_error:
            # Without the dead letter stored, committing would lose the event: redeliver it.
            log.exception("could not dead-letter event", dead_letter_topic=topic)
            raise NackMessage from publish_error
        self.dead_lettered.labels(record.topic, type(error).__name__).inc()
        log.error(
            "event dead-lettered",
            dead_letter_topic=topic,
            error_type=type(error).__name__,
            error=error_text,
            attempts=attempts,
            **_log_context(record),
        )


class BatchConsumer:
    """Applies batches of records to a service's effects, once each, as the module says."""

    def __init__(
        self,
        *,
        client: Client,
        inbox: Inbox,
        effects: Mapping[str, Consumption],
        dead_letters: DeadLetterPolicy,
        verifier: EventVerifier,
        on_committed: Callable[[], None],
        metrics: ConsumerMetrics | None = None,
        tracing: Tracing | None = None,
    ) -> None:
        self._client = client
        self._inbox = inbox
        self._effects = dict(effects)
        self._dead_letters = dead_letters
        self._verifier = verifier
        self._on_committed = on_committed
        self._metrics = metrics
        self._tracing = tracing or Tracing()
        self._failing = OutageLog(log, "applying events")

    async def handle(self, records: Sequence[Record]) -> None:
        """Check, apply and dead-letter as needed; return once every record left a trace."""
        items = [
            item
            for record in records
            if self._meant_for_us(record) and (item := await self._check(record)) is not None
        ]
        if not items:
            return
        try:
            await self._with_retries(items)
        except ConnectionFailure as error:
            raise NackMessage from error  # the database is away: again later, all of it
        except Exception:  # noqa: BLE001 - any failure: find the culprit one event at a time
            log.warning("batch failed; applying its events one at a time", size=len(items))
            for item in items:
                await self._apply_alone(item)

    def _meant_for_us(self, record: Record) -> bool:
        """False for a dead letter another group failed and an operator replayed to it."""
        group = self._dead_letters.consumer_group
        for name, value in record.headers or ():
            if name == REPLAY_FOR_HEADER and value.decode(errors="replace") != group:
                log.debug("replayed for another group; passed over", **_log_context(record))
                return False
        return True

    async def _check(self, record: Record) -> _Item | None:
        consumption = self._effects.get(record.topic)
        try:
            if consumption is None:
                raise EnvelopeError(f"no consumer for topic {record.topic}")
            if len(record.value or b"") > MAX_EVENT_BYTES:
                raise EnvelopeError(
                    f"the event body is {len(record.value or b'')} bytes, "
                    f"more than the {MAX_EVENT_BYTES} an event may have"
                )
            headers = _record_headers(record)
            envelope = Envelope.from_headers(headers, expected_type=consumption.event_type.ce_type)
            # Before the body is read: what its owner did not sign never takes effect.
            self._verifier.verify(
                record.topic,
                record.key.decode(errors="replace") if record.key else "",
                record.value or b"",
                headers,
            )
            event = consumption.event_type.model_validate_json(record.value or b"")
        except ValueError as error:  # Envelope-, SignatureError, ValidationError: never heal
            await self._dead_letters.dead_letter(record, error, attempts=0)
            return None
        return _Item(record, event, envelope, consumption)

    async def _apply_alone(self, item: _Item) -> None:
        try:
            await self._with_retries([item])
        except ConnectionFailure as error:
            raise NackMessage from error  # not the event's fault: never a dead letter for it
        except ValueError as error:
            await self._dead_letters.dead_letter(item.record, error, attempts=1)
        except Exception as error:  # noqa: BLE001 - retried enough: dead-letter it, go on
            await self._dead_letters.dead_letter(
                item.record, error, attempts=self._dead_letters.max_attempts
            )

    async def _with_retries(self, items: Sequence[_Item]) -> None:
        policy = self._dead_letters
        for attempt in range(1, policy.max_attempts + 1):
            try:
                await self._apply(items)
            except ValueError:
                raise  # a rule refused the event: trying again cannot help
            except Exception as error:
                self._failing.failed(error, attempt=attempt)  # an outage: a line per interval
                if attempt == policy.max_attempts:
                    raise
                await asyncio.sleep(policy.backoff(attempt))
            else:
                self._failing.succeeded()
                return

    async def _apply(self, items: Sequence[_Item]) -> None:
        outcomes: CountOf[tuple[str, str]] = CountOf()  # counted once the transaction committed

        async def apply_all(transaction: Transaction) -> None:
            outcomes.clear()  # a retried transaction starts over
            fresh = await self._inbox.mark_new([item.envelope for item in items], transaction)
            by_topic: dict[str, list[_Item]] = {}
            for item in items:
                if item.envelope.id not in fresh:
                    log.info("event handled before; skipped", **_log_context(item.record))
                    outcomes[item.record.topic, "duplicate"] += 1
                    continue
                fresh.discard(item.envelope.id)  # the same event twice in one batch: once
                by_topic.setdefault(item.record.topic, []).append(item)
            # Per topic, in order: what one topic's events mean never depends on another's.
            for topic, topic_items in by_topic.items():
                with self._timed(topic), self._traced(topic, topic_items):
                    await topic_items[0].consumption.apply(
                        [(item.event, item.envelope) for item in topic_items], transaction
                    )
                outcomes[topic, "applied"] += len(topic_items)

        await in_transaction(self._client, apply_all)
        if self._metrics is not None:
            for (topic, outcome), count in outcomes.items():
                self._metrics.consumed.labels(topic, outcome).inc(count)
        self._on_committed()

    def _timed(self, topic: str) -> AbstractContextManager[None]:
        return self._metrics.timed(topic) if self._metrics is not None else nullcontext()

    def _traced(self, topic: str, items: Sequence[_Item]) -> AbstractContextManager[None]:
        if not self._tracing.enabled:
            return nullcontext()
        return self._tracing.applying(
            topic,
            [
                (item.envelope.id, _record_headers(item.record), self._span_attributes(item))
                for item in items
            ],
        )

    def _span_attributes(self, item: _Item) -> dict[str, str | int]:
        """OpenTelemetry's messaging attributes of one event being applied."""
        return {
            "messaging.system": "kafka",
            "messaging.operation.type": "process",
            "messaging.destination.name": item.record.topic,
            "messaging.destination.partition.id": str(item.record.partition),
            "messaging.kafka.offset": item.record.offset,
            "messaging.consumer.group.name": self._dead_letters.consumer_group,
            "messaging.message.id": item.envelope.id,
            "messaging.message.conversation_id": item.envelope.correlation_id,
        }
