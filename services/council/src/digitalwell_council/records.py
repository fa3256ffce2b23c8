"""What council's store takes and returns: cases, assessments, conflicts, decisions, the trail.

Frozen pydantic models; the store alone turns them into documents and back, so nothing else
knows a field name of the database or the ids it keeps for itself (an assessment's ``_id``,
``updated_at``, a roster entry's ``last_seen``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from digitalwell_council.domain import CaseStatus, Criterion
from digitalwell_council.reporting import CaseFacts
from digitalwell_shared.contracts import ApplicationSubmitted, Decision, SupportKind

__all__ = [
    "Assessment",
    "AuditAction",
    "AuditEntry",
    "Case",
    "CaseDecision",
    "CaseFacts",
    "CaseFile",
    "CaseLine",
    "Conflict",
    "GivenScore",
    "Member",
    "Score",
    "Support",
    "member_names",
    "scored_criteria",
]

AuditAction = Literal["opened", "scored", "conflict_declared", "decided", "withdrawn"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Member(_Record):
    """Someone who acts on a case: a council member (by ``key``), or intake, or the applicant."""

    key: str = Field(description="a member's e-mail address in lower case, else their staff id")
    name: str = ""
    id: str = ""
    email: str = ""


class Conflict(_Record):
    """A member's declared conflict of interest on a case."""

    member: Member
    reason: str = ""
    at: datetime


class Support(_Record):
    """A kind of support granted, with what it consists of."""

    kind: SupportKind
    note: str


class CaseDecision(_Record):
    """The chair's decision on a case."""

    decision: Decision
    support_granted: tuple[Support, ...] = ()
    motivation: str
    decided_at: datetime
    decided_by: Member
    assessed_by: tuple[str, ...] = ()


class CaseLine(_Record):
    """A case as the queue and the meeting list it: everything but the application's texts."""

    id: str
    application_id: str
    case_number: str = ""
    status: CaseStatus
    title: str
    organisation: str
    submitted_at: datetime
    opened_at: datetime
    scored_by: tuple[str, ...] = ()
    conflicted: frozenset[str] = frozenset()


class Case(_Record):
    """One application's case: the whole application, its state, conflicts and decision."""

    id: str
    application_id: str
    case_number: str = ""
    status: CaseStatus
    opened_at: datetime
    submitted_at: datetime
    correlation_id: str | None = None
    application: ApplicationSubmitted
    scored_by: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    withdrawn_at: datetime | None = None
    decision: CaseDecision | None = None

    @property
    def conflicted(self) -> frozenset[str]:
        """The keys of the members who declared a conflict of interest on the case."""
        return frozenset(conflict.member.key for conflict in self.conflicts)

    @property
    def line(self) -> CaseLine:
        """The case as the queue lists it."""
        return CaseLine(
            id=self.id,
            application_id=self.application_id,
            case_number=self.case_number,
            status=self.status,
            title=self.application.title,
            organisation=self.application.organisation.name,
            submitted_at=self.submitted_at,
            opened_at=self.opened_at,
            scored_by=self.scored_by,
            conflicted=self.conflicted,
        )


class GivenScore(_Record):
    """A score as a member gives it: the criterion, 1 to 5, and their reasons."""

    criterion: Criterion
    score: int
    comment: str


class Score(_Record):
    """A member's latest score on one criterion, and when they gave it."""

    score: int
    comment: str
    at: datetime


class Assessment(_Record):
    """One member's latest score per criterion on a case."""

    case_id: str
    member: Member
    scores: Mapping[Criterion, Score] = Field(default_factory=dict)


class AuditEntry(_Record):
    """Who did what to a case, when; the store only ever adds these.

    ``scores`` are what a scoring gave; ``details`` the rest the action recorded (a reason, the
    decision and its support, the case number), shown as recorded.
    """

    case_id: str
    action: AuditAction
    at: datetime
    actor: Member
    scores: tuple[GivenScore, ...] = ()
    details: Mapping[str, object] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A case with all that is known about it: the members' assessments, the trail, the roster."""

    case: Case
    assessments: Sequence[Assessment]
    audit: Sequence[AuditEntry]
    council: Mapping[str, str]  # key → name: the configured members and all who acted


def scored_criteria(assessments: Sequence[Assessment]) -> dict[str, set[Criterion]]:
    """Which criteria each member (by key) has scored on the case."""
    return {assessment.member.key: set(assessment.scores) for assessment in assessments}


def member_names(assessments: Sequence[Assessment]) -> dict[str, str]:
    """The names of the members who have scored the case, by key."""
    return {assessment.member.key: assessment.member.name for assessment in assessments}
