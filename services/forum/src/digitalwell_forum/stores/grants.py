"""forum's own view of grants: which applications may book an Innovation Forum workshop."""

from __future__ import annotations

from typing import Protocol

from pymongo import ASCENDING

from digitalwell_forum.records import Grant
from digitalwell_shared.mongo import Database, Document, Transaction


class GrantStore(Protocol):
    """The latest decision on each application, found by its id or its case number."""

    async def record(self, grant: Grant, transaction: Transaction) -> None:
        """Keep the latest decision on an application, with its case number."""
        ...

    async def get(self, application_id: str) -> Grant | None:
        """The decision forum knows of, if any."""
        ...

    async def find(self, reference: str) -> Grant | None:
        """The decision on the application ``reference`` names: its id or its case number."""
        ...


class MongoGrantStore:
    """Grants in the ``grants`` collection, one document per application."""

    def __init__(self, database: Database) -> None:
        self._grants = database["grants"]

    async def ensure_indexes(self) -> None:
        """Applicants type their case number: the booking form looks grants up by it."""
        await self._grants.create_index([("case_number", ASCENDING)])

    async def record(self, grant: Grant, transaction: Transaction) -> None:
        """Keep the latest decision on an application, with its case number in capitals."""
        await self._grants.update_one(
            {"_id": grant.application_id},
            {
                "$set": {
                    "case_number": grant.case_number.upper(),
                    "innovation_forum": grant.innovation_forum,
                    "decided_at": grant.decided_at,
                }
            },
            upsert=True,
            session=transaction,
        )

    async def get(self, application_id: str) -> Grant | None:
        """The decision forum knows of, if any."""
        return _grant(await self._grants.find_one({"_id": application_id}))

    async def find(self, reference: str) -> Grant | None:
        """The decision on the application that ``reference`` names: its id or its case number.

        Case numbers are compared in capitals, so ``dw-2026-0001`` finds ``DW-2026-0001``.
        """
        return _grant(
            await self._grants.find_one(
                {"$or": [{"_id": reference}, {"case_number": reference.upper()}]}
            )
        )


def _grant(document: Document | None) -> Grant | None:
    if document is None:
        return None
    return Grant(
        application_id=document["_id"],
        case_number=document.get("case_number") or "",
        innovation_forum=bool(document.get("innovation_forum")),
        decided_at=document.get("decided_at"),
    )
