"""What council accepts and shows over HTTP: scores, conflicts, decisions, cases and reports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from digitalwell_council.domain import (
    COMMENT_MAX,
    CONFLICT_REASON_MAX,
    MOTIVATION_MAX,
    NOTE_MAX,
    SCORE_MAX,
    SCORE_MIN,
    CaseStatus,
    Criterion,
    Sight,
    check_support_granted,
)
from digitalwell_council.reporting import Period
from digitalwell_shared.contracts import ApplicationSubmitted, Decision, SupportKind
from digitalwell_shared.text import MultiLineText


def _require_text(value: str) -> str:
    value = value.strip()
    if not value:
        raise PydanticCustomError("blank", "Fill in this field; it must not be blank")
    return value


RequiredText = Annotated[MultiLineText, AfterValidator(_require_text)]


# -- requests ---------------------------------------------------------------------------------


class ScoreIn(BaseModel):
    """One criterion's score, 1 (weak) to 5 (strong), with the member's reasons."""

    model_config = ConfigDict(extra="forbid")

    criterion: Criterion
    score: int = Field(ge=SCORE_MIN, le=SCORE_MAX, description="1 (weak) to 5 (strong)")
    comment: RequiredText = Field(max_length=COMMENT_MAX, description="the member's reasons")


class ScoringRequest(BaseModel):
    """A member's scores on some or all criteria; a criterion scored again replaces the last."""

    model_config = ConfigDict(extra="forbid")

    scores: list[ScoreIn] = Field(min_length=1, max_length=len(Criterion))

    @model_validator(mode="after")
    def _each_criterion_once(self) -> Self:
        criteria = [score.criterion for score in self.scores]
        repeated = sorted({c.value for c in criteria if criteria.count(c) > 1})
        if repeated:
            raise PydanticCustomError(
                "criterion_repeated",
                "Score each criterion once (repeated: {repeated})",
                {"repeated": ", ".join(repeated)},
            )
        return self


class ConflictRequest(BaseModel):
    """A member's declaration of a conflict of interest, with what it is if they wish."""

    model_config = ConfigDict(extra="forbid")

    confirm: Literal[True] = Field(
        description=(
            "true: you confirm the declaration, which cannot be undone and hides the case's "
            "scores from you"
        )
    )
    reason: MultiLineText = Field(
        "",
        max_length=CONFLICT_REASON_MAX,
        description="an optional note, e.g. a tie to the applicant; kept in the audit trail",
    )


class SupportIn(BaseModel):
    """One kind of support granted, with what it consists of."""

    model_config = ConfigDict(extra="forbid")

    kind: SupportKind
    note: RequiredText = Field(max_length=NOTE_MAX, description="what the support consists of")


class DecisionRequest(BaseModel):
    """The chair's decision, granted with the support given or rejected, and its reasons."""

    model_config = ConfigDict(extra="forbid")

    decision: Decision
    support_granted: list[SupportIn] = Field(
        default_factory=list, description="required when granted, empty when rejected"
    )
    motivation: RequiredText = Field(
        max_length=MOTIVATION_MAX, description="the reasons, written to the applicant"
    )

    @field_validator("support_granted")
    @classmethod
    def _support_fits_the_decision(
        cls, support: list[SupportIn], info: ValidationInfo
    ) -> list[SupportIn]:
        decision = info.data.get("decision")  # absent when the decision itself is invalid
        if decision is not None:
            try:
                check_support_granted(decision, [each.kind for each in support])
            except ValueError as refused:
                message = str(refused)
                raise PydanticCustomError(
                    "support_granted", message[:1].upper() + message[1:]
                ) from refused
        return support


# -- responses --------------------------------------------------------------------------------


class CaseSummary(BaseModel):
    """A case as the queue lists it."""

    id: str
    application_id: str
    case_number: str
    status: CaseStatus
    title: str
    organisation: str
    submitted_at: datetime
    opened_at: datetime
    age_days: int = Field(description="whole days since the application was submitted")
    score_count: int = Field(
        description="how many council members (without a conflict of interest) have scored"
    )


class CaseList(BaseModel):
    """Cases, oldest first unless asked otherwise."""

    cases: list[CaseSummary]


class Person(BaseModel):
    """A member of staff as the case shows them."""

    name: str
    email: str = ""


class ScoreOut(BaseModel):
    """A member's latest score on one criterion."""

    criterion: Criterion
    score: int
    comment: str
    at: datetime


class MemberScores(BaseModel):
    """One member's latest scores on the case."""

    member: Person
    scores: list[ScoreOut]
    complete: bool = Field(description="true once every criterion is scored")


class CriterionOut(BaseModel):
    """The members' scores on one criterion: how many, the mean, and the spread as min and max."""

    criterion: Criterion
    label: str
    question: str
    count: int
    mean: float | None
    min: int | None
    max: int | None


class PendingOut(BaseModel):
    """A council member still to score some criterion."""

    member: Person
    missing: list[Criterion]


class QuorumOut(BaseModel):
    """Where the case stands against the quorum the decision needs."""

    required: int = Field(description="full assessments (every criterion) the decision needs")
    complete: int = Field(description="members without a conflict who scored every criterion")
    missing: int = Field(description="how many more full assessments are needed")
    reached: bool = Field(description="true once the chair may decide")
    incomplete: list[PendingOut] = Field(
        description="members who began scoring, with the criteria they have left"
    )


class AssessmentOut(BaseModel):
    """The members' scores as you may see them, the summary per criterion, who is still to score."""

    sight: Sight = Field(
        description=(
            "all: every member's scores, means and spread; own: only your own scores, until "
            "you have scored every criterion (independent assessment), so no means or spread"
        )
    )
    spread: Literal["min-max"] = Field(
        "min-max", description="the spread per criterion is the lowest and highest score"
    )
    criteria: list[CriterionOut]
    members: list[MemberScores]
    not_scored: list[PendingOut]
    quorum: QuorumOut


class ConflictOut(BaseModel):
    """A declared conflict of interest."""

    member: Person
    reason: str
    at: datetime


class SupportOut(BaseModel):
    """A kind of support granted."""

    kind: SupportKind
    note: str


class DecisionOut(BaseModel):
    """The chair's decision."""

    decision: Decision
    support_granted: list[SupportOut]
    motivation: str
    decided_at: datetime
    decided_by: Person
    assessed_by: list[str]


class AuditEntry(BaseModel):
    """Who did what, when; never changed once written."""

    at: datetime
    action: Literal["opened", "scored", "conflict_declared", "decided", "withdrawn"]
    actor: Person
    details: dict[str, object]


class CaseDetail(CaseSummary):
    """A case with the whole application, its assessment, decision and audit trail."""

    application: ApplicationSubmitted
    withdrawn_at: datetime | None = None
    conflicts: list[ConflictOut]
    your_conflict: bool = Field(
        description="you declared a conflict of interest: the scores are not shown to you"
    )
    assessment: AssessmentOut | None = Field(
        description="null for a member who declared a conflict of interest"
    )
    decision: DecisionOut | None
    audit: list[AuditEntry]


class MeetingCase(CaseSummary):
    """A case ready for the chair's decision, with the council's scores per criterion."""

    quorum: QuorumOut
    your_conflict: bool = Field(
        description="you declared a conflict of interest: another chair decides, no scores shown"
    )
    criteria: list[CriterionOut] | None = Field(
        description="mean and spread per criterion; null when you declared a conflict"
    )


class Meeting(BaseModel):
    """The council's meeting: the cases that reached the quorum and await a decision."""

    quorum: int = Field(description="full assessments a decision needs (COUNCIL_QUORUM)")
    cases: list[MeetingCase]


class ReportRowOut(BaseModel):
    """One month or year of the programme's work."""

    period: str = Field(description="2026-05 or 2026, in Swedish time")
    received: int = Field(description="applications submitted in the period")
    withdrawn: int = Field(description="applications withdrawn in the period")
    decided: int = Field(description="decisions taken in the period")
    granted: int
    rejected: int
    granted_by_kind: dict[SupportKind, int]
    median_days_to_decision: float | None = Field(
        description="median days from submission to decision, over the period's decisions"
    )


class Report(BaseModel):
    """The programme's figures, oldest period first."""

    period: Period
    time_zone: str
    rows: list[ReportRowOut]
