"""The only module that talks to notify's MongoDB database: the e-mail outbox and delivery log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from digitalwell_notify.domain import DeliveryStatus
from digitalwell_shared.mongo import Database, Document, Session


class EmailStore:
    """E-mails to send, each with its attempts: the outbox and the delivery log in one."""

    def __init__(self, database: Database) -> None:
        self._emails = database["emails"]

    async def ensure_indexes(self) -> None:
        """The sender's queue order and the staff filters."""
        await self._emails.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
        await self._emails.create_index([("application_id", ASCENDING), ("created_at", DESCENDING)])
        await self._emails.create_index([("recipient", ASCENDING), ("created_at", DESCENDING)])

    async def enqueue(self, email: Document, session: Session) -> bool:
        """Store an e-mail to send unless one with its key exists; True if it is new."""
        result = await self._emails.update_one(
            {"_id": email["_id"]}, {"$setOnInsert": email}, upsert=True, session=session
        )
        return result.upserted_id is not None

    async def claim_due(self, now: datetime, lease: timedelta) -> Document | None:
        """Take the next e-mail that is due, so no other sender takes it during ``lease``."""
        return await self._emails.find_one_and_update(
            {
                "status": DeliveryStatus.PENDING.value,
                "next_attempt_at": {"$lte": now},
                "$or": [{"claimed_until": None}, {"claimed_until": {"$lt": now}}],
            },
            {"$set": {"claimed_until": now + lease}},
            sort=[("next_attempt_at", ASCENDING)],
            return_document=ReturnDocument.AFTER,
        )

    async def next_due_at(self) -> datetime | None:
        """When the earliest pending e-mail is due."""
        email = await self._emails.find_one(
            {"status": DeliveryStatus.PENDING.value}, sort=[("next_attempt_at", ASCENDING)]
        )
        return None if email is None else email["next_attempt_at"]

    async def record_attempt(
        self,
        key: str,
        attempt: Document,
        *,
        status: DeliveryStatus,
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Log one attempt and the e-mail's new status; release the claim."""
        update: dict[str, Any] = {
            "$push": {"attempts": attempt},
            "$set": {"status": status.value, "claimed_until": None, "updated_at": attempt["at"]},
        }
        if next_attempt_at is not None:
            update["$set"]["next_attempt_at"] = next_attempt_at
        if status is DeliveryStatus.SENT:
            update["$set"]["sent_at"] = attempt["at"]
        await self._emails.update_one({"_id": key}, update)

    async def list(
        self,
        *,
        application_id: str | None = None,
        recipient: str | None = None,
        status: DeliveryStatus | None = None,
        limit: int = 100,
    ) -> list[Document]:
        """The delivery log, newest first, filtered."""
        query: dict[str, Any] = {}
        if application_id:
            query["application_id"] = application_id
        if recipient:
            query["recipient"] = recipient.strip().lower()
        if status is not None:
            query["status"] = status.value
        cursor = self._emails.find(query).sort("created_at", DESCENDING).limit(limit)
        return [email async for email in cursor]
