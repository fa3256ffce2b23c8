"""MongoDB through PyMongo's asyncio API: the client and the one way we run a transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pymongo import AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.read_concern import ReadConcern
from pymongo.write_concern import WriteConcern

Document = dict[str, Any]
Database = AsyncDatabase[Document]
Transaction = AsyncClientSession
Client = AsyncMongoClient[Document]
T = TypeVar("T")

TRANSACTION_LIFETIME_LIMIT_SECONDS = 5
"""How long the database lets a transaction live before it aborts it and frees what it wrote.

Our transactions are a few statements (milliseconds). A process killed inside one leaves it
open, holding the documents it wrote (intake's case-number counter) until this limit: mongod's
default of 60 s made the next submission after a kill -9 of intake wait a minute. Set on the
server: mongod's ``transactionLifetimeLimitSeconds`` (compose, docs/runbook.md), SecantusDB's
``transaction_lifetime_seconds`` (devstack). An aborted live transaction is retried by
``in_transaction`` (TransientTransactionError), so a slow one costs a retry, not an error.
"""


def create_client(url: str, *, app_name: str) -> Client:
    """A client that connects lazily, so creating it does no I/O."""
    return AsyncMongoClient(
        url, appname=app_name, tz_aware=True, serverSelectionTimeoutMS=5000, connect=False
    )


async def in_transaction(client: Client, work: Callable[[Transaction], Awaitable[T]]) -> T:
    """Run ``work`` in one multi-document transaction, retried on transient errors.

    Everything ``work`` writes in the transaction it is given commits together or
    not at all: the state change and its outbox entry, or an inbox mark and its
    effect.
    """
    async with client.start_session() as session:
        return await session.with_transaction(
            work,
            read_concern=ReadConcern("snapshot"),
            write_concern=WriteConcern("majority"),
        )


async def ping(database: Database) -> bool:
    """True when the database answers."""
    try:
        await database.command("ping")
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return False
    return True


UNCLAIMED = datetime(1970, 1, 1, tzinfo=UTC)
"""The lease time of a queue entry nobody holds: a time long past, rather than null, so "free
to claim" is the single range condition ``{"claimed_until": {"$lt": now}}``, which an index
answers, where an ``$or`` with null makes the embedded database scan the whole collection."""
