"""Pure rules of a council case: its states and the moves between them."""

from __future__ import annotations

from enum import StrEnum


class CaseStatus(StrEnum):
    """Where a case is in the council's work."""

    NEW = "new"
    UNDER_ASSESSMENT = "under_assessment"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class IllegalMove(Exception):  # noqa: N818 - reads as the domain says it
    """A case cannot make this move from its current status."""


_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset(
        {CaseStatus.UNDER_ASSESSMENT, CaseStatus.DECIDED, CaseStatus.WITHDRAWN}
    ),
    CaseStatus.UNDER_ASSESSMENT: frozenset({CaseStatus.DECIDED, CaseStatus.WITHDRAWN}),
    CaseStatus.DECIDED: frozenset(),
    CaseStatus.WITHDRAWN: frozenset(),
}


def check_move(current: CaseStatus, target: CaseStatus) -> None:
    """Raise IllegalMove, naming both states, unless ``current`` may become ``target``."""
    if target not in _ALLOWED[current]:
        raise IllegalMove(f"a case that is {current.value} cannot become {target.value}")
