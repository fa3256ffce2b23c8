"""The transactional outbox: events stored with the state change, published by a relay.

A service writes its state change and the outgoing event in one MongoDB
transaction (``Outbox.add``). The ``OutboxRelay`` publishes pending entries to
Kafka in the order they were written and then marks them published. A crash
between publishing and marking publishes the entry again later, which the
consumers' inbox turns into a no-op. Several replicas may run relays: each
claims a batch with a short lease that it renews while the batch is in flight
(``claims.Claims``), so a dead relay's batch is picked up again within seconds. A publish that
fails releases the rest of its batch at once, so the next round starts again at the oldest
unpublished entry and events about one key never overtake each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING

from digitalwell_shared.background import PollingLoop
from digitalwell_shared.claims import Claims, free, released
from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.lease import renewing
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Database, Document, Transaction
from digitalwell_shared.signing import EventSigner
from digitalwell_shared.tracing import Tracing

COLLECTION = "outbox"
PENDING = "pending"
PUBLISHED = "published"
_UNPUBLISHED = {"status": PENDING}

# publish(topic, key, body, headers) sends one message and returns once the broker acknowledged it.
Publish = Callable[[str, str, bytes, dict[str, str]], Awaitable[None]]

log = get_logger(__name__)


class Outbox:
    """Adds events to a service's outbox inside the caller's transaction."""

    def __init__(
        self, database: Database, signer: EventSigner, tracing: Tracing | None = None
    ) -> None:
        self._entries = database[COLLECTION]
        self._signer = signer
        self._tracing = tracing or Tracing()

    async def ensure_indexes(self) -> None:
        """Indexes the relay's queries need; safe to call on every start."""
        await self._entries.create_index([("status", ASCENDING), ("_id", ASCENDING)])
        await self._entries.create_index("event_id", unique=True)

    async def add(
        self, events: Sequence[tuple[IntegrationEvent, Envelope]], transaction: Transaction
    ) -> None:
        """Store events for publishing, in the same transaction as the state change."""
        if not events:
            return
        now = datetime.now(UTC)
        await self._entries.insert_many(
            [self._entry(event, envelope, now) for event, envelope in events],
            ordered=True,
            session=transaction,
        )

    def _entry(self, event: IntegrationEvent, envelope: Envelope, now: datetime) -> Document:
        body = event.model_dump_json()
        # Signed as it is stored, so whoever publishes the entry (the relay, the ops CLI's
        # republish) needs no private key, and the stored entry is exactly what goes out.
        headers = self._signer.sign(event.topic, event.key(), body.encode(), envelope.to_headers())
        # The trace context is taken now: the relay publishes later, outside this request.
        self._tracing.inject(headers, causation_id=envelope.causation_id)
        return {
            # ObjectIds grow with time, so sorting by _id publishes in write order.
            "event_id": envelope.id,
            "topic": event.topic,
            "key": event.key(),
            "headers": headers,
            "body": body,
            "status": PENDING,
            "created_at": now,
            "attempts": 0,
            **released(),
        }


class OutboxRelay:
    """Publishes pending outbox entries; woken by ``wake()`` or after ``poll_seconds``."""

    def __init__(
        self,
        database: Database,
        publish: Publish,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        lease_seconds: float = 5.0,
    ) -> None:
        self._entries = database[COLLECTION]
        self._publish = publish
        self._batch_size = batch_size
        self._lease = timedelta(seconds=lease_seconds)
        self._claims = Claims(self._entries)
        # A failed round (broker or database away) is retried after one poll interval.
        self._loop = PollingLoop(
            self._relay_round,
            name="outbox-relay",
            poll_seconds=poll_seconds,
            error_pause_seconds=poll_seconds,
        )

    def wake(self) -> None:
        """Ask the relay to look now: called after a transaction that added to the outbox."""
        self._loop.wake()

    async def start(self) -> None:
        """Run the relay in the background until ``stop``."""
        await self._loop.start()

    async def stop(self) -> None:
        """Finish the batch in hand, then stop."""
        await self._loop.stop()

    async def _relay_round(self) -> bool:
        return await self.relay_once() == self._batch_size  # a full batch: more may be waiting

    async def relay_once(self) -> int:
        """Claim a batch, publish it in order, mark it published; return how many went out.

        When a publish fails, what went out is marked published and the rest of the batch is
        released at once, and the error is raised: the next round starts at the entry that
        failed, so nothing newer overtakes it.
        """
        batch = await self._claim_batch()
        if not batch:
            return 0
        ids = [entry["_id"] for entry in batch]
        published: list[Any] = []
        async with renewing(lambda until: self._renew(ids, until), self._lease, name="outbox"):
            try:
                for entry in batch:
                    await self._publish(
                        entry["topic"], entry["key"], entry["body"].encode(), entry["headers"]
                    )
                    published.append(entry["_id"])
            finally:
                try:
                    await self._mark_published(published)
                finally:
                    await self._release(ids[len(published) :])
        return len(published)

    async def _mark_published(self, ids: list[Any]) -> None:
        if ids:
            await self._entries.update_many(
                {"_id": {"$in": ids}},
                {
                    "$set": {"status": PUBLISHED, "published_at": datetime.now(UTC)},
                    "$inc": {"attempts": 1},
                },
            )

    async def _release(self, ids: list[Any]) -> None:
        """Give up this relay's claim on entries it did not publish."""
        await self._claims.release(ids, where=_UNPUBLISHED)

    async def _renew(self, ids: list[Any], until: datetime) -> None:
        await self._claims.renew(ids, until, where=_UNPUBLISHED)

    async def _claim_batch(self) -> list[Document]:
        now = datetime.now(UTC)
        candidates = [
            entry["_id"]
            async for entry in self._entries.find({**_UNPUBLISHED, **free(now)}, {"_id": 1})
            .sort("_id", ASCENDING)
            .limit(self._batch_size)
        ]
        return await self._claims.take(candidates, now=now, lease=self._lease, where=_UNPUBLISHED)
