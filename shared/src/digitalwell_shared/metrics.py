"""Prometheus metrics FastStream does not give: per-topic consumption, outbox backlog, lag.

FastStream's ``KafkaPrometheusMiddleware`` already counts what is published per topic
(``faststream_published_messages_total{destination}``) and received per subscriber. A service
has one batch subscriber for all its topics, so the per-topic counts and durations of what it
consumes are ours, and so are the gauges computed when Prometheus scrapes: the outbox's
backlog and the age of its oldest entry (two queries on the relay's index), and this replica's
consumer lag (committed against end offset of each partition it is assigned).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from pymongo import ASCENDING

from digitalwell_shared.mongo import Database
from digitalwell_shared.outbox import COLLECTION as OUTBOX
from digitalwell_shared.outbox import PENDING


class ConsumerMetrics:
    """Events a service's consumer read, applied or skipped, and how long effects took."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.consumed = Counter(
            "digitalwell_events_consumed",
            "Events read by the service's consumer, by topic and outcome",
            ["topic", "outcome"],
            registry=registry,
        )
        self.handler_seconds = Histogram(
            "digitalwell_handler_seconds",
            "Time the effects of one topic's events in a batch took",
            ["topic"],
            registry=registry,
        )

    @contextmanager
    def timed(self, topic: str) -> Iterator[None]:
        """Observe how long the block takes, for ``topic``."""
        started = perf_counter()
        try:
            yield
        finally:
            self.handler_seconds.labels(topic).observe(perf_counter() - started)


class OutboxMetrics:
    """The outbox's pending entries and the age of the oldest, refreshed on each scrape."""

    def __init__(self, database: Database, registry: CollectorRegistry) -> None:
        self._entries = database[OUTBOX]
        self.pending = Gauge(
            "digitalwell_outbox_pending", "Outbox entries not yet published", registry=registry
        )
        self.oldest_seconds = Gauge(
            "digitalwell_outbox_oldest_pending_seconds",
            "Age of the oldest unpublished outbox entry (0 when none)",
            registry=registry,
        )

    async def refresh(self) -> None:
        """Count and date the pending entries, both on the relay's (status, _id) index."""
        self.pending.set(await self._entries.count_documents({"status": PENDING}))
        oldest = await self._entries.find_one(
            {"status": PENDING}, {"created_at": 1}, sort=[("_id", ASCENDING)]
        )
        age = (datetime.now(UTC) - oldest["created_at"]).total_seconds() if oldest else 0.0
        self.oldest_seconds.set(max(age, 0.0))


class LagMetrics:
    """The consumer lag of the partitions this replica holds, refreshed on each scrape.

    Summed over a service's replicas it is the group's lag (``digitalwell lag`` shows the same
    from outside). Partitions this replica no longer holds are dropped from the gauge.
    """

    def __init__(self, group: str, registry: CollectorRegistry) -> None:
        self._group = group
        self.lag = Gauge(
            "digitalwell_consumer_lag",
            "Events on a partition after the group's committed offset",
            ["group", "topic", "partition"],
            registry=registry,
        )
        self.beyond_end = Gauge(
            "digitalwell_consumer_offset_beyond_end",
            "How far the group's committed offset lies past a partition's end: records the "
            "broker lost (an anomaly, where lag would say 0)",
            ["group", "topic", "partition"],
            registry=registry,
        )
        self._reported: set[tuple[str, str, str]] = set()

    async def refresh(self, consumer: Any) -> None:
        """Read committed and end offsets of ``consumer``'s (an AIOKafkaConsumer) assignment."""
        partitions = list(consumer.assignment()) if consumer is not None else []
        ends = await consumer.end_offsets(partitions) if partitions else {}
        current = set()
        for tp in partitions:
            committed = await consumer.committed(tp)
            labels = (self._group, tp.topic, str(tp.partition))
            self.lag.labels(*labels).set(max(ends[tp] - (committed or 0), 0))
            self.beyond_end.labels(*labels).set(max((committed or 0) - ends[tp], 0))
            current.add(labels)
        for labels in self._reported - current:
            self.lag.remove(*labels)
            self.beyond_end.remove(*labels)
        self._reported = current
