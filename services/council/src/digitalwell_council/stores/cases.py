"""The only module that talks to council's MongoDB database: ``CaseStore`` and its Mongo class.

The use cases type against the ``CaseStore`` protocol and get records (``records.py``) back;
``MongoCaseStore`` alone knows the collections, their documents and their indexes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from pymongo import ASCENDING, DESCENDING, UpdateOne

from digitalwell_council.domain import CaseStatus
from digitalwell_council.records import (
    Assessment,
    AuditEntry,
    Case,
    CaseDecision,
    CaseFacts,
    CaseLine,
    Conflict,
    GivenScore,
    Member,
)
from digitalwell_council.stores import documents
from digitalwell_shared.mongo import Database, Transaction

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


class CaseStore(Protocol):
    """Cases (one per application), members' assessments, the council's roster and the audit trail.

    The audit trail is insert-only: there is no way to change or remove an entry.
    """

    async def insert_unless_exist(
        self, cases: Sequence[Case], transaction: Transaction
    ) -> list[str]:
        """Store new cases, except for applications that have one; return the new cases' ids."""
        ...

    async def by_application(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Case | None:
        """The case of an application, if one was opened."""
        ...

    async def by_id(self, case_id: str, transaction: Transaction | None = None) -> Case | None:
        """One case."""
        ...

    async def queue(
        self,
        *,
        status: CaseStatus | None,
        application_id: str | None,
        oldest_first: bool,
        limit: int,
    ) -> list[CaseLine]:
        """Cases in the queue's shape, by age, optionally of one status or one application."""
        ...

    async def withdraw(self, case_id: str, at: datetime, transaction: Transaction) -> None:
        """Close a case as withdrawn."""
        ...

    async def add_scorer(
        self,
        case_id: str,
        member: str,
        status: CaseStatus,
        at: datetime,
        transaction: Transaction,
    ) -> None:
        """Count ``member`` among the case's scorers and set the status scoring leads to."""
        ...

    async def add_conflict(
        self, case_id: str, conflict: Conflict, transaction: Transaction
    ) -> None:
        """Note a member's declared conflict of interest on the case."""
        ...

    async def decide(self, case_id: str, decision: CaseDecision, transaction: Transaction) -> bool:
        """Record the decision on a case under assessment; False if it was not (any more)."""
        ...

    def report_facts(self) -> AsyncIterator[CaseFacts]:
        """Every case's dates, decision and kinds of support, and nothing else."""
        ...

    async def save_scores(
        self,
        case_id: str,
        member: Member,
        scores: Sequence[GivenScore],
        at: datetime,
        transaction: Transaction,
    ) -> None:
        """Keep a member's latest score and comment per criterion on the case."""
        ...

    async def assessments(
        self, case_id: str, transaction: Transaction | None = None
    ) -> list[Assessment]:
        """Every member's latest scores on the case."""
        ...

    async def assessments_of(self, case_ids: Sequence[str]) -> list[Assessment]:
        """Every member's latest scores on each of the cases, in one query."""
        ...

    async def remember_member(self, member: Member, at: datetime, transaction: Transaction) -> None:
        """Note a council member who acted on a case, so the roster knows their name."""
        ...

    async def members(self) -> list[Member]:
        """Every council member who has acted on a case (key and name)."""
        ...

    async def append_audit(self, entries: Sequence[AuditEntry], transaction: Transaction) -> None:
        """Add entries to the audit trail; there is no update or delete."""
        ...

    async def audit(self, case_id: str) -> list[AuditEntry]:
        """The case's audit trail, oldest first."""
        ...


class MongoCaseStore:
    """``CaseStore`` on MongoDB: collections cases, assessments, members and audit."""

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
        self, cases: Sequence[Case], transaction: Transaction
    ) -> list[str]:
        """Store new cases, except for applications that have one; return the new cases' ids."""
        result = await self._cases.bulk_write(
            [
                UpdateOne(
                    {"application_id": case.application_id},
                    {"$setOnInsert": documents.case_document(case)},
                    upsert=True,
                )
                for case in cases
            ],
            ordered=False,
            session=transaction,
        )
        return [cases[index].id for index in result.upserted_ids or {}]

    async def by_application(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Case | None:
        """The case of an application, if one was opened."""
        found = await self._cases.find_one({"application_id": application_id}, session=transaction)
        return None if found is None else documents.case_record(found)

    async def by_id(self, case_id: str, transaction: Transaction | None = None) -> Case | None:
        """One case."""
        found = await self._cases.find_one({"_id": case_id}, session=transaction)
        return None if found is None else documents.case_record(found)

    async def queue(
        self,
        *,
        status: CaseStatus | None,
        application_id: str | None,
        oldest_first: bool,
        limit: int,
    ) -> list[CaseLine]:
        """Cases in the queue's shape, by age, optionally of one status or one application."""
        query: dict[str, Any] = {}
        if status is not None:
            query["status"] = status.value
        if application_id is not None:
            query["application_id"] = application_id
        order = ASCENDING if oldest_first else DESCENDING
        cursor = self._cases.find(query, _QUEUE_FIELDS).sort("submitted_at", order).limit(limit)
        return [documents.case_line_record(case) async for case in cursor]

    async def withdraw(self, case_id: str, at: datetime, transaction: Transaction) -> None:
        """Close a case as withdrawn."""
        await self._cases.update_one(
            {"_id": case_id},
            {"$set": {"status": CaseStatus.WITHDRAWN.value, "withdrawn_at": at, "updated_at": at}},
            session=transaction,
        )

    async def add_scorer(
        self,
        case_id: str,
        member: str,
        status: CaseStatus,
        at: datetime,
        transaction: Transaction,
    ) -> None:
        """Count ``member`` among the case's scorers and set the status scoring leads to."""
        await self._cases.update_one(
            {"_id": case_id},
            {
                "$set": {"status": status.value, "updated_at": at},
                "$addToSet": {"scored_by": member},
            },
            session=transaction,
        )

    async def add_conflict(
        self, case_id: str, conflict: Conflict, transaction: Transaction
    ) -> None:
        """Note a member's declared conflict of interest on the case."""
        await self._cases.update_one(
            {"_id": case_id},
            {"$push": {"conflicts": conflict.model_dump()}, "$set": {"updated_at": conflict.at}},
            session=transaction,
        )

    async def decide(self, case_id: str, decision: CaseDecision, transaction: Transaction) -> bool:
        """Record the decision on a case under assessment; False if it was not (any more)."""
        result = await self._cases.update_one(
            {"_id": case_id, "status": CaseStatus.UNDER_ASSESSMENT.value},
            {
                "$set": {
                    "status": CaseStatus.DECIDED.value,
                    "decision": documents.decision_document(decision),
                    "updated_at": decision.decided_at,
                }
            },
            session=transaction,
        )
        return result.modified_count == 1

    async def report_facts(self) -> AsyncIterator[CaseFacts]:
        """Every case's dates, decision and kinds of support, and nothing else."""
        async for case in self._cases.find({}, _REPORT_FIELDS):
            yield documents.facts_record(case)

    # -- assessments ----------------------------------------------------------------------

    async def save_scores(
        self,
        case_id: str,
        member: Member,
        scores: Sequence[GivenScore],
        at: datetime,
        transaction: Transaction,
    ) -> None:
        """Keep a member's latest score and comment per criterion on the case."""
        await self._assessments.update_one(
            {"_id": f"{case_id}|{member.key}"},
            {
                "$set": {
                    "case_id": case_id,
                    "member": member.model_dump(),
                    "updated_at": at,
                    **{
                        f"scores.{given.criterion.value}": {
                            "score": given.score,
                            "comment": given.comment,
                            "at": at,
                        }
                        for given in scores
                    },
                }
            },
            upsert=True,
            session=transaction,
        )

    async def assessments(
        self, case_id: str, transaction: Transaction | None = None
    ) -> list[Assessment]:
        """Every member's latest scores on the case."""
        cursor = self._assessments.find({"case_id": case_id}, session=transaction)
        return [documents.assessment_record(assessment) async for assessment in cursor]

    async def assessments_of(self, case_ids: Sequence[str]) -> list[Assessment]:
        """Every member's latest scores on each of the cases, in one query."""
        if not case_ids:
            return []
        cursor = self._assessments.find({"case_id": {"$in": list(case_ids)}})
        return [documents.assessment_record(assessment) async for assessment in cursor]

    # -- the council's roster -------------------------------------------------------------

    async def remember_member(self, member: Member, at: datetime, transaction: Transaction) -> None:
        """Note a council member who acted on a case, so the roster knows their name."""
        await self._members.update_one(
            {"_id": member.key},
            {"$set": {"name": member.name, "email": member.email, "last_seen": at}},
            upsert=True,
            session=transaction,
        )

    async def members(self) -> list[Member]:
        """Every council member who has acted on a case (key and name)."""
        return [
            Member(key=found["_id"], name=found.get("name", ""), email=found.get("email", ""))
            async for found in self._members.find({})
        ]

    # -- the audit trail ------------------------------------------------------------------

    async def append_audit(self, entries: Sequence[AuditEntry], transaction: Transaction) -> None:
        """Add entries to the audit trail; there is no update or delete."""
        if entries:
            written = [documents.audit_document(entry) for entry in entries]
            await self._audit.insert_many(written, ordered=True, session=transaction)

    async def audit(self, case_id: str) -> list[AuditEntry]:
        """The case's audit trail, oldest first."""
        cursor = self._audit.find({"case_id": case_id}).sort(
            [("at", ASCENDING), ("_id", ASCENDING)]
        )
        return [documents.audit_record(entry) async for entry in cursor]
