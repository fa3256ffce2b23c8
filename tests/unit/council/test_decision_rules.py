"""The chair's decision: when it may be taken, and what a valid one holds."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from digitalwell_council.domain import (
    MOTIVATION_MAX,
    CaseStatus,
    ConflictOfInterestError,
    Criterion,
    IllegalMoveError,
    Quorum,
    check_decision,
    quorum,
)
from digitalwell_council.models import DecisionRequest, ScoringRequest

FULL = set(Criterion)
NAMES = {"anna@x": "Anna", "bo@x": "Bo", "cia@x": "Cia"}
REACHED = Quorum(required=2, complete=2, incomplete=())


def test_a_case_at_its_quorum_may_be_decided_by_a_chair_without_a_conflict() -> None:
    check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", {"bo@x"}, REACHED)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (CaseStatus.DECIDED, "already decided"),
        (CaseStatus.WITHDRAWN, "withdrawn"),
        (CaseStatus.NEW, "needs full assessments"),
    ],
)
def test_a_decided_withdrawn_or_unassessed_case_cannot_be_decided(
    status: CaseStatus, reason: str
) -> None:
    standing = quorum(2, {}, {}, set()) if status is CaseStatus.NEW else REACHED
    with pytest.raises(IllegalMoveError, match=reason):
        check_decision(status, "chair@x", set(), standing)


def test_a_chair_with_a_declared_conflict_takes_no_part_in_the_decision() -> None:
    with pytest.raises(ConflictOfInterestError, match="no part in its decision"):
        check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", {"chair@x"}, REACHED)


def test_the_quorum_counts_members_without_a_conflict_who_scored_every_criterion() -> None:
    scored = {"anna@x": FULL, "bo@x": {Criterion.NEED}, "cia@x": FULL}

    standing = quorum(2, scored, NAMES, {"cia@x"})

    assert (standing.complete, standing.missing, standing.reached) == (1, 1, False)
    assert [(member.name, len(member.missing)) for member in standing.incomplete] == [("Bo", 4)]


def test_below_the_quorum_the_refusal_says_how_many_more_and_what_is_left_for_whom() -> None:
    scored = {"anna@x": FULL, "bo@x": {Criterion.NEED, Criterion.VIABILITY, Criterion.INNOVATION}}
    standing = quorum(2, scored, NAMES, set())

    with pytest.raises(IllegalMoveError) as refused:
        check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", set(), standing)

    assert str(refused.value) == (
        "the case needs full assessments (every criterion scored) from 2 council members "
        "without a conflict of interest and has 1: 1 more needed "
        "(Bo has not scored public_sector_fit, feasibility)"
    )


def test_a_case_whose_only_full_assessment_is_conflicted_has_none() -> None:
    standing = quorum(1, {"bo@x": FULL}, NAMES, {"bo@x"})

    assert (standing.complete, standing.reached, standing.incomplete) == (0, False, ())
    assert "and has none: 1 more needed" in standing.shortfall()


def test_a_larger_quorum_needs_more_and_a_reached_one_says_nothing_is_missing() -> None:
    scored = {"anna@x": FULL, "bo@x": FULL, "cia@x": FULL}

    assert quorum(4, scored, NAMES, set()).missing == 1
    assert quorum(3, scored, NAMES, set()).shortfall() == ""


def _decision(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "decision": "granted",
        "support_granted": [{"kind": "coaching", "note": "Ten hours with a coach."}],
        "motivation": "A clear need and a viable business model.",
    }
    return body | changes


def test_a_complete_decision_is_valid_and_trimmed() -> None:
    decision = DecisionRequest.model_validate(_decision(motivation="  Clear need.  "))

    assert decision.motivation == "Clear need."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"motivation": "   "}, "must not be blank"),
        ({"motivation": "x" * (MOTIVATION_MAX + 1)}, "at most 5000 characters"),
        ({"support_granted": []}, "support_granted\n  Name at least one kind of support"),
        (
            {"decision": "rejected"},
            "support_granted\n  Grant no support when the decision is rejected",
        ),
        ({"support_granted": [{"kind": "money", "note": "n"}]}, "innovation_forum"),
        ({"support_granted": [{"kind": "coaching", "note": " "}]}, "must not be blank"),
        (
            {
                "support_granted": [
                    {"kind": "coaching", "note": "a"},
                    {"kind": "coaching", "note": "b"},
                ]
            },
            "once",
        ),
        ({"decision": "maybe"}, "'granted' or 'rejected'"),
    ],
)
def test_an_invalid_decision_names_what_is_wrong(changes: dict[str, Any], message: str) -> None:
    body = _decision(**changes)

    with pytest.raises(ValidationError, match=message):
        DecisionRequest.model_validate(body)


def test_a_missing_motivation_is_named() -> None:
    body = _decision()
    del body["motivation"]

    with pytest.raises(ValidationError, match="motivation\n  Field required"):
        DecisionRequest.model_validate(body)


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ({"criterion": "need", "score": 0, "comment": "c"}, "greater than or equal to 1"),
        ({"criterion": "need", "score": 6, "comment": "c"}, "less than or equal to 5"),
        ({"criterion": "beauty", "score": 3, "comment": "c"}, "'need', 'viability'"),
        ({"criterion": "need", "score": 3, "comment": " "}, "must not be blank"),
    ],
)
def test_an_invalid_score_names_what_is_wrong(score: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ScoringRequest.model_validate({"scores": [score]})


def test_a_criterion_is_scored_once_per_request() -> None:
    twice = [{"criterion": "need", "score": 3, "comment": "c"}] * 2

    with pytest.raises(ValidationError, match="Score each criterion once"):
        ScoringRequest.model_validate({"scores": twice})
