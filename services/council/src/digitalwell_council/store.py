"""The only module that talks to council's MongoDB database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, UpdateOne

from digitalwell_council.domain import CaseStatus, Criterion
from digitalwell_shared.mongo import Database, Document, Transaction

# What the queue shows of a case: everything but the application's long texts.
_QUEUE_FIELDS = {
    "application_id": 1,
    "case_number": 1,
    "status": 1,
    "opened_at": 1,
    "submitted_at": 1,
    "application.title": 1,
    "application.organisation.name": 1,
    "scored_by": 1,
    "conflicts.member.key": 1,
}
_REPORT_FIELDS = {
    "_id": 0,
    "submitted_at": 1,
    "withdrawn_at": 1,
    "decision.decision": 1,
    "decision.decided_at": 1,
    "decision.support_granted.kind": 1,
}


class CaseStore:
    """Cases (one per application), members' assessments, the council's roster and the audit trail.

    The audit trail is insert-only: this class has no way to change or remove an entry.
    """

    def __init__(self, database: Database) -> None:
        self._cases = database["cases"]
        self._assessments = database["assessments"]
        self._members = database["members"]
        self._audit = database["audit"]

    async def ensure_indexes(self) -> None:
        """One case per application; the queue lists by status and age; the rest by case."""
        await self._cases.create_index("application_id", unique=True)
        await self._cases.create_index([("status", ASCENDING), ("submitted_at", ASCENDING)])
        await self._cases.create_index("submitted_at")
        await self._assessments.create_index("case_id")
        await self._audit.create_index([("case_id", ASCENDING), ("at", ASCENDING)])

    # -- cases ----------------------------------------------------------------------------

    async def insert_unless_exist(
        self, cases: Sequence[Document], session: Transaction
    ) -> list[str]:
        """Store new cases, except for applications that have one; return the new cases' ids."""
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
        return [cases[index]["_id"] for index in result.upserted_ids or {}]

    async def by_application(
        self, application_id: str, session: Transaction | None = None
    ) -> Document | None:
        """The case of an application, if one was opened."""
        return await self._cases.find_one({"application_id": application_id}, session=session)

    async def by_id(self, case_id: str, session: Transaction | None = None) -> Document | None:
        """One case."""
        return await self._cases.find_one({"_id": case_id}, session=session)

    async def queue(
        self,
        *,
        status: CaseStatus | None,
        application_id: str | None,
        oldest_first: bool,
        limit: int,
    ) -> list[Document]:
        """Cases in the queue's shape, by age, optionally of one status or one application."""
        query: dict[str, Any] = {}
        if status is not None:
            query["status"] = status.value
        if application_id is not None:
            query["application_id"] = application_id
        order = ASCENDING if oldest_first else DESCENDING
        cursor = self._cases.find(query, _QUEUE_FIELDS).sort("submitted_at", order).limit(limit)
        return [case async for case in cursor]

    async def withdraw(self, case_id: str, at: datetime, session: Transaction) -> None:
        """Close a case as withdrawn."""
        await self._cases.update_one(
            {"_id": case_id},
            {"$set": {"status": CaseStatus.WITHDRAWN.value, "withdrawn_at": at, "updated_at": at}},
            session=session,
        )

    async def add_scorer(
        self, case_id: str, member: str, status: CaseStatus, at: datetime, session: Transaction
    ) -> None:
        """Count ``member`` among the case's scorers and set the status scoring leads to."""
        await self._cases.update_one(
            {"_id": case_id},
            {
                "$set": {"status": status.value, "updated_at": at},
                "$addToSet": {"scored_by": member},
            },
            session=session,
        )

    async def add_conflict(self, case_id: str, conflict: Document, session: Transaction) -> None:
        """Note a member's declared conflict of interest on the case."""
        await self._cases.update_one(
            {"_id": case_id},
            {"$push": {"conflicts": conflict}, "$set": {"updated_at": conflict["at"]}},
            session=session,
        )

    async def decide(self, case_id: str, decision: Document, session: Transaction) -> bool:
        """Record the decision on a case under assessment; False if it was not (any more)."""
        result = await self._cases.update_one(
            {"_id": case_id, "status": CaseStatus.UNDER_ASSESSMENT.value},
            {
                "$set": {
                    "status": CaseStatus.DECIDED.value,
                    "decision": decision,
                    "updated_at": decision["decided_at"],
                }
            },
            session=session,
        )
        return result.modified_count == 1

    async def report_facts(self) -> AsyncIterator[Document]:
        """Every case's dates, decision and kinds of support, and nothing else."""
        async for case in self._cases.find({}, _REPORT_FIELDS):
            yield case

    # -- assessments ----------------------------------------------------------------------

    async def save_scores(
        self,
        case_id: str,
        member: Document,
        scores: Sequence[tuple[Criterion, int, str]],
        at: datetime,
        session: Transaction,
    ) -> None:
        """Keep a member's latest score and comment per criterion on the case."""
        await self._assessments.update_one(
            {"_id": f"{case_id}|{member['key']}"},
            {
                "$set": {
                    "case_id": case_id,
                    "member": member,
                    "updated_at": at,
                    **{
                        f"scores.{criterion.value}": {"score": score, "comment": comment, "at": at}
                        for criterion, score, comment in scores
                    },
                }
            },
            upsert=True,
            session=session,
        )

    async def assessments(self, case_id: str, session: Transaction | None = None) -> list[Document]:
        """Every member's latest scores on the case."""
        cursor = self._assessments.find({"case_id": case_id}, session=session)
        return [assessment async for assessment in cursor]

    async def assessments_of(self, case_ids: Sequence[str]) -> list[Document]:
        """Every member's latest scores on each of the cases, in one query."""
        if not case_ids:
            return []
        cursor = self._assessments.find({"case_id": {"$in": list(case_ids)}})
        return [assessment async for assessment in cursor]

    # -- the council's roster -------------------------------------------------------------

    async def remember_member(self, member: Document, at: datetime, session: Transaction) -> None:
        """Note a council member who acted on a case, so the roster knows their name."""
        await self._members.update_one(
            {"_id": member["key"]},
            {"$set": {"name": member["name"], "email": member["email"], "last_seen": at}},
            upsert=True,
            session=session,
        )

    async def members(self) -> list[Document]:
        """Every council member who has acted on a case."""
        return [member async for member in self._members.find({})]

    # -- the audit trail ------------------------------------------------------------------

    async def append_audit(self, entries: Sequence[Document], session: Transaction) -> None:
        """Add entries to the audit trail; there is no update or delete."""
        if entries:
            await self._audit.insert_many(list(entries), ordered=True, session=session)

    async def audit(self, case_id: str) -> list[Document]:
        """The case's audit trail, oldest first."""
        cursor = self._audit.find({"case_id": case_id}).sort(
            [("at", ASCENDING), ("_id", ASCENDING)]
        )
        return [entry async for entry in cursor]
