"""The only module that talks to notify's MongoDB database: the e-mail outbox and delivery log."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne

from digitalwell_notify.domain import DeliveryStatus
from digitalwell_shared.mongo import UNCLAIMED, Database, Document, Transaction


class ApplicantStore:
    """notify's own view of applicants, from ApplicationSubmitted: whom to write to, and how."""

    def __init__(self, database: Database) -> None:
        self._applicants = database["applicants"]

    async def remember(self, applicants: Sequence[Document], session: Transaction) -> None:
        """Keep what later letters about the applications need (first submission wins)."""
        await self._applicants.bulk_write(
            [
                UpdateOne({"_id": applicant["_id"]}, {"$setOnInsert": applicant}, upsert=True)
                for applicant in applicants
            ],
            ordered=False,
            session=session,
        )

    async def get(
        self, application_ids: Sequence[str], session: Transaction
    ) -> dict[str, Document]:
        """The applicants notify has seen submit these applications, by application id."""
        return {
            applicant["_id"]: applicant
            async for applicant in self._applicants.find(
                {"_id": {"$in": list(application_ids)}}, session=session
            )
        }


class ParkedEventStore:
    """Events that arrived before what they refer to, kept until it arrives.

    Topics are not ordered against each other: after an outage notify may read a decision
    before the submission it decides. The decision waits here instead of failing.
    """

    def __init__(self, database: Database) -> None:
        self._parked = database["parked_events"]

    async def ensure_indexes(self) -> None:
        """Submissions look for the decisions waiting for them."""
        await self._parked.create_index("application_id")

    async def park(self, events: Sequence[Document], session: Transaction) -> None:
        """Keep events (their ids are ``_id``) until their ``application_id`` is known."""
        await self._parked.bulk_write(
            [UpdateOne({"_id": e["_id"]}, {"$setOnInsert": e}, upsert=True) for e in events],
            ordered=False,
            session=session,
        )

    async def take(self, application_ids: Sequence[str], session: Transaction) -> list[Document]:
        """Remove and return the events waiting for these applications, oldest first."""
        query = {"application_id": {"$in": list(application_ids)}}
        waiting = [
            parked
            async for parked in self._parked.find(query, session=session).sort(
                "parked_at", ASCENDING
            )
        ]
        if waiting:
            await self._parked.delete_many(query, session=session)
        return waiting


@dataclass(frozen=True)
class AttemptRecord:
    """One delivery attempt to log, with the status it leaves its e-mail in."""

    key: str
    attempt: Document
    status: DeliveryStatus
    next_attempt_at: datetime | None = None
    waiting_for_relay: bool = False
    """The relay itself was away: the retry is pulled forward once it answers again."""


class EmailStore:
    """E-mails to send, each with its attempts: the outbox and the delivery log in one."""

    def __init__(self, database: Database) -> None:
        self._emails = database["emails"]

    async def ensure_indexes(self) -> None:
        """The sender's queue order and the staff filters."""
        await self._emails.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])
        await self._emails.create_index([("application_id", ASCENDING), ("created_at", DESCENDING)])
        await self._emails.create_index([("recipient", ASCENDING), ("created_at", DESCENDING)])

    async def enqueue(self, emails: Sequence[Document], session: Transaction) -> int:
        """Store e-mails to send, except those whose key exists; return how many were new."""
        if not emails:
            return 0
        result = await self._emails.bulk_write(
            [UpdateOne({"_id": e["_id"]}, {"$setOnInsert": e}, upsert=True) for e in emails],
            ordered=False,
            session=session,
        )
        return result.upserted_count

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[Document]:
        """Take up to ``limit`` due e-mails, so no other sender takes them during ``lease``."""
        due = self._emails.find(
            {"status": DeliveryStatus.PENDING.value, "next_attempt_at": {"$lte": now}},
            {"_id": 1, "claimed_until": 1},
        ).sort("next_attempt_at", ASCENDING)
        # Skipping claimed e-mails here keeps the query on the (status, next_attempt_at) index.
        free = [
            email["_id"] async for email in due.limit(limit * 2) if email["claimed_until"] < now
        ][:limit]
        if not free:
            return []
        claim = uuid.uuid4().hex
        await self._emails.update_many(
            {
                "_id": {"$in": free},
                "status": DeliveryStatus.PENDING.value,
                "claimed_until": {"$lt": now},
            },
            {"$set": {"claimed_until": now + lease, "claimed_by": claim}},
        )
        return [
            email async for email in self._emails.find({"_id": {"$in": free}, "claimed_by": claim})
        ]

    async def renew_claims(self, keys: Sequence[str], claim: str, until: datetime) -> None:
        """Extend a live claim on those of ``keys`` not yet recorded, to ``until``."""
        await self._emails.update_many(
            # By _id first: the embedded database answers that from an index.
            {"_id": {"$in": list(keys)}, "claimed_by": claim},
            {"$set": {"claimed_until": until}},
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
        self, outcomes: Sequence[AttemptRecord], session: Transaction
    ) -> None:
        """Log one attempt per e-mail and each e-mail's new status; release the claims."""
        updates = []
        for outcome in outcomes:
            attempt = outcome.attempt
            fields: dict[str, Any] = {
                "status": outcome.status.value,
                "claimed_until": UNCLAIMED,
                "claimed_by": None,
                "updated_at": attempt["at"],
                "waiting_for_relay": outcome.waiting_for_relay,
            }
            if outcome.next_attempt_at is not None:
                fields["next_attempt_at"] = outcome.next_attempt_at
            if outcome.status is DeliveryStatus.SENT:
                fields["sent_at"] = attempt["at"]
            updates.append(
                UpdateOne({"_id": outcome.key}, {"$push": {"attempts": attempt}, "$set": fields})
            )
        await self._emails.bulk_write(updates, ordered=False, session=session)

    async def list(
        self,
        *,
        application_id: str | None = None,
        recipient: str | None = None,
        status: DeliveryStatus | None = None,
        template: str | None = None,
        among_templates: Collection[str] | None = None,
        limit: int = 100,
    ) -> list[Document]:
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
        return [email async for email in cursor]

    async def get(self, key: str) -> Document | None:
        """One e-mail, with its text and attempts."""
        return await self._emails.find_one({"_id": key})

    async def resend(self, key: str, now: datetime) -> Document | None:
        """Queue a failed e-mail again, due ``now``; None unless it exists and has failed.

        One conditional update, so two staff pressing resend at once queue it once.
        """
        return await self._emails.find_one_and_update(
            {"_id": key, "status": DeliveryStatus.FAILED.value},
            {
                "$set": {
                    "status": DeliveryStatus.PENDING.value,
                    "next_attempt_at": now,
                    "claimed_until": UNCLAIMED,
                    "resent_at": now,
                    "updated_at": now,
                }
            },
            return_document=ReturnDocument.AFTER,
        )


_CATEGORY = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def _preference_field(category: str) -> str:
    # The category becomes part of a field path: only plain names, never dots or dollars.
    if not _CATEGORY.fullmatch(category):
        raise ValueError(f"not a preference category: {category!r}")
    return f"unsubscribed.{category}"


class PreferenceStore:
    """Recipients' preferences: one document per address, with the categories unsubscribed.

    A document reads ``{"_id": address, "unsubscribed": {category: when}, "updated_at": ...}``.
    """

    def __init__(self, database: Database) -> None:
        self._preferences = database["preferences"]

    async def unsubscribed(
        self, recipient: str, category: str, session: Transaction | None = None
    ) -> bool:
        """True when ``recipient`` has unsubscribed from ``category``."""
        found = await self._preferences.find_one(
            {"_id": _address(recipient), _preference_field(category): {"$exists": True}},
            projection={"_id": 1},
            session=session,
        )
        return found is not None

    async def unsubscribed_among(
        self, recipients: Collection[str], category: str, session: Transaction
    ) -> set[str]:
        """Those of ``recipients`` who have unsubscribed from ``category``."""
        if not recipients:
            return set()
        found = self._preferences.find(
            {
                "_id": {"$in": [_address(recipient) for recipient in recipients]},
                _preference_field(category): {"$exists": True},
            },
            projection={"_id": 1},
            session=session,
        )
        return {preference["_id"] async for preference in found}

    async def unsubscribe(self, recipient: str, category: str) -> None:
        """Stop ``category`` for ``recipient``; again changes nothing, not even the time."""
        now = datetime.now(UTC)
        await self._preferences.update_one(
            {"_id": _address(recipient)},
            # $min keeps the first unsubscription's time when the link is used twice.
            {"$min": {_preference_field(category): now}, "$set": {"updated_at": now}},
            upsert=True,
        )

    async def resubscribe(self, recipient: str, category: str) -> None:
        """Send ``category`` to ``recipient`` again."""
        await self._preferences.update_one(
            {"_id": _address(recipient)},
            {
                "$unset": {_preference_field(category): ""},
                "$set": {"updated_at": datetime.now(UTC)},
            },
        )


def _address(recipient: str) -> str:
    """E-mail addresses as notify stores them: trimmed and lower-cased."""
    return recipient.strip().lower()
