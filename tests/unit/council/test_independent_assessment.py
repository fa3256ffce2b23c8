"""Independent assessment: what a member, a conflicted member and the chair see of the scores."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from digitalwell_council.domain import CaseStatus, Criterion, Sight, assessment_sight
from digitalwell_council.records import Assessment, AuditEntry, Case, GivenScore, Member, Score
from digitalwell_council.views import case_detail
from tests.support.events import application_submitted

FULL = set(Criterion)
OPEN = (CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT)
AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", OPEN)
def test_a_member_sees_only_their_own_scores_until_they_scored_every_criterion(
    status: CaseStatus,
) -> None:
    scored = {"anna@x": FULL, "bo@x": {Criterion.NEED}}

    assert (
        assessment_sight("bo@x", chair=False, status=status, scored=scored, conflicted=())
        is Sight.OWN
    )
    assert (
        assessment_sight("cia@x", chair=False, status=status, scored=scored, conflicted=())
        is Sight.OWN
    )


def test_a_member_who_scored_every_criterion_sees_everyones_scores() -> None:
    scored = {"anna@x": FULL, "bo@x": {Criterion.NEED}}

    sight = assessment_sight(
        "anna@x", chair=False, status=CaseStatus.UNDER_ASSESSMENT, scored=scored, conflicted=()
    )

    assert sight is Sight.ALL


@pytest.mark.parametrize("chair", [False, True])
@pytest.mark.parametrize("status", list(CaseStatus))
def test_a_declared_conflict_hides_everything_from_members_and_the_chair_alike(
    chair: bool, status: CaseStatus
) -> None:
    sight = assessment_sight(
        "anna@x", chair=chair, status=status, scored={"anna@x": FULL}, conflicted={"anna@x"}
    )

    assert sight is Sight.NONE


def test_the_chair_sees_all_without_scoring() -> None:
    sight = assessment_sight(
        "chair@x", chair=True, status=CaseStatus.UNDER_ASSESSMENT, scored={}, conflicted={"bo@x"}
    )

    assert sight is Sight.ALL


@pytest.mark.parametrize("status", [CaseStatus.DECIDED, CaseStatus.WITHDRAWN])
def test_once_the_case_is_closed_every_member_without_a_conflict_sees_all(
    status: CaseStatus,
) -> None:
    assert (
        assessment_sight("cia@x", chair=False, status=status, scored={}, conflicted=()) is Sight.ALL
    )


# -- the same rule in the case as the API and pages show it -----------------------------------


def _assessment(key: str, name: str, scores: dict[Criterion, int]) -> Assessment:
    return Assessment(
        case_id="case-1",
        member=Member(key=key, id=key, name=name, email=key),
        scores={
            criterion: Score(score=score, comment=f"{name} on {criterion.value}", at=AT)
            for criterion, score in scores.items()
        },
    )


def _case() -> Case:
    submitted = application_submitted()
    return Case(
        id="case-1",
        application_id=submitted.application_id,
        case_number=submitted.case_number,
        status=CaseStatus.UNDER_ASSESSMENT,
        opened_at=AT,
        submitted_at=AT,
        application=submitted,
        scored_by=("anna@x", "bo@x"),
    )


def _audit(assessment: Assessment) -> AuditEntry:
    given = [
        GivenScore(criterion=c, score=s.score, comment=s.comment)
        for c, s in assessment.scores.items()
    ]
    return AuditEntry(
        case_id="case-1",
        action="scored",
        at=AT,
        actor=assessment.member,
        scores=tuple(given),
    )


def _detail(viewer: str, *, chair: bool = False) -> Any:
    anna = _assessment("anna@x", "Anna", dict.fromkeys(Criterion, 5))
    bo = _assessment("bo@x", "Bo", {Criterion.NEED: 2})
    return case_detail(
        _case(),
        assessments=[anna, bo],
        audit=[_audit(anna), _audit(bo)],
        council={},
        viewer=viewer,
        chair=chair,
        required=2,
        now=AT,
    )


def test_a_member_part_way_through_sees_neither_the_others_scores_nor_their_comments() -> None:
    detail = _detail("bo@x")

    assessment = detail.assessment
    assert assessment is not None
    assert assessment.sight is Sight.OWN
    assert [each.member.name for each in assessment.members] == ["Bo"]
    assert all(c.mean is None and c.min is None and c.max is None for c in assessment.criteria)
    annas, bos = detail.audit
    assert annas.details == {"criteria": [c.value for c in Criterion]}  # who scored, not what
    assert bos.details["scores"] == [{"criterion": "need", "score": 2, "comment": "Bo on need"}]
    assert "Anna on" not in detail.model_dump_json()


def test_a_member_who_finished_and_the_chair_see_every_score_and_the_quorum() -> None:
    for detail in (_detail("anna@x"), _detail("chair@x", chair=True)):
        assessment = detail.assessment
        assert assessment is not None
        assert assessment.sight is Sight.ALL
        assert [each.member.name for each in assessment.members] == ["Anna", "Bo"]
        need = assessment.criteria[0]
        assert (need.mean, need.min, need.max) == (3.5, 2, 5)
        assert (assessment.quorum.complete, assessment.quorum.missing) == (1, 1)
        assert [p.member.name for p in assessment.quorum.incomplete] == ["Bo"]
        assert "Anna on need" in detail.model_dump_json()
