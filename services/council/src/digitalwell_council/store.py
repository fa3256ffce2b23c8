"""The only module that talks to council's MongoDB database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, UpdateOne

from digitalwell_council.domain import CaseStatus
from digitalwell_shared.mongo import Database, Document, Session


class CaseStore:
    """Cases, one per application."""

    def __init__(self, database: Database) -> None:
        self._cases = database["cases"]

    async def ensure_indexes(self) -> None:
        """One case per application; the queue lists by status and age."""
        await self._cases.create_index("application_id", unique=True)
        await self._cases.create_index([("status", ASCENDING), ("opened_at", ASCENDING)])

    async def insert_unless_exist(self, cases: Sequence[Document], session: Session) -> int:
        """Store new cases, except for applications that have one; return how many were new."""
        result = await self._cases.bulk_write(
            [
                UpdateOne(
                    {"application_id": case["application_id"]}, {"$setOnInsert": case}, upsert=True
                )
                for case in cases
            ],
            ordered=False,
            session=session,
        )
        return result.upserted_count

    async def by_application(
        self, application_id: str, session: Session | None = None
    ) -> Document | None:
        """The case of an application, if one was opened."""
        return await self._cases.find_one({"application_id": application_id}, session=session)

    async def by_id(self, case_id: str) -> Document | None:
        """One case."""
        return await self._cases.find_one({"_id": case_id})

    async def set_status(
        self, case_id: str, status: CaseStatus, at: datetime, session: Session
    ) -> None:
        """Move a case to ``status`` and note it in its history."""
        await self._cases.update_one(
            {"_id": case_id},
            {
                "$set": {"status": status.value, "updated_at": at},
                "$push": {"history": {"status": status.value, "at": at}},
            },
            session=session,
        )

    async def list(
        self, *, status: CaseStatus | None, application_id: str | None, limit: int
    ) -> list[Document]:
        """Cases, newest first, optionally of one status or one application."""
        query: dict[str, Any] = {}
        if status is not None:
            query["status"] = status.value
        if application_id is not None:
            query["application_id"] = application_id
        cursor = self._cases.find(query).sort("opened_at", DESCENDING).limit(limit)
        return [case async for case in cursor]
