"""A case's moves: new → under assessment → decided, or withdrawn while open."""

from __future__ import annotations

import pytest

from digitalwell_council.domain import CaseStatus, IllegalMoveError, check_move


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (CaseStatus.NEW, CaseStatus.UNDER_ASSESSMENT),
        (CaseStatus.NEW, CaseStatus.WITHDRAWN),
        (CaseStatus.UNDER_ASSESSMENT, CaseStatus.DECIDED),
        (CaseStatus.UNDER_ASSESSMENT, CaseStatus.WITHDRAWN),
    ],
)
def test_an_open_case_may_move_on(current: CaseStatus, target: CaseStatus) -> None:
    check_move(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (CaseStatus.NEW, CaseStatus.DECIDED),
        (CaseStatus.DECIDED, CaseStatus.DECIDED),
        (CaseStatus.DECIDED, CaseStatus.WITHDRAWN),
        (CaseStatus.WITHDRAWN, CaseStatus.DECIDED),
        (CaseStatus.WITHDRAWN, CaseStatus.UNDER_ASSESSMENT),
        (CaseStatus.UNDER_ASSESSMENT, CaseStatus.NEW),
    ],
)
def test_a_closed_case_a_skipped_assessment_or_a_step_back_is_refused_naming_both_states(
    current: CaseStatus, target: CaseStatus
) -> None:
    with pytest.raises(IllegalMoveError, match=f"{current.value} cannot become {target.value}"):
        check_move(current, target)
