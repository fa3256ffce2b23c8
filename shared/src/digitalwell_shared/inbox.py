"""The inbox: each consumer records the ids of events it handled, with their effects, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Database, Transaction

COLLECTION = "inbox"


class Inbox:
    """Marks of the events one consumer has handled.

    The marks are written in the same transaction as the events' effects, so a
    redelivered event (after a crash, a rebalance or a relay that published twice)
    finds its mark and changes nothing.
    """

    def __init__(self, database: Database, consumer: str) -> None:
        self._marks = database[COLLECTION]
        self._consumer = consumer

    async def mark_new(self, envelopes: Sequence[Envelope], transaction: Transaction) -> set[str]:
        """Mark the events not handled before; return their ids (the ones to apply)."""
        ids = {envelope.id: envelope for envelope in envelopes}
        keys = [f"{self._consumer}:{event_id}" for event_id in ids]
        handled = {
            mark["event_id"]
            async for mark in self._marks.find(
                {"_id": {"$in": keys}}, {"event_id": 1}, session=transaction
            )
        }
        fresh = [envelope for event_id, envelope in ids.items() if event_id not in handled]
        if fresh:
            now = datetime.now(UTC)
            # A concurrent consumer marking the same event makes this insert fail, the
            # transaction abort and the batch retry, after which the mark is found above.
            await self._marks.insert_many(
                [
                    {
                        "_id": f"{self._consumer}:{envelope.id}",
                        "consumer": self._consumer,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "handled_at": now,
                    }
                    for envelope in fresh
                ],
                session=transaction,
            )
        return {envelope.id for envelope in fresh}
