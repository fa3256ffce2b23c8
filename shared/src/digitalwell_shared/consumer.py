"""Consuming events: envelope check, log context, retries, and dead letters for poison events.

Every service's ``KafkaRouter`` gets this middleware, so a handler only ever
sees events with a valid envelope and a valid body, and an event that cannot be
handled goes to ``<topic>.dlq`` with the error in its headers instead of
stopping the consumer group.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from aiokafka import ConsumerRecord
from faststream import BaseMiddleware
from faststream._internal.context.repository import ContextRepo
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaMessage
from faststream.message import StreamMessage
from prometheus_client import CollectorRegistry, Counter

from digitalwell_shared.contracts import ALL_EVENTS, IntegrationEvent, dead_letter_topic
from digitalwell_shared.envelope import Envelope, EnvelopeError
from digitalwell_shared.logging import get_logger
from digitalwell_shared.outbox import Publish

EVENTS_BY_TOPIC: dict[str, type[IntegrationEvent]] = {event.topic: event for event in ALL_EVENTS}
_MAX_ERROR_LENGTH = 1000

log = get_logger(__name__)


def envelope_of(message: KafkaMessage) -> Envelope:
    """The envelope of a message the middleware has already checked."""
    return Envelope.from_headers(message.headers)


class DeadLetterPolicy:
    """How a service's consumers retry and where they send what they cannot handle."""

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

    def middleware(self) -> Callable[..., BaseMiddleware]:
        """A FastStream middleware factory bound to this policy."""

        def build(msg: Any, /, *, context: ContextRepo) -> BaseMiddleware:
            return _DeadLetterMiddleware(msg, context=context, policy=self)

        return build

    def backoff(self, attempt: int) -> float:
        """Exponential back-off with full jitter, so retries of many consumers spread out."""
        return random.uniform(0, self.retry_base_seconds * 2 ** (attempt - 1))  # noqa: S311


class _DeadLetterMiddleware(BaseMiddleware):
    def __init__(self, msg: Any, /, *, context: ContextRepo, policy: DeadLetterPolicy) -> None:
        super().__init__(msg, context=context)
        self._policy = policy

    async def consume_scope(self, call_next: Any, msg: StreamMessage[Any]) -> Any:
        record: ConsumerRecord[bytes, bytes] = msg.raw_message
        event_type = EVENTS_BY_TOPIC.get(record.topic)
        try:
            envelope = Envelope.from_headers(
                msg.headers, expected_type=event_type.ce_type if event_type else None
            )
        except EnvelopeError as error:
            await self._dead_letter(record, msg, error, attempts=0)
            return None
        context: dict[str, Any] = {
            "event_id": envelope.id,
            "correlation_id": envelope.correlation_id,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
        }
        if event_type is not None and event_type.key_field == "application_id":
            context["application_id"] = envelope.subject
        with structlog.contextvars.bound_contextvars(**context):
            return await self._handle_with_retries(call_next, msg, record)

    async def _handle_with_retries(
        self, call_next: Any, msg: StreamMessage[Any], record: ConsumerRecord[bytes, bytes]
    ) -> Any:
        for attempt in range(1, self._policy.max_attempts + 1):
            try:
                return await call_next(msg)
            except ValueError as error:  # pydantic's ValidationError and bad JSON: never heal
                await self._dead_letter(record, msg, error, attempts=attempt)
                return None
            except NackMessage:
                raise
            except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
                if attempt == self._policy.max_attempts:
                    await self._dead_letter(record, msg, error, attempts=attempt)
                    return None
                delay = self._policy.backoff(attempt)
                log.warning("handler failed; retrying", attempt=attempt, error=repr(error))
                await asyncio.sleep(delay)
        return None

    async def _dead_letter(
        self,
        record: ConsumerRecord[bytes, bytes],
        msg: StreamMessage[Any],
        error: BaseException,
        *,
        attempts: int,
    ) -> None:
        topic = dead_letter_topic(record.topic)
        headers = {
            **msg.headers,
            "dlq_error": str(error)[:_MAX_ERROR_LENGTH],
            "dlq_error_type": type(error).__name__,
            "dlq_original_topic": record.topic,
            "dlq_original_partition": str(record.partition),
            "dlq_original_offset": str(record.offset),
            "dlq_consumer_group": self._policy.consumer_group,
            "dlq_attempts": str(attempts),
            "dlq_failed_at": datetime.now(UTC).isoformat(),
        }
        key = record.key.decode() if record.key else ""
        try:
            await self._policy.publish(topic, key, record.value or b"", headers)
        except Exception as publish_error:
            # Without the dead letter stored, committing would lose the event: redeliver it.
            log.exception("could not dead-letter event", dead_letter_topic=topic)
            raise NackMessage from publish_error
        self._policy.dead_lettered.labels(record.topic, type(error).__name__).inc()
        log.error(
            "event dead-lettered",
            dead_letter_topic=topic,
            error_type=type(error).__name__,
            error=str(error)[:_MAX_ERROR_LENGTH],
            attempts=attempts,
        )
