"""The inbox: each consumer records the ids of events it handled, with the effect, once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pymongo.errors import DuplicateKeyError

from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Client, Database, Session, in_transaction

COLLECTION = "inbox"


class _AlreadyHandled(Exception):  # noqa: N818 - a signal, not an error
    """Aborts the transaction when the mark exists: a failed write must not be committed."""


class Inbox:
    """Runs a consumer's effect at most once per event id.

    The mark and the effect commit in one transaction, so a redelivered event
    (after a crash, a rebalance or a relay that published twice) finds its
    mark and changes nothing.
    """

    def __init__(self, client: Client, database: Database, consumer: str) -> None:
        self._client = client
        self._marks = database[COLLECTION]
        self._consumer = consumer

    async def handle_once(
        self, envelope: Envelope, effect: Callable[[Session], Awaitable[None]]
    ) -> bool:
        """Apply ``effect`` unless this event was handled before; True if it was applied now."""

        async def mark_and_apply(session: Session) -> None:
            try:
                await self._marks.insert_one(
                    {
                        "_id": f"{self._consumer}:{envelope.id}",
                        "consumer": self._consumer,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "handled_at": datetime.now(UTC),
                    },
                    session=session,
                )
            except DuplicateKeyError as duplicate:
                raise _AlreadyHandled from duplicate
            await effect(session)

        try:
            await in_transaction(self._client, mark_and_apply)
        except _AlreadyHandled:
            return False
        return True
