"""How a case reads to a council member: the queue's line and the whole case as they may see it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from digitalwell_council.domain import Criterion, pending_members, summarise
from digitalwell_council.models import (
    AssessmentOut,
    AuditEntry,
    CaseDetail,
    CaseSummary,
    ConflictOut,
    CriterionOut,
    DecisionOut,
    MemberScores,
    PendingOut,
    Person,
    ScoreOut,
)
from digitalwell_council.store import CaseStore
from digitalwell_council.usecases import conflicted_keys, council_roster
from digitalwell_shared.mongo import Document


def _person(document: Document) -> Person:
    return Person(name=document.get("name", ""), email=document.get("email", ""))


def case_summary(case: Document, now: datetime) -> CaseSummary:
    """The queue's line for a case; the score count leaves out members with a conflict."""
    return CaseSummary(
        id=case["_id"],
        application_id=case["application_id"],
        case_number=case.get("case_number", ""),
        status=case["status"],
        title=case["application"]["title"],
        organisation=case["application"]["organisation"]["name"],
        submitted_at=case["submitted_at"],
        opened_at=case["opened_at"],
        age_days=max((now - case["submitted_at"]).days, 0),
        score_count=len(set(case.get("scored_by", [])) - conflicted_keys(case)),
    )


def assessment_view(
    assessments: Sequence[Document], council: Mapping[str, str], conflicted: set[str]
) -> AssessmentOut:
    """Each member's latest scores, mean and range per criterion, and who is still to score.

    Scores of a member who later declared a conflict of interest do not count (the audit
    trail keeps them).
    """
    counting = sorted(
        (each for each in assessments if each["member"]["key"] not in conflicted),
        key=lambda each: str(each["member"]["name"]).casefold(),
    )
    members = []
    given: dict[Criterion, list[int]] = {criterion: [] for criterion in Criterion}
    for assessment in counting:
        scores = [
            ScoreOut(criterion=criterion, **assessment["scores"][criterion.value])
            for criterion in Criterion
            if criterion.value in assessment.get("scores", {})
        ]
        for score in scores:
            given[score.criterion].append(score.score)
        members.append(
            MemberScores(
                member=_person(assessment["member"]),
                scores=scores,
                complete=len(scores) == len(Criterion),
            )
        )
    scored = {
        assessment["member"]["key"]: {Criterion(name) for name in assessment.get("scores", {})}
        for assessment in counting
    }
    everyone = dict(council) | {
        assessment["member"]["key"]: assessment["member"]["name"] for assessment in assessments
    }
    criteria = []
    for criterion in Criterion:
        summary = summarise(criterion, given[criterion])
        criteria.append(
            CriterionOut(
                criterion=criterion,
                label=criterion.label,
                question=criterion.question,
                count=summary.count,
                mean=summary.mean,
                min=summary.low,
                max=summary.high,
            )
        )
    return AssessmentOut(
        criteria=criteria,
        members=members,
        not_scored=[
            PendingOut(
                member=Person(name=pending.name, email=pending.key if "@" in pending.key else ""),
                missing=list(pending.missing),
            )
            for pending in pending_members(everyone, scored, conflicted)
        ],
    )


def _audit_entry(entry: Document, *, hide_scores: bool) -> AuditEntry:
    details = dict(entry.get("details", {}))
    if hide_scores and entry["action"] == "scored":
        # A member with a conflict of interest sees that someone scored, not what they gave.
        details = {"criteria": [score["criterion"] for score in details.get("scores", [])]}
    return AuditEntry(
        at=entry["at"], action=entry["action"], actor=_person(entry["actor"]), details=details
    )


def _decision(case: Document) -> DecisionOut | None:
    decision = case.get("decision")
    if decision is None:
        return None
    return DecisionOut(
        decision=decision["decision"],
        support_granted=decision["support_granted"],
        motivation=decision["motivation"],
        decided_at=decision["decided_at"],
        decided_by=_person(decision["decided_by"]),
        assessed_by=decision["assessed_by"],
    )


def case_detail(
    case: Document,
    *,
    assessments: Sequence[Document],
    audit: Sequence[Document],
    council: Mapping[str, str],
    viewer: str,
    now: datetime,
) -> CaseDetail:
    """The whole case as ``viewer`` (a member key) may see it: no scores after a conflict."""
    conflicted = conflicted_keys(case)
    hidden = viewer in conflicted
    return CaseDetail(
        **case_summary(case, now).model_dump(),
        application=case["application"],
        withdrawn_at=case.get("withdrawn_at"),
        conflicts=[
            ConflictOut(member=_person(each["member"]), reason=each["reason"], at=each["at"])
            for each in case.get("conflicts", [])
        ],
        your_conflict=hidden,
        assessment=None if hidden else assessment_view(assessments, council, conflicted),
        decision=_decision(case),
        audit=[_audit_entry(entry, hide_scores=hidden) for entry in audit],
    )


async def read_case(
    store: CaseStore, case_id: str, *, viewer: str, configured_members: Sequence[str]
) -> CaseDetail | None:
    """The whole case as ``viewer`` may see it, or None when no case has this id."""
    case = await store.by_id(case_id)
    if case is None:
        return None
    return case_detail(
        case,
        assessments=await store.assessments(case_id),
        audit=await store.audit(case_id),
        council=await council_roster(store, configured_members),
        viewer=viewer,
        now=datetime.now(UTC),
    )
