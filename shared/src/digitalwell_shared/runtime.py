"""A service's runtime: broker, router, database, outbox and relay, and its one consumer.

``create_runtime`` builds the parts without I/O; ``http_app.create_http_app`` wires them into
the FastAPI app whose lifespan connects them, starts the consumer and the relay, and on
shutdown lets in-flight work finish before it closes anything.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage, KafkaRouter
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.types import BrokerMiddleware
from prometheus_client import CollectorRegistry

from digitalwell_shared.committing import Written
from digitalwell_shared.consumer import BatchConsumer, Consumption, DeadLetterPolicy
from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.inbox import Inbox
from digitalwell_shared.kafka_client import METADATA_MAX_AGE_MS, refuse_topic_auto_creation
from digitalwell_shared.kafka_security import broker_security
from digitalwell_shared.metrics import ConsumerMetrics, LagMetrics, OutboxMetrics
from digitalwell_shared.mongo import Client, Database, Transaction, create_client, in_transaction
from digitalwell_shared.outbox import Outbox, OutboxRelay, Publish
from digitalwell_shared.readiness import ReadinessProbe
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import StaffAuth
from digitalwell_shared.tracing import Tracing

E = TypeVar("E", bound=IntegrationEvent)
T = TypeVar("T")
Effect = Callable[[E, Envelope, Transaction], Awaitable[None]]
BatchEffect = Callable[[Sequence[tuple[E, Envelope]], Transaction], Awaitable[None]]


async def _leave_undecoded(_message: Any) -> dict[str, Any]:
    """FastStream's decoder for our consumer: nothing, since the handler reads the records."""
    return {}


@dataclass
class Runtime:
    """A service's connections and plumbing, created without I/O."""

    name: str
    settings: ServiceSettings
    broker: KafkaBroker
    router: KafkaRouter
    mongo: Client
    database: Database
    outbox: Outbox
    relay: OutboxRelay
    registry: CollectorRegistry
    dead_letters: DeadLetterPolicy
    staff: StaffAuth
    tracing: Tracing
    readiness: ReadinessProbe
    effects: dict[str, Consumption] = field(default_factory=dict)
    startup_hooks: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    shutdown_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called after an event's effect committed, e.g. to wake a worker that acts on it.
    after_effect: list[Callable[[], None]] = field(default_factory=list)
    # Called before /metrics answers, to set gauges that need a query (outbox backlog, lag).
    scrape_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def broker_connected(self) -> bool:
        """Whether the broker started in the background (http_app.create_http_app's lifespan)."""
        return self.readiness.broker_connected

    @property
    def source(self) -> str:
        """The CloudEvents source of what this service publishes."""
        return f"/digitalwell/{self.name}"

    def consume(self, event_type: type[E], *, description: str) -> Callable[[Effect[E]], Effect[E]]:
        """Have this service's consumer act on ``event_type``, with an effect run once per event.

        The decorated function is the effect: it gets the event, its envelope and
        a transaction, and whatever it writes in that transaction commits together
        with the inbox mark, so a redelivered event changes nothing.
        """

        def register(effect: Effect[E]) -> Effect[E]:
            self.effects[event_type.topic] = Consumption(event_type, description, effect=effect)
            return effect

        return register

    def consume_batch(
        self, event_type: type[E], *, description: str
    ) -> Callable[[BatchEffect[E]], BatchEffect[E]]:
        """Like ``consume``, for an effect that takes all of a batch's new events at once."""

        def register(effect: BatchEffect[E]) -> BatchEffect[E]:
            self.effects[event_type.topic] = Consumption(
                event_type, description, batch_effect=effect
            )
            return effect

        return register

    def subscribe(self) -> None:
        """Subscribe one batch consumer to every topic an effect was registered for.

        One consumer, not one per topic: each member that joins a consumer group makes the
        group rebalance, and a service that joined once per topic would take that many
        rebalances to start.
        """
        if not self.effects:
            return

        def committed() -> None:
            self.relay.wake()  # the effects may have added to the outbox
            for callback in self.after_effect:
                callback()

        consumer = BatchConsumer(
            client=self.mongo,
            inbox=Inbox(self.database, consumer=self.name),
            effects=self.effects,
            dead_letters=self.dead_letters,
            verifier=self.settings.event_verifier(),
            on_committed=committed,
            metrics=ConsumerMetrics(self.registry),
            tracing=self.tracing,
        )

        async def handle(message: KafkaMessage) -> None:
            await consumer.handle(message.raw_message)  # a batch subscriber: a tuple of records

        subscriber = self.router.subscriber(
            *self.effects,
            group_id=self.name,
            batch=True,
            max_records=self.settings.consumer_batch_size,
            batch_timeout_ms=self.settings.consumer_batch_wait_ms,
            # The consumer reads the records itself, so a body that is not JSON is a dead letter
            # rather than an error before the handler runs (which would be committed and lost).
            decoder=_leave_undecoded,
            # Commit only after the effects are stored: FastStream's default commits first.
            ack_policy=AckPolicy.ACK,
            auto_offset_reset="earliest",
            title=f"{self.name}:events",
            description="; ".join(
                f"{topic}: {consumption.description}" for topic, consumption in self.effects.items()
            ),
        )
        subscriber(handle)
        lag = LagMetrics(self.name, self.registry)

        def kafka_consumer() -> Any:
            """Aiokafka's consumer, there while the broker runs: its assignment is ours."""
            return getattr(subscriber, "consumer", None)

        self.scrape_hooks.append(lambda: lag.refresh(kafka_consumer()))
        self.readiness.watch(list(self.effects), kafka_consumer)

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope that continues the current request's or the causing event's correlation."""
        if cause is not None:
            return cause.caused(event, source=self.source)
        correlation_id = structlog.contextvars.get_contextvars().get("correlation_id")
        return Envelope.for_event(event, source=self.source, correlation_id=correlation_id)

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Written[T]]]) -> T:
        """Run ``write`` in a transaction that also stores its events in the outbox.

        Returns the write's value once the transaction has committed, and wakes the relay.
        """

        async def write_and_enqueue(transaction: Transaction) -> T:
            written = await write(transaction)
            await self.outbox.add(written.events, transaction)
            return written.value

        value = await in_transaction(self.mongo, write_and_enqueue)
        self.relay.wake()
        return value


def create_runtime(
    name: str,
    settings: ServiceSettings,
    *,
    publishes: Sequence[type[IntegrationEvent]] = (),
    tracing: Tracing | None = None,
) -> Runtime:
    """Build a service's broker, router, database client, outbox and relay; no I/O happens.

    Tracing is what ``settings.otel_enabled`` asks for, unless ``tracing`` is given (a test's
    tracer that keeps its spans in memory, say).
    """
    if tracing is None:
        tracing = Tracing.export_to_otlp(name) if settings.otel_enabled else Tracing()
    refuse_topic_auto_creation()
    registry = CollectorRegistry()
    broker = _broker(name, settings, registry, tracing)
    mongo = create_client(settings.mongodb_url, app_name=f"digitalwell-{name}")
    database = mongo[settings.mongodb_database]
    readiness = ReadinessProbe(group=name, database=database, broker=broker)
    publish = _publishing(broker, publishes, tracing, readiness)
    return Runtime(
        name=name,
        settings=settings,
        broker=broker,
        router=KafkaRouter(),
        mongo=mongo,
        database=database,
        outbox=Outbox(database, settings.event_signer(name), tracing),
        relay=OutboxRelay(
            database,
            publish,
            poll_seconds=settings.outbox_poll_seconds,
            lease_seconds=settings.outbox_lease_seconds,
        ),
        registry=registry,
        dead_letters=DeadLetterPolicy(
            consumer_group=name,
            publish=publish,
            registry=registry,
            max_attempts=settings.consumer_max_attempts,
        ),
        staff=StaffAuth(settings),
        tracing=tracing,
        readiness=readiness,
        scrape_hooks=[OutboxMetrics(database, registry).refresh],
    )


def _broker(
    name: str, settings: ServiceSettings, registry: CollectorRegistry, tracing: Tracing
) -> KafkaBroker:
    """The service's Kafka client: metrics (and traces) on every message, no topic creation."""
    middlewares: list[BrokerMiddleware[Any, Any]] = [
        KafkaPrometheusMiddleware(registry=registry, app_name=name)
    ]
    if tracing.enabled:
        middlewares.append(KafkaTelemetryMiddleware(tracer_provider=tracing.provider))
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        security=broker_security(settings),
        client_id=f"digitalwell-{name}",
        graceful_timeout=settings.shutdown_grace_seconds,
        middlewares=middlewares,
        logger=logging.getLogger("digitalwell.broker"),
        # Per-message "Received"/"Processed" lines only at DEBUG: our handlers log what matters.
        log_level=logging.DEBUG,
        # Topics come from create-topics with their partition counts, never from a client.
        allow_auto_create_topics=False,
        metadata_max_age_ms=METADATA_MAX_AGE_MS,
    )


def _publishing(
    broker: KafkaBroker,
    publishes: Sequence[type[IntegrationEvent]],
    tracing: Tracing,
    readiness: ReadinessProbe,
) -> Publish:
    """How the relay and the dead-letter policy publish: through the documented publishers."""
    publishers = {
        event.topic: broker.publisher(
            event.topic,
            title=f"{event.topic}:publish",
            description=(event.__doc__ or "").strip(),
            schema=event,
        )
        for event in publishes
    }

    async def publish(topic: str, key: str, body: bytes, headers: dict[str, str]) -> None:
        target = publishers.get(topic)
        try:
            with tracing.publishing(headers):  # in the trace the event was written in
                if target is None:  # dead-letter topics are not part of the documented contract
                    await broker.publish(body, topic, key=key.encode(), headers=headers)
                else:
                    await target.publish(body, key=key.encode(), headers=headers)
        except Exception as error:
            readiness.publish_failed(error)  # /readyz says so until a publish works again
            raise
        readiness.published()

    return publish
