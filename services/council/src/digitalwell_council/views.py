"""How a case reads to a council member: the queue's line and the whole case as they may see it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from digitalwell_council.domain import (
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
    SupportOut,
)
from digitalwell_council.records import (
    Assessment,
    Case,
    CaseDecision,
    CaseFile,
    CaseLine,
    Member,
    member_names,
    scored_criteria,
)
from digitalwell_council.records import AuditEntry as AuditRecord


def _person(member: Member) -> Person:
    return Person(name=member.name, email=member.email)


def case_summary(case: CaseLine, now: datetime) -> CaseSummary:
    """The queue's line for a case; the score count leaves out members with a conflict."""
    return CaseSummary(
        id=case.id,
        application_id=case.application_id,
        case_number=case.case_number,
        status=case.status,
        title=case.title,
        organisation=case.organisation,
        submitted_at=case.submitted_at,
        opened_at=case.opened_at,
        age_days=max((now - case.submitted_at).days, 0),
        score_count=len(set(case.scored_by) - case.conflicted),
    )


def _criteria(counting: Sequence[Assessment], *, with_figures: bool) -> list[CriterionOut]:
    """Each criterion with the mean and spread of ``counting``'s scores (or none, if hidden)."""
    criteria = []
    for criterion in Criterion:
        given = [
            assessment.scores[criterion].score
            for assessment in counting
            if criterion in assessment.scores
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


def _member_scores(assessment: Assessment) -> MemberScores:
    scores = [
        ScoreOut(criterion=criterion, score=given.score, comment=given.comment, at=given.at)
        for criterion in Criterion
        if (given := assessment.scores.get(criterion)) is not None
    ]
    return MemberScores(
        member=_person(assessment.member), scores=scores, complete=len(scores) == len(Criterion)
    )


def assessment_view(
    assessments: Sequence[Assessment],
    council: Mapping[str, str],
    conflicted: Collection[str],
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
        (each for each in assessments if each.member.key not in conflicted),
        key=lambda each: each.member.name.casefold(),
    )
    shown = (
        counting if sight is Sight.ALL else [each for each in counting if each.member.key == viewer]
    )
    scored = scored_criteria(counting)
    everyone = dict(council) | member_names(assessments)
    return AssessmentOut(
        sight=sight,
        criteria=_criteria(shown, with_figures=sight is Sight.ALL),
        members=[_member_scores(assessment) for assessment in shown],
        not_scored=[
            _pending_out(pending) for pending in pending_members(everyone, scored, conflicted)
        ],
        quorum=_quorum_out(quorum(required, scored, member_names(assessments), conflicted)),
    )


def _audit_entry(entry: AuditRecord, *, sight: Sight, viewer: str) -> AuditEntry:
    details = dict(entry.details)
    if entry.action == "scored":
        hidden = sight is Sight.NONE or (sight is Sight.OWN and entry.actor.key != viewer)
        # Who scored which criteria is shown, not what they gave (see assessment_sight).
        details = (
            {"criteria": [given.criterion.value for given in entry.scores]}
            if hidden
            else {"scores": [given.model_dump(mode="json") for given in entry.scores], **details}
        )
    return AuditEntry(at=entry.at, action=entry.action, actor=_person(entry.actor), details=details)


def _decision(decision: CaseDecision | None) -> DecisionOut | None:
    if decision is None:
        return None
    return DecisionOut(
        decision=decision.decision,
        support_granted=[
            SupportOut(kind=support.kind, note=support.note) for support in decision.support_granted
        ],
        motivation=decision.motivation,
        decided_at=decision.decided_at,
        decided_by=_person(decision.decided_by),
        assessed_by=list(decision.assessed_by),
    )


def case_detail(
    case: Case,
    *,
    assessments: Sequence[Assessment],
    audit: Sequence[AuditRecord],
    council: Mapping[str, str],
    viewer: str,
    chair: bool,
    required: int,
    now: datetime,
) -> CaseDetail:
    """The whole case as ``viewer`` (a member key) may see it, by ``assessment_sight``."""
    conflicted = case.conflicted
    sight = assessment_sight(
        viewer,
        chair=chair,
        status=case.status,
        scored=scored_criteria(assessments),
        conflicted=conflicted,
    )
    return CaseDetail(
        **case_summary(case.line, now).model_dump(),
        application=case.application,
        withdrawn_at=case.withdrawn_at,
        conflicts=[
            ConflictOut(member=_person(each.member), reason=each.reason, at=each.at)
            for each in case.conflicts
        ],
        your_conflict=sight is Sight.NONE,
        assessment=None
        if sight is Sight.NONE
        else assessment_view(
            assessments, council, conflicted, sight=sight, viewer=viewer, required=required
        ),
        decision=_decision(case.decision),
        audit=[_audit_entry(entry, sight=sight, viewer=viewer) for entry in audit],
    )


def case_view(
    file: CaseFile, *, viewer: str, chair: bool, required: int, now: datetime
) -> CaseDetail:
    """A case file as ``viewer`` may see it (see ``case_detail``)."""
    return case_detail(
        file.case,
        assessments=file.assessments,
        audit=file.audit,
        council=file.council,
        viewer=viewer,
        chair=chair,
        required=required,
        now=now,
    )


def meeting(
    cases: Sequence[tuple[CaseLine, Sequence[Assessment]]],
    *,
    viewer: str,
    required: int,
    now: datetime,
) -> Meeting:
    """The cases ready for the chair's decision (quorum reached, not decided), oldest first.

    ``cases`` are those under assessment with their assessments. Means and spread per criterion
    are over the members without a conflict; a case on which ``viewer`` declared a conflict is
    listed without them, for another chair to decide.
    """
    ready = []
    for case, assessments in cases:
        conflicted = case.conflicted
        standing = quorum(
            required, scored_criteria(assessments), member_names(assessments), conflicted
        )
        if not standing.reached:
            continue
        counting = [each for each in assessments if each.member.key not in conflicted]
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
