"""What notify keeps about people: applicants it has met, events waiting for them, preferences."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Protocol

from pymongo import ASCENDING, UpdateOne

from digitalwell_notify.records import Applicant, ApplicationEvent, ParkedEvent
from digitalwell_shared.contracts import ApplicationWithdrawn, GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Database, Document, Transaction


class ApplicantStore(Protocol):
    """notify's own view of applicants, from ApplicationSubmitted: whom to write to, and how."""

    async def remember(self, applicants: Sequence[Applicant], transaction: Transaction) -> None:
        """Keep what later letters about the applications need (first submission wins)."""
        ...

    async def get(
        self, application_ids: Sequence[str], transaction: Transaction
    ) -> dict[str, Applicant]:
        """The applicants notify has seen submit these applications, by application id."""
        ...


class ParkedEventStore(Protocol):
    """Events that arrived before what they refer to, kept until it arrives.

    Topics are not ordered against each other: after an outage notify may read a decision
    before the submission it decides. The decision waits here instead of failing.
    """

    async def park(self, events: Sequence[ParkedEvent], transaction: Transaction) -> None:
        """Keep events (once per envelope id) until their application is known."""
        ...

    async def take(
        self, application_ids: Sequence[str], transaction: Transaction
    ) -> list[ParkedEvent]:
        """Remove and return the events waiting for these applications, oldest first."""
        ...


class PreferenceStore(Protocol):
    """Recipients' preferences: the categories of e-mail each address has left."""

    async def unsubscribed(
        self, recipient: str, category: str, transaction: Transaction | None = None
    ) -> bool:
        """True when ``recipient`` has unsubscribed from ``category``."""
        ...

    async def unsubscribed_among(
        self, recipients: Collection[str], category: str, transaction: Transaction
    ) -> set[str]:
        """Those of ``recipients`` (as stored: trimmed, lower-cased) who left ``category``."""
        ...

    async def unsubscribe(self, recipient: str, category: str, now: datetime) -> None:
        """Stop ``category`` for ``recipient``; again changes nothing, not even the time."""
        ...

    async def resubscribe(self, recipient: str, category: str, now: datetime) -> None:
        """Send ``category`` to ``recipient`` again."""
        ...


class MongoApplicantStore:
    """ApplicantStore in the ``applicants`` collection, one document per application."""

    def __init__(self, database: Database) -> None:
        self._applicants = database["applicants"]

    async def remember(self, applicants: Sequence[Applicant], transaction: Transaction) -> None:
        """Keep what later letters about the applications need (first submission wins)."""
        documents = [_applicant_document(applicant) for applicant in applicants]
        await self._applicants.bulk_write(
            [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in documents],
            ordered=False,
            session=transaction,
        )

    async def get(
        self, application_ids: Sequence[str], transaction: Transaction
    ) -> dict[str, Applicant]:
        """The applicants notify has seen submit these applications, by application id."""
        return {
            found["_id"]: _applicant(found)
            async for found in self._applicants.find(
                {"_id": {"$in": list(application_ids)}}, session=transaction
            )
        }


def _applicant_document(applicant: Applicant) -> Document:
    return {
        "_id": applicant.application_id,
        "recipient": applicant.recipient,
        "recipient_name": applicant.recipient_name,
        "language": applicant.language.value,
        "title": applicant.title,
        "organisation_name": applicant.organisation_name,
        "case_number": applicant.case_number,
    }


def _applicant(document: Document) -> Applicant:
    return Applicant(
        application_id=document["_id"],
        recipient=document["recipient"],
        recipient_name=document["recipient_name"],
        language=document["language"],
        title=document["title"],
        # Applicants remembered by older versions may lack these.
        organisation_name=document.get("organisation_name") or "",
        case_number=document.get("case_number") or None,
    )


class MongoParkedEventStore:
    """ParkedEventStore in the ``parked_events`` collection, keyed by the event's envelope id."""

    def __init__(self, database: Database) -> None:
        self._parked = database["parked_events"]

    async def ensure_indexes(self) -> None:
        """Submissions look for the decisions waiting for them."""
        await self._parked.create_index("application_id")

    async def park(self, events: Sequence[ParkedEvent], transaction: Transaction) -> None:
        """Keep events (once per envelope id) until their application is known."""
        documents = [_parked_document(parked) for parked in events]
        await self._parked.bulk_write(
            [UpdateOne({"_id": d["_id"]}, {"$setOnInsert": d}, upsert=True) for d in documents],
            ordered=False,
            session=transaction,
        )

    async def take(
        self, application_ids: Sequence[str], transaction: Transaction
    ) -> list[ParkedEvent]:
        """Remove and return the events waiting for these applications, oldest first."""
        query = {"application_id": {"$in": list(application_ids)}}
        waiting = [
            parked
            async for parked in self._parked.find(query, session=transaction).sort(
                "parked_at", ASCENDING
            )
        ]
        if waiting:
            await self._parked.delete_many(query, session=transaction)
        return [_parked(document) for document in waiting]


def _parked_document(parked: ParkedEvent) -> Document:
    return {
        "_id": parked.envelope.id,
        "application_id": parked.event.application_id,
        "ce_type": parked.event.ce_type,
        "event": parked.event.model_dump_json(),
        "envelope": asdict(parked.envelope),
        "parked_at": parked.parked_at,
    }


def _parked(document: Document) -> ParkedEvent:
    """The event a parked document holds; those parked before withdrawals were are decisions."""
    event: ApplicationEvent
    if document.get("ce_type") == ApplicationWithdrawn.ce_type:
        event = ApplicationWithdrawn.model_validate_json(document["event"])
    else:
        event = GrantDecided.model_validate_json(document["event"])
    return ParkedEvent(
        event=event, envelope=Envelope(**document["envelope"]), parked_at=document["parked_at"]
    )


_CATEGORY = re.compile(r"[a-z][a-z0-9_-]{0,39}")


def _preference_field(category: str) -> str:
    # The category becomes part of a field path: only plain names, never dots or dollars.
    if not _CATEGORY.fullmatch(category):
        raise ValueError(f"not a preference category: {category!r}")
    return f"unsubscribed.{category}"


class MongoPreferenceStore:
    """PreferenceStore in ``preferences``: one document per address, the categories it left.

    A document reads ``{"_id": address, "unsubscribed": {category: when}, "updated_at": ...}``.
    """

    def __init__(self, database: Database) -> None:
        self._preferences = database["preferences"]

    async def unsubscribed(
        self, recipient: str, category: str, transaction: Transaction | None = None
    ) -> bool:
        """True when ``recipient`` has unsubscribed from ``category``."""
        found = await self._preferences.find_one(
            {"_id": address(recipient), _preference_field(category): {"$exists": True}},
            projection={"_id": 1},
            session=transaction,
        )
        return found is not None

    async def unsubscribed_among(
        self, recipients: Collection[str], category: str, transaction: Transaction
    ) -> set[str]:
        """Those of ``recipients`` (as stored: trimmed, lower-cased) who left ``category``."""
        if not recipients:
            return set()
        found = self._preferences.find(
            {
                "_id": {"$in": [address(recipient) for recipient in recipients]},
                _preference_field(category): {"$exists": True},
            },
            projection={"_id": 1},
            session=transaction,
        )
        return {preference["_id"] async for preference in found}

    async def unsubscribe(self, recipient: str, category: str, now: datetime) -> None:
        """Stop ``category`` for ``recipient``; again changes nothing, not even the time."""
        await self._preferences.update_one(
            {"_id": address(recipient)},
            # $min keeps the first unsubscription's time when the link is used twice.
            {"$min": {_preference_field(category): now}, "$set": {"updated_at": now}},
            upsert=True,
        )

    async def resubscribe(self, recipient: str, category: str, now: datetime) -> None:
        """Send ``category`` to ``recipient`` again."""
        await self._preferences.update_one(
            {"_id": address(recipient)},
            {"$unset": {_preference_field(category): ""}, "$set": {"updated_at": now}},
        )


def address(recipient: str) -> str:
    """E-mail addresses as notify stores them: trimmed and lower-cased."""
    return recipient.strip().lower()
