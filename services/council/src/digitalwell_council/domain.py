"""Pure rules of a council case: its states, the rubric, conflicts of interest and the decision."""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from digitalwell_shared.contracts import Decision, SupportKind

SCORE_MIN = 1
SCORE_MAX = 5
COMMENT_MAX = 2000
MOTIVATION_MAX = 5000
NOTE_MAX = 1000
CONFLICT_REASON_MAX = 1000


class CaseStatus(StrEnum):
    """Where a case is in the council's work."""

    NEW = "new"
    UNDER_ASSESSMENT = "under_assessment"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT})


class Criterion(StrEnum):
    """What the Innovation Council scores each application on."""

    NEED = "need"
    VIABILITY = "viability"
    PUBLIC_SECTOR_FIT = "public_sector_fit"
    INNOVATION = "innovation"
    FEASIBILITY = "feasibility"

    @property
    def label(self) -> str:
        """The criterion's name as the rubric reads."""
        return _CRITERION_TEXT[self][0]

    @property
    def question(self) -> str:
        """What a member asks of the application when scoring this criterion."""
        return _CRITERION_TEXT[self][1]


_CRITERION_TEXT = {
    Criterion.NEED: (
        "Need",
        "The need and who benefits, with the user's own abilities in focus.",
    ),
    Criterion.VIABILITY: (
        "Financial viability",
        "Can it become a financially viable product or service? Is the business model sound?",
    ),
    Criterion.PUBLIC_SECTOR_FIT: (
        "Public-sector fit",
        "Does it fit the public sector's needs and systems?",
    ),
    Criterion.INNOVATION: ("Innovation", "How new is it, compared with what exists?"),
    Criterion.FEASIBILITY: (
        "Feasibility and team",
        "Can the team carry it out, with the time, skills and means they have?",
    ),
}


class CaseRefusalError(Exception):
    """A move on a case that its rules forbid; the message says why (in English, for the API).

    ``reason`` names the rule for a page to tell in its reader's language: closed, decided,
    quorum, already_conflicted, conflict, changed.
    """

    def __init__(self, message: str, reason: str = "other") -> None:
        super().__init__(message)
        self.reason = reason


class IllegalMoveError(CaseRefusalError):
    """A case cannot make this move from its current status (HTTP 409)."""


class ConflictOfInterestError(CaseRefusalError):
    """The person declared a conflict of interest on the case (HTTP 403)."""


_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.UNDER_ASSESSMENT, CaseStatus.WITHDRAWN}),
    CaseStatus.UNDER_ASSESSMENT: frozenset({CaseStatus.DECIDED, CaseStatus.WITHDRAWN}),
    CaseStatus.DECIDED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


def check_move(current: CaseStatus, target: CaseStatus) -> None:
    """Raise IllegalMoveError, naming both states, unless ``current`` may become ``target``."""
    if target not in _ALLOWED[current]:
        raise IllegalMoveError(
            f"a case that is {current.value} cannot become {target.value}", "closed"
        )


def _check_open(status: CaseStatus, doing: str) -> None:
    if status not in OPEN_STATUSES:
        raise IllegalMoveError(f"the case is {status.value}: it can no longer be {doing}", "closed")


def status_after_scoring(
    status: CaseStatus, member: str, conflicted: Collection[str]
) -> CaseStatus:
    """The case's status once ``member`` has scored it; refuses a closed or conflicted case.

    The first score moves a new case to under assessment.
    """
    if member in conflicted:
        raise ConflictOfInterestError(
            "you declared a conflict of interest on this case, so you cannot score it", "conflict"
        )
    _check_open(status, "scored")
    return CaseStatus.UNDER_ASSESSMENT


def check_conflict_declaration(
    status: CaseStatus, member: str, conflicted: Collection[str]
) -> None:
    """A member declares a conflict once, while the case is still open."""
    if member in conflicted:
        raise IllegalMoveError(
            "you have already declared a conflict of interest on this case", "already_conflicted"
        )
    _check_open(status, "assessed")


@dataclass(frozen=True, slots=True)
class Assessor:
    """A council member who has scored the case."""

    key: str
    name: str


def assessors(scored: Iterable[Assessor], conflicted: Collection[str]) -> list[str]:
    """Names of the members whose assessment counts: those without a declared conflict."""
    return sorted(
        {assessor.name for assessor in scored if assessor.key not in conflicted}, key=str.casefold
    )


@dataclass(frozen=True, slots=True)
class Pending:
    """A council member who has not scored every criterion of the case."""

    key: str
    name: str
    missing: tuple[Criterion, ...]


def pending_members(
    council: Mapping[str, str],
    scored: Mapping[str, Collection[Criterion]],
    conflicted: Collection[str],
) -> list[Pending]:
    """Members of ``council`` (key → name) still to score a criterion; conflicted ones excused."""
    pending = []
    for key, name in council.items():
        if key in conflicted:
            continue
        done = scored.get(key, ())
        missing = tuple(criterion for criterion in Criterion if criterion not in done)
        if missing:
            pending.append(Pending(key, name, missing))
    return sorted(pending, key=lambda member: member.name.casefold())


def scored_in_full(
    scored: Mapping[str, Collection[Criterion]], conflicted: Collection[str]
) -> set[str]:
    """The members without a conflict who have scored every criterion: full assessments."""
    return {
        key
        for key, done in scored.items()
        if key not in conflicted and all(criterion in done for criterion in Criterion)
    }


# -- independent assessment ---------------------------------------------------------------------


class Sight(StrEnum):
    """How much of a case's assessment a person may see."""

    ALL = "all"  # every member's scores and comments, the means and the spread
    OWN = "own"  # only their own scores, until they have scored every criterion
    NONE = "none"  # nothing: they declared a conflict of interest


def assessment_sight(
    viewer: str,
    *,
    chair: bool,
    status: CaseStatus,
    scored: Mapping[str, Collection[Criterion]],
    conflicted: Collection[str],
) -> Sight:
    """What ``viewer`` may see of the others' assessments: the one rule for the API and pages.

    A member assesses on their own: they see no one else's scores or comments (nor the means
    they make) until they have scored every criterion themselves, so nobody anchors on what
    others gave. A conflict of interest hides everything, the chair's too. The chair, who
    decides and does not need to score, sees all; so does everyone once the case is closed,
    when there is no assessment left to sway.
    """
    if viewer in conflicted:
        return Sight.NONE
    if chair or status not in OPEN_STATUSES or viewer in scored_in_full(scored, conflicted):
        return Sight.ALL
    return Sight.OWN


# -- the decision -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quorum:
    """Where a case stands against the quorum: full assessments needed, given, and unfinished."""

    required: int
    complete: int
    incomplete: tuple[Pending, ...]  # members who began scoring and have criteria left

    @property
    def reached(self) -> bool:
        """Enough members without a conflict have scored every criterion to decide."""
        return self.complete >= self.required

    @property
    def missing(self) -> int:
        """How many more full assessments the decision needs."""
        return max(self.required - self.complete, 0)

    def shortfall(self) -> str:
        """What is missing before the case may be decided, in words (empty when reached)."""
        if self.reached:
            return ""
        given = "none" if self.complete == 0 else str(self.complete)
        text = (
            f"the case needs full assessments (every criterion scored) from {self.required} "
            f"council members without a conflict of interest and has {given}: "
            f"{self.missing} more needed"
        )
        if self.incomplete:
            unfinished = "; ".join(
                f"{member.name} has not scored {', '.join(c.value for c in member.missing)}"
                for member in self.incomplete
            )
            text += f" ({unfinished})"
        return text


def quorum(
    required: int,
    scored: Mapping[str, Collection[Criterion]],
    names: Mapping[str, str],
    conflicted: Collection[str],
) -> Quorum:
    """The quorum of ``required`` full assessments, counting only members without a conflict."""
    started = {key: names.get(key, key) for key in scored}
    return Quorum(
        required=required,
        complete=len(scored_in_full(scored, conflicted)),
        incomplete=tuple(pending_members(started, scored, conflicted)),
    )


def check_decision(
    status: CaseStatus, chair: str, conflicted: Collection[str], standing: Quorum
) -> None:
    """The chair may decide an open case that reached its quorum, on which they have no conflict."""
    if chair in conflicted:
        raise ConflictOfInterestError(
            "you declared a conflict of interest on this case, so you take no part in its decision",
            "conflict",
        )
    if status is CaseStatus.DECIDED:
        raise IllegalMoveError("the case is already decided: a decision is taken once", "decided")
    _check_open(status, "decided")
    if not standing.reached:
        raise IllegalMoveError(standing.shortfall(), "quorum")
    check_move(status, CaseStatus.DECIDED)


def check_support_granted(decision: Decision, kinds: Sequence[SupportKind]) -> None:
    """Granted means some support, each kind once; rejected means none."""
    if decision is Decision.GRANTED and not kinds:
        raise ValueError("name at least one kind of support when the decision is granted")
    if decision is Decision.REJECTED and kinds:
        raise ValueError("grant no support when the decision is rejected")
    repeated = sorted({kind.value for kind in kinds if list(kinds).count(kind) > 1})
    if repeated:
        raise ValueError(f"name each kind of support once (repeated: {', '.join(repeated)})")


@dataclass(frozen=True, slots=True)
class CriterionSummary:
    """The scores the members gave on one criterion: how many, their mean and range."""

    criterion: Criterion
    count: int
    mean: float | None
    low: int | None
    high: int | None


def summarise(criterion: Criterion, scores: Sequence[int]) -> CriterionSummary:
    """Mean (one decimal) and spread as the lowest and highest score; empty when none."""
    if not scores:
        return CriterionSummary(criterion, 0, None, None, None)
    return CriterionSummary(
        criterion, len(scores), round(statistics.fmean(scores), 1), min(scores), max(scores)
    )
