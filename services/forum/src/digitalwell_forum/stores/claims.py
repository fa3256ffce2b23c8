"""Claims: keys at most one live booking holds, (session, e-mail address) and (application)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from pymongo.errors import DuplicateKeyError

from digitalwell_forum.domain import normalise_email
from digitalwell_shared.mongo import Database, Transaction


def attendee_key(session_id: str, email: str) -> str:
    """The claim that keeps one person to one booking per session."""
    return f"attendee\x1f{session_id}\x1f{normalise_email(email)}"


def application_key(application_id: str) -> str:
    """The claim that keeps an application to one workshop booking at a time."""
    return f"application\x1f{application_id}"


class ClaimTakenError(Exception):
    """A live claim on ``key`` belongs to booking ``booking_id``: a signal, not a failure."""

    def __init__(self, key: str, booking_id: str) -> None:
        super().__init__(key)
        self.key = key
        self.booking_id = booking_id


class ClaimStore(Protocol):
    """Claims, each held by one booking until a moment (its session's end) or its release."""

    async def take(
        self, key: str, booking_id: str, *, until: datetime, now: datetime, transaction: Transaction
    ) -> None:
        """Take ``key`` for ``booking_id``, or raise ClaimTakenError naming its holder."""
        ...

    async def release(self, keys: Sequence[str], booking_id: str, transaction: Transaction) -> None:
        """Let go of the claims this booking holds, so the key can be booked again."""
        ...

    async def release_all(
        self, keys: Sequence[str], booking_ids: Sequence[str], transaction: Transaction
    ) -> None:
        """Let go of the claims that these bookings hold on these keys."""
        ...


class MongoClaimStore:
    """Claims in ``booking_claims``, one document per key.

    A claim lives until its session ends or its booking ends, whichever is first, so a
    cancelled booking can be made again, and an application can book its next workshop
    once the last one has taken place.
    """

    def __init__(self, database: Database) -> None:
        self._claims = database["booking_claims"]

    async def take(
        self, key: str, booking_id: str, *, until: datetime, now: datetime, transaction: Transaction
    ) -> None:
        """Take ``key`` for ``booking_id``, or raise ClaimTakenError naming the booking holding it.

        One upsert: the filter matches only a lapsed claim, and when a live one exists the
        insert of the same _id fails on the unique _id index, however many try at once.
        """
        try:
            await self._claims.update_one(
                {"_id": key, "until": {"$lte": now}},
                {"$set": {"booking_id": booking_id, "until": until}},
                upsert=True,
                session=transaction,
            )
        except DuplicateKeyError as taken:
            holder = await self._claims.find_one({"_id": key})
            raise ClaimTakenError(key, holder["booking_id"] if holder else "") from taken

    async def release(self, keys: Sequence[str], booking_id: str, transaction: Transaction) -> None:
        """Let go of the claims this booking holds, so the key can be booked again."""
        if keys:
            await self._claims.delete_many(
                {"_id": {"$in": list(keys)}, "booking_id": booking_id}, session=transaction
            )

    async def release_all(
        self, keys: Sequence[str], booking_ids: Sequence[str], transaction: Transaction
    ) -> None:
        """Let go of the claims that these bookings hold on these keys, in one delete."""
        if keys:
            await self._claims.delete_many(
                {"_id": {"$in": list(keys)}, "booking_id": {"$in": list(booking_ids)}},
                session=transaction,
            )
