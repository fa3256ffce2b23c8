"""Operators' database tasks: the outbox of a service, and one application across all services.

An operator's tool may read every service's database (a service never reads another's): it
finds each one through that service's own settings (``<PREFIX>MONGODB_URL`` and
``<PREFIX>MONGODB_DATABASE`` in the environment, or the defaults).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import ASCENDING

from digitalwell_shared.mongo import Database, create_client
from digitalwell_shared.outbox import COLLECTION as OUTBOX
from digitalwell_shared.outbox import PENDING, OutboxRelay

Document = dict[str, Any]


@dataclass(frozen=True)
class OutboxState:
    """How much of a service's outbox waits to be published, and since when."""

    pending: int
    oldest_pending_at: datetime | None


async def outbox_state(database: Database) -> OutboxState:
    """Pending entries and the oldest one's time; both queries use the relay's index."""
    entries = database[OUTBOX]
    pending = await entries.count_documents({"status": PENDING})
    oldest = await entries.find_one(
        {"status": PENDING}, {"created_at": 1}, sort=[("_id", ASCENDING)]
    )
    return OutboxState(pending, oldest["created_at"] if oldest else None)


async def republish_outbox(
    database: Database,
    bootstrap_servers: str,
    *,
    security: Mapping[str, Any] | None = None,
    on_batch: Callable[[int], None] = lambda _count: None,
) -> int:
    """Publish every pending entry a running relay does not hold, as the relay would.

    The same claim, publish and mark as the service's relay (``OutboxRelay``), so a running
    relay and this never publish the same batch at once; an entry published twice is a no-op
    for the consumers' inbox.
    """
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, acks="all", **(security or {}))
    await producer.start()

    async def publish(topic: str, key: str, body: bytes, headers: dict[str, str]) -> None:
        await producer.send_and_wait(
            topic,
            body,
            key=key.encode(),
            headers=[(name, value.encode()) for name, value in headers.items()],
        )

    relay = OutboxRelay(database, publish)
    total = 0
    try:
        while published := await relay.relay_once():
            total += published
            on_batch(published)
    finally:
        await producer.stop()
    return total


async def application_documents(
    database: Database, application_id: str
) -> dict[str, list[Document]]:
    """Every document of one database about ``application_id``, by collection.

    A document is about it when its ``_id`` or ``application_id`` is the id, or, in the outbox,
    when it is the event's key. Two plain queries per collection, no ``$or``: the collections
    a service looks up by application id have that index; the others are small or scanned once.
    """
    found: dict[str, list[Document]] = {}
    for name in sorted(await database.list_collection_names()):
        fields = ("key",) if name == OUTBOX else ("_id", "application_id")
        documents: dict[Any, Document] = {}
        for field in fields:
            async for document in database[name].find({field: application_id}):
                documents[document["_id"]] = document
        if documents:
            found[name] = list(documents.values())
    return found


async def open_database(url: str, name: str) -> tuple[Database, Callable[[], Awaitable[None]]]:
    """A service's database and the function that closes its client."""
    client = create_client(url, app_name="digitalwell-ops")
    return client[name], client.close
