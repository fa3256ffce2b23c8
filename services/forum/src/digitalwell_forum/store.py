"""The only module that talks to forum's MongoDB database."""

from __future__ import annotations

from datetime import datetime

from digitalwell_shared.mongo import Database, Document, Session


class EligibilityStore:
    """forum's own view of grants: which applications may book an Innovation Forum workshop."""

    def __init__(self, database: Database) -> None:
        self._grants = database["grants"]

    async def record(
        self,
        application_id: str,
        *,
        innovation_forum: bool,
        decided_at: datetime,
        session: Session,
    ) -> None:
        """Keep the latest decision on an application."""
        await self._grants.update_one(
            {"_id": application_id},
            {"$set": {"innovation_forum": innovation_forum, "decided_at": decided_at}},
            upsert=True,
            session=session,
        )

    async def get(self, application_id: str) -> Document | None:
        """The decision forum knows of, if any."""
        return await self._grants.find_one({"_id": application_id})
