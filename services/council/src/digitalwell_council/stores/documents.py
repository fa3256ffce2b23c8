"""How council's store keeps its records as MongoDB documents, and reads them back.

Only ``store.py`` uses this module: the field names here are the database's, nowhere else.
"""

from __future__ import annotations

from digitalwell_council.domain import CaseStatus, Criterion
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
    Score,
)
from digitalwell_shared.contracts import Decision, SupportKind
from digitalwell_shared.mongo import Document


def case_document(case: Case) -> Document:
    """A new case as stored."""
    return {
        "_id": case.id,
        "application_id": case.application_id,
        "case_number": case.case_number,
        "status": case.status.value,
        "opened_at": case.opened_at,
        "updated_at": case.opened_at,
        "submitted_at": case.submitted_at,
        "correlation_id": case.correlation_id,
        "application": case.application.model_dump(mode="json"),
        "scored_by": list(case.scored_by),
        "conflicts": [conflict.model_dump() for conflict in case.conflicts],
    }


def member_record(document: Document) -> Member:
    """A member from the person stored with a case, score or entry."""
    return Member(
        key=document.get("key", ""),
        name=document.get("name", ""),
        id=document.get("id", ""),
        email=document.get("email", ""),
    )


def conflict_record(document: Document) -> Conflict:
    """A declared conflict of interest from its case's document."""
    return Conflict(
        member=member_record(document["member"]),
        reason=document.get("reason", ""),
        at=document["at"],
    )


def case_record(document: Document) -> Case:
    """A case from its document."""
    decision = document.get("decision")
    return Case(
        id=document["_id"],
        application_id=document["application_id"],
        case_number=document.get("case_number", ""),
        status=CaseStatus(document["status"]),
        opened_at=document["opened_at"],
        submitted_at=document["submitted_at"],
        correlation_id=document.get("correlation_id"),
        application=document["application"],
        scored_by=tuple(document.get("scored_by", [])),
        conflicts=tuple(
            Conflict(
                member=member_record(each["member"]), reason=each.get("reason", ""), at=each["at"]
            )
            for each in document.get("conflicts", [])
        ),
        withdrawn_at=document.get("withdrawn_at"),
        decision=None if decision is None else decision_record(decision),
    )


def case_line_record(document: Document) -> CaseLine:
    """A queue line from a case document read with the queue's fields."""
    return CaseLine(
        id=document["_id"],
        application_id=document["application_id"],
        case_number=document.get("case_number", ""),
        status=CaseStatus(document["status"]),
        title=document["application"]["title"],
        organisation=document["application"]["organisation"]["name"],
        submitted_at=document["submitted_at"],
        opened_at=document["opened_at"],
        scored_by=tuple(document.get("scored_by", [])),
        conflicted=frozenset(each["member"]["key"] for each in document.get("conflicts", [])),
    )


def decision_document(decision: CaseDecision) -> Document:
    """A decision as stored on its case."""
    return {
        "decision": decision.decision.value,
        "support_granted": [
            {"kind": support.kind.value, "note": support.note}
            for support in decision.support_granted
        ],
        "motivation": decision.motivation,
        "decided_at": decision.decided_at,
        "decided_by": decision.decided_by.model_dump(),
        "assessed_by": list(decision.assessed_by),
    }


def decision_record(document: Document) -> CaseDecision:
    """A decision from its case's document."""
    return CaseDecision(
        decision=Decision(document["decision"]),
        support_granted=document["support_granted"],
        motivation=document["motivation"],
        decided_at=document["decided_at"],
        decided_by=member_record(document["decided_by"]),
        assessed_by=tuple(document["assessed_by"]),
    )


def assessment_record(document: Document) -> Assessment:
    """A member's assessment from its document."""
    return Assessment(
        case_id=document["case_id"],
        member=member_record(document["member"]),
        scores={
            Criterion(name): Score(
                score=int(given["score"]), comment=given["comment"], at=given["at"]
            )
            for name, given in document.get("scores", {}).items()
        },
    )


def audit_document(entry: AuditEntry) -> Document:
    """An audit entry as stored."""
    details = dict(entry.details)
    if entry.action == "scored":
        details = {"scores": [given.model_dump(mode="json") for given in entry.scores], **details}
    return {
        "case_id": entry.case_id,
        "action": entry.action,
        "at": entry.at,
        "actor": entry.actor.model_dump(),
        "details": details,
    }


def audit_record(document: Document) -> AuditEntry:
    """An audit entry from its document."""
    details = dict(document.get("details", {}))
    scores = details.pop("scores", []) if document["action"] == "scored" else []
    return AuditEntry(
        case_id=document["case_id"],
        action=document["action"],
        at=document["at"],
        actor=member_record(document["actor"]),
        scores=tuple(GivenScore.model_validate(given) for given in scores),
        details=details,
    )


def facts_record(document: Document) -> CaseFacts:
    """What the report needs of a case, from its document read with the report's fields."""
    decision = document.get("decision") or {}
    return CaseFacts(
        submitted_at=document["submitted_at"],
        decided_at=decision.get("decided_at"),
        decision=Decision(decision["decision"]) if "decision" in decision else None,
        support_kinds=tuple(
            SupportKind(support["kind"]) for support in decision.get("support_granted", [])
        ),
        withdrawn_at=document.get("withdrawn_at"),
    )
