"""The chair's decision: when it may be taken, and what a valid one holds."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from digitalwell_council.domain import (
    MOTIVATION_MAX,
    CaseStatus,
    ConflictOfInterest,
    IllegalMove,
    check_decision,
)
from digitalwell_council.models import DecisionRequest, ScoringRequest


def test_an_assessed_case_may_be_decided_by_a_chair_without_a_conflict() -> None:
    check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", {"bo@x"}, ["Anna"])


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (CaseStatus.DECIDED, "already decided"),
        (CaseStatus.WITHDRAWN, "withdrawn"),
        (CaseStatus.NEW, "no assessment yet"),
    ],
)
def test_a_decided_withdrawn_or_unassessed_case_cannot_be_decided(
    status: CaseStatus, reason: str
) -> None:
    assessed_by = [] if status is CaseStatus.NEW else ["Anna"]
    with pytest.raises(IllegalMove, match=reason):
        check_decision(status, "chair@x", set(), assessed_by)


def test_a_case_whose_only_scorer_has_a_conflict_is_not_assessed() -> None:
    with pytest.raises(IllegalMove, match="no assessment yet"):
        check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", {"bo@x"}, [])


def test_a_chair_with_a_declared_conflict_takes_no_part_in_the_decision() -> None:
    with pytest.raises(ConflictOfInterest, match="no part in its decision"):
        check_decision(CaseStatus.UNDER_ASSESSMENT, "chair@x", {"chair@x"}, ["Anna"])


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
