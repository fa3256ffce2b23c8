"""The e-mail outbox and delivery log in one collection: the only code that knows its documents.

Besides the e-mail, a document holds the delivery worker's bookkeeping, which no record shows:
``claimed_until`` and ``claimed_by`` (the lease of the sender that took it) and
``waiting_for_relay`` (its retry is pulled forward once the relay answers again).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne

from digitalwell_notify.domain import DeliveryStatus
from digitalwell_notify.records import AttemptOutcome, Claim, Email
from digitalwell_shared.claims import CLAIMED_UNTIL, Claims, released
from digitalwell_shared.mongo import Database, Document, Transaction


class EmailStore(Protocol):
    """E-mails to send, each with its attempts."""

    async def enqueue(self, emails: Sequence[Email], transaction: Transaction) -> int:
        """Store e-mails to send, except those whose id exists; return how many were new."""
        ...

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> Claim:
        """Take up to ``limit`` due e-mails, so no other sender takes them during ``lease``."""
        ...

    async def renew_claim(self, claim: Claim, until: datetime) -> None:
        """Extend a live claim on those of its e-mails not yet recorded, to ``until``."""
        ...

    async def pull_forward(self, now: datetime) -> int:
        """Make the e-mails that wait for an absent relay due ``now``; return how many."""
        ...

    async def record_attempts(
        self, outcomes: Sequence[AttemptOutcome], transaction: Transaction
    ) -> None:
        """Log one attempt per e-mail and each e-mail's new status; release the claims."""
        ...

    async def list(
        self,
        *,
        application_id: str | None = None,
        recipient: str | None = None,
        status: DeliveryStatus | None = None,
        template: str | None = None,
        among_templates: Collection[str] | None = None,
        limit: int = 100,
    ) -> list[Email]:
        """The delivery log, newest first, filtered; ``among_templates`` limits it to those."""
        ...

    async def get(self, email_id: str) -> Email | None:
        """One e-mail, with its text and attempts."""
        ...

    async def resend(self, email_id: str, now: datetime) -> Email | None:
        """Queue a failed e-mail again, due ``now``; None unless it exists and has failed."""
        ...


class MongoEmailStore:
    """EmailStore in the ``emails`` collection."""

    def __init__(self, database: Database) -> None:
        self._emails = database["emails"]

    async def ensure_indexes(self) -> None:
        """The sender's queue order and the staff filters."""
        await self._emails.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
        await self._emails.create_index([("application_id", ASCENDING), ("created_at", DESCENDING)])
        await self._emails.create_index([("recipient", ASCENDING), ("created_at", DESCENDING)])

    async def enqueue(self, emails: Sequence[Email], transaction: Transaction) -> int:
        """Store e-mails to send, except those whose id exists; return how many were new."""
        if not emails:
            return 0
        documents = [email_document(email) for email in emails]
        result = await self._emails.bulk_write(
            [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in documents],
            ordered=False,
            session=transaction,
        )
        return result.upserted_count

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> Claim:
        """Take up to ``limit`` due e-mails, so no other sender takes them during ``lease``."""
        due = self._emails.find(
            {"status": DeliveryStatus.PENDING.value, "next_attempt_at": {"$lte": now}},
            {"_id": 1, CLAIMED_UNTIL: 1},
        ).sort("next_attempt_at", ASCENDING)
        # Skipping claimed e-mails here keeps the query on the (status, next_attempt_at) index.
        free = [email["_id"] async for email in due.limit(limit * 2) if email[CLAIMED_UNTIL] < now][
            :limit
        ]
        if not free:
            return Claim(token=uuid.uuid4().hex, emails=())
        claims = Claims(self._emails)
        pending = {"status": DeliveryStatus.PENDING.value}
        taken = await claims.take(free, now=now, lease=lease, where=pending, sort="next_attempt_at")
        return Claim(token=claims.holder, emails=tuple(email_record(doc) for doc in taken))

    async def renew_claim(self, claim: Claim, until: datetime) -> None:
        """Extend a live claim on those of its e-mails not yet recorded, to ``until``."""
        await Claims(self._emails, holder=claim.token).renew(
            [email.id for email in claim.emails], until
        )

    async def pull_forward(self, now: datetime) -> int:
        """Make the e-mails that wait for an absent relay due ``now``; return how many."""
        result = await self._emails.update_many(
            {
                "status": DeliveryStatus.PENDING.value,
                "next_attempt_at": {"$gt": now},
                "waiting_for_relay": True,
            },
            {"$set": {"next_attempt_at": now, "waiting_for_relay": False}},
        )
        return result.modified_count

    async def record_attempts(
        self, outcomes: Sequence[AttemptOutcome], transaction: Transaction
    ) -> None:
        """Log one attempt per e-mail and each e-mail's new status; release the claims."""
        updates = []
        for outcome in outcomes:
            attempt = outcome.attempt.model_dump()
            fields: dict[str, Any] = {
                "status": outcome.status.value,
                **released(),
                "updated_at": outcome.attempt.at,
                "waiting_for_relay": outcome.waiting_for_relay,
            }
            if outcome.next_attempt_at is not None:
                fields["next_attempt_at"] = outcome.next_attempt_at
            if outcome.status is DeliveryStatus.SENT:
                fields["sent_at"] = outcome.attempt.at
            updates.append(
                UpdateOne(
                    {"_id": outcome.email_id}, {"$push": {"attempts": attempt}, "$set": fields}
                )
            )
        await self._emails.bulk_write(updates, ordered=False, session=transaction)

    async def list(
        self,
        *,
        application_id: str | None = None,
        recipient: str | None = None,
        status: DeliveryStatus | None = None,
        template: str | None = None,
        among_templates: Collection[str] | None = None,
        limit: int = 100,
    ) -> list[Email]:
        """The delivery log, newest first, filtered; ``among_templates`` limits it to those."""
        query: dict[str, Any] = {}
        if among_templates is not None:
            if template and template not in among_templates:
                return []
            query["template"] = {"$in": sorted(among_templates)}
        if application_id:
            query["application_id"] = application_id
        if recipient:
            query["recipient"] = recipient.strip().lower()
        if status is not None:
            query["status"] = status.value
        if template:
            query["template"] = template
        cursor = self._emails.find(query).sort("created_at", DESCENDING).limit(limit)
        return [email_record(email) async for email in cursor]

    async def get(self, email_id: str) -> Email | None:
        """One e-mail, with its text and attempts."""
        found = await self._emails.find_one({"_id": email_id})
        return None if found is None else email_record(found)

    async def resend(self, email_id: str, now: datetime) -> Email | None:
        """Queue a failed e-mail again, due ``now``; None unless it exists and has failed.

        One conditional update, so two staff pressing resend at once queue it once.
        """
        resent = await self._emails.find_one_and_update(
            {"_id": email_id, "status": DeliveryStatus.FAILED.value},
            {
                "$set": {
                    "status": DeliveryStatus.PENDING.value,
                    "next_attempt_at": now,
                    **released(),
                    "resent_at": now,
                    "updated_at": now,
                }
            },
            return_document=ReturnDocument.AFTER,
        )
        return None if resent is None else email_record(resent)


def email_document(email: Email) -> Document:
    """The stored document of a new e-mail: due at once, claimed by nobody."""
    document = email.model_dump(mode="python", exclude={"id", "sent_at", "resent_at"})
    document["_id"] = email.id
    document["status"] = email.status.value
    document["attachments"] = [attachment.model_dump() for attachment in email.attachments]
    document["attempts"] = [attempt.model_dump() for attempt in email.attempts]
    document["next_attempt_at"] = email.next_attempt_at or email.created_at
    document["updated_at"] = email.updated_at or email.created_at
    document.update(released())
    for optional in ("sent_at", "resent_at"):
        if (moment := getattr(email, optional)) is not None:
            document[optional] = moment
    return document


def email_record(document: Document) -> Email:
    """The record of a stored e-mail; e-mails stored by older versions lack some fields."""
    fields = {
        key: value
        for key, value in document.items()
        if key in Email.model_fields and value is not None
    }
    fields["attachments"] = tuple(document.get("attachments") or ())
    fields["attempts"] = tuple(document.get("attempts") or ())
    return Email.model_validate({**fields, "id": document["_id"]})
