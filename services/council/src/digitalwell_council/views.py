"""How a case reads to a council member: the queue's line and the whole case as they may see it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from digitalwell_council.domain import (
    CaseStatus,
    Criterion,
    Pending,
    Quorum,
    Sight,
    assessment_sight,
    pending_members,
    quorum,
    summarise,
)
from digitalwell_council.models import (
    AssessmentOut,
    AuditEntry,
    CaseDetail,
    CaseSummary,
    ConflictOut,
    CriterionOut,
    DecisionOut,
    Meeting,
    MeetingCase,
    MemberScores,
    PendingOut,
    Person,
    QuorumOut,
    ScoreOut,
)
from digitalwell_council.store import CaseStore
from digitalwell_council.usecases import (
    conflicted_keys,
    council_roster,
    member_names,
    scored_criteria,
)
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


def _criteria(counting: Sequence[Document], *, with_figures: bool) -> list[CriterionOut]:
    """Each criterion with the mean and spread of ``counting``'s scores (or none, if hidden)."""
    criteria = []
    for criterion in Criterion:
        given = [
            int(assessment["scores"][criterion.value]["score"])
            for assessment in counting
            if criterion.value in assessment.get("scores", {})
        ]
        summary = summarise(criterion, given)
        criteria.append(
            CriterionOut(
                criterion=criterion,
                label=criterion.label,
                question=criterion.question,
                count=summary.count,
                mean=summary.mean if with_figures else None,
                min=summary.low if with_figures else None,
                max=summary.high if with_figures else None,
            )
        )
    return criteria


def _quorum_out(standing: Quorum) -> QuorumOut:
    return QuorumOut(
        required=standing.required,
        complete=standing.complete,
        missing=standing.missing,
        reached=standing.reached,
        incomplete=[_pending_out(each) for each in standing.incomplete],
    )


def _pending_out(pending: Pending) -> PendingOut:
    return PendingOut(
        member=Person(name=pending.name, email=pending.key if "@" in pending.key else ""),
        missing=list(pending.missing),
    )


def assessment_view(
    assessments: Sequence[Document],
    council: Mapping[str, str],
    conflicted: set[str],
    *,
    sight: Sight,
    viewer: str,
    required: int,
) -> AssessmentOut:
    """The members' latest scores as ``viewer`` may see them, who is still to score, the quorum.

    With ``Sight.OWN`` only the viewer's own scores are shown, and no means or spread (they are
    made of the others' scores). Scores of a member who later declared a conflict of interest
    do not count (the audit trail keeps them).
    """
    counting = sorted(
        (each for each in assessments if each["member"]["key"] not in conflicted),
        key=lambda each: str(each["member"]["name"]).casefold(),
    )
    shown = (
        counting
        if sight is Sight.ALL
        else [each for each in counting if each["member"]["key"] == viewer]
    )
    members = []
    for assessment in shown:
        scores = [
            ScoreOut(criterion=criterion, **assessment["scores"][criterion.value])
            for criterion in Criterion
            if criterion.value in assessment.get("scores", {})
        ]
        members.append(
            MemberScores(
                member=_person(assessment["member"]),
                scores=scores,
                complete=len(scores) == len(Criterion),
            )
        )
    scored = scored_criteria(counting)
    everyone = dict(council) | member_names(assessments)
    return AssessmentOut(
        sight=sight,
        criteria=_criteria(shown, with_figures=sight is Sight.ALL),
        members=members,
        not_scored=[
            _pending_out(pending) for pending in pending_members(everyone, scored, conflicted)
        ],
        quorum=_quorum_out(quorum(required, scored, member_names(assessments), conflicted)),
    )


def _audit_entry(entry: Document, *, sight: Sight, viewer: str) -> AuditEntry:
    details = dict(entry.get("details", {}))
    hidden = sight is Sight.NONE or (sight is Sight.OWN and entry["actor"].get("key") != viewer)
    if hidden and entry["action"] == "scored":
        # Who scored which criteria is shown, not what they gave (see assessment_sight).
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
    chair: bool,
    required: int,
    now: datetime,
) -> CaseDetail:
    """The whole case as ``viewer`` (a member key) may see it, by ``assessment_sight``."""
    conflicted = conflicted_keys(case)
    sight = assessment_sight(
        viewer,
        chair=chair,
        status=CaseStatus(case["status"]),
        scored=scored_criteria(assessments),
        conflicted=conflicted,
    )
    return CaseDetail(
        **case_summary(case, now).model_dump(),
        application=case["application"],
        withdrawn_at=case.get("withdrawn_at"),
        conflicts=[
            ConflictOut(member=_person(each["member"]), reason=each["reason"], at=each["at"])
            for each in case.get("conflicts", [])
        ],
        your_conflict=sight is Sight.NONE,
        assessment=None
        if sight is Sight.NONE
        else assessment_view(
            assessments, council, conflicted, sight=sight, viewer=viewer, required=required
        ),
        decision=_decision(case),
        audit=[_audit_entry(entry, sight=sight, viewer=viewer) for entry in audit],
    )


async def read_case(
    store: CaseStore,
    case_id: str,
    *,
    viewer: str,
    chair: bool,
    configured_members: Sequence[str],
    required: int,
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
        chair=chair,
        required=required,
        now=datetime.now(UTC),
    )


async def meeting(store: CaseStore, *, viewer: str, required: int) -> Meeting:
    """The cases ready for the chair's decision (quorum reached, not decided), oldest first.

    Means and spread per criterion are over the members without a conflict; a case on which
    ``viewer`` declared a conflict is listed without them, for another chair to decide.
    """
    cases = await store.queue(
        status=CaseStatus.UNDER_ASSESSMENT, application_id=None, oldest_first=True, limit=500
    )
    by_case: dict[str, list[Document]] = {}
    for assessment in await store.assessments_of([case["_id"] for case in cases]):
        by_case.setdefault(assessment["case_id"], []).append(assessment)
    now = datetime.now(UTC)
    ready = []
    for case in cases:
        conflicted = conflicted_keys(case)
        assessments = by_case.get(case["_id"], [])
        standing = quorum(
            required, scored_criteria(assessments), member_names(assessments), conflicted
        )
        if not standing.reached:
            continue
        counting = [each for each in assessments if each["member"]["key"] not in conflicted]
        yours = viewer in conflicted
        ready.append(
            MeetingCase(
                **case_summary(case, now).model_dump(),
                quorum=_quorum_out(standing),
                your_conflict=yours,
                criteria=None if yours else _criteria(counting, with_figures=True),
            )
        )
    return Meeting(quorum=required, cases=ready)
