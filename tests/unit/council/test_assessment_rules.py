"""Scoring and conflicts of interest: who may score, what it does to the case, what counts."""

from __future__ import annotations

import pytest

from digitalwell_council.domain import (
    Assessor,
    CaseStatus,
    ConflictOfInterestError,
    Criterion,
    IllegalMoveError,
    assessors,
    check_conflict_declaration,
    pending_members,
    status_after_scoring,
    summarise,
)


@pytest.mark.parametrize("status", [CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT])
def test_scoring_an_open_case_puts_it_under_assessment(status: CaseStatus) -> None:
    assert status_after_scoring(status, "anna@example.org", set()) is CaseStatus.UNDER_ASSESSMENT


@pytest.mark.parametrize("status", [CaseStatus.DECIDED, CaseStatus.WITHDRAWN])
def test_a_decided_or_withdrawn_case_cannot_be_scored(status: CaseStatus) -> None:
    with pytest.raises(
        IllegalMoveError, match=f"the case is {status.value}: it can no longer be scored"
    ):
        status_after_scoring(status, "anna@example.org", set())


def test_a_member_with_a_declared_conflict_cannot_score() -> None:
    with pytest.raises(ConflictOfInterestError, match="conflict of interest"):
        status_after_scoring(CaseStatus.NEW, "anna@example.org", {"anna@example.org"})


def test_a_conflict_is_declared_once_and_only_on_an_open_case() -> None:
    check_conflict_declaration(CaseStatus.UNDER_ASSESSMENT, "anna@example.org", {"bo@example.org"})

    with pytest.raises(IllegalMoveError, match="already declared"):
        check_conflict_declaration(CaseStatus.NEW, "anna@example.org", {"anna@example.org"})
    with pytest.raises(IllegalMoveError, match="decided"):
        check_conflict_declaration(CaseStatus.DECIDED, "anna@example.org", set())


def test_members_with_a_conflict_are_not_among_the_assessors() -> None:
    scored = [Assessor("bo@x", "Bo Ek"), Assessor("anna@x", "anna Berg"), Assessor("cia@x", "Cia")]

    assert assessors(scored, {"cia@x"}) == ["anna Berg", "Bo Ek"]


def test_the_summary_of_a_criterion_is_the_mean_and_the_lowest_and_highest_score() -> None:
    summary = summarise(Criterion.NEED, [4, 2, 5])

    assert (summary.count, summary.mean, summary.low, summary.high) == (3, 3.7, 2, 5)


def test_a_criterion_nobody_scored_has_no_mean_or_spread() -> None:
    summary = summarise(Criterion.VIABILITY, [])

    assert (summary.count, summary.mean, summary.low, summary.high) == (0, None, None, None)


def test_pending_members_are_those_missing_a_criterion_except_the_conflicted() -> None:
    council = {"anna@x": "Anna", "bo@x": "Bo", "cia@x": "Cia", "dan@x": "Dan"}
    scored = {
        "anna@x": set(Criterion),
        "bo@x": {Criterion.NEED, Criterion.INNOVATION},
        "dan@x": {Criterion.NEED},
    }

    pending = pending_members(council, scored, {"dan@x"})

    assert [(member.name, len(member.missing)) for member in pending] == [("Bo", 3), ("Cia", 5)]
    assert Criterion.NEED not in pending[0].missing
