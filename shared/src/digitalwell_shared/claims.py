"""Claims with a lease on queue entries: the one place that builds their queries.

A queue entry (an outbox entry, an e-mail to send, a job) carries two fields: ``claimed_until``,
the time until which a worker holds it, and ``claimed_by``, which worker. An entry is free
when ``claimed_until`` lies in the past; nobody's entry has ``UNCLAIMED``, a time long past
rather than null, so "free" is one range an index answers (``mongo.UNCLAIMED``). A worker
claims a batch for a short lease, renews the lease while it works (``lease.renewing``), and
releases what it did not finish, so another worker takes it at once; a worker that dies stops
renewing, and its batch is free again within one lease.

For a store, one ``Claims`` per worker (its ``holder`` is the worker's id)::

    claims = Claims(database["emails"])
    ids = [e["_id"] async for e in collection.find({"status": "pending", **free(now)}, {"_id": 1})
           .sort("_id").limit(100)]                   # the store finds candidates on its index
    batch = await claims.take(ids, now=now, lease=lease, where={"status": "pending"})
    async with renewing(lambda until: claims.renew(ids, until), lease, name="emails"):
        ...                                           # the work
    await claims.release(unfinished)

and, for the pieces a store writes itself (in a bulk write, in a transaction):

- ``free(now)``: the filter of entries nobody holds now;
- ``held_by(holder)``: the filter of entries one worker holds;
- ``taken(holder, until)``: the fields to ``$set`` to claim;
- ``released()``: the fields to ``$set`` to release, and those of a new, unclaimed entry.

Only stores use this module: use cases and records never see a claim's fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from digitalwell_shared.mongo import UNCLAIMED, Document

CLAIMED_UNTIL = "claimed_until"
CLAIMED_BY = "claimed_by"

Filter = Mapping[str, Any]


def free(now: datetime) -> Document:
    """The filter of entries nobody holds at ``now`` (their lease has run out, or never was)."""
    return {CLAIMED_UNTIL: {"$lt": now}}


def held_by(holder: str) -> Document:
    """The filter of entries ``holder`` claimed (and has not released)."""
    return {CLAIMED_BY: holder}


def taken(holder: str, until: datetime) -> Document:
    """The fields to ``$set`` for ``holder`` to hold an entry until ``until``."""
    return {CLAIMED_BY: holder, CLAIMED_UNTIL: until}


def released() -> Document:
    """The fields to ``$set`` to release an entry; also those of a new entry nobody holds."""
    return {CLAIMED_BY: None, CLAIMED_UNTIL: UNCLAIMED}


class Claims:
    """One worker's claims on the entries of one collection.

    ``where`` narrows each operation to the entries still worth holding (``{"status":
    "pending"}``): an entry that was finished meanwhile is neither claimed nor renewed.
    """

    def __init__(self, collection: AsyncCollection[Document], *, holder: str | None = None) -> None:
        self._entries = collection
        self.holder = holder or uuid.uuid4().hex

    async def take(
        self,
        ids: Sequence[Any],
        *,
        now: datetime,
        lease: timedelta,
        where: Filter | None = None,
        sort: str = "_id",
    ) -> list[Document]:
        """Claim those of ``ids`` that are free now, for ``lease``; the entries this worker got.

        Two workers that race for the same entries each get only what their own update won;
        the entries come back sorted by ``sort`` (write order, for ``_id``).
        """
        if not ids:
            return []
        condition = {**(where or {}), **free(now)}
        await self._entries.update_many(
            {"_id": {"$in": list(ids)}, **condition},
            {"$set": taken(self.holder, now + lease)},
        )
        mine = {"_id": {"$in": list(ids)}, **held_by(self.holder), **(where or {})}
        return [entry async for entry in self._entries.find(mine).sort(sort, ASCENDING)]

    async def renew(
        self, ids: Sequence[Any], until: datetime, *, where: Filter | None = None
    ) -> None:
        """Extend this worker's hold on those of ``ids`` it still has, to ``until``."""
        if ids:
            await self._entries.update_many(
                # By _id first: the embedded database answers that from an index.
                {"_id": {"$in": list(ids)}, **held_by(self.holder), **(where or {})},
                {"$set": {CLAIMED_UNTIL: until}},
            )

    async def release(self, ids: Sequence[Any], *, where: Filter | None = None) -> None:
        """Give up this worker's hold on ``ids`` at once, so another worker may take them now."""
        if ids:
            await self._entries.update_many(
                {"_id": {"$in": list(ids)}, **held_by(self.holder), **(where or {})},
                {"$set": released()},
            )
