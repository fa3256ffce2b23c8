"""Only a grant of the innovation_forum kind lets an application book a workshop."""

from __future__ import annotations

from digitalwell_forum.domain import grants_innovation_forum
from digitalwell_shared.contracts import GrantDecided
from tests.support.events import grant_decided


def _decision(decision: str, kinds: list[str]) -> GrantDecided:
    return grant_decided("app_1", decision=decision, kinds=tuple(kinds))


def test_a_grant_of_innovation_forum_makes_the_application_eligible() -> None:
    assert grants_innovation_forum(_decision("granted", ["coaching", "innovation_forum"]))


def test_a_grant_of_other_kinds_does_not() -> None:
    assert not grants_innovation_forum(_decision("granted", ["coaching"]))


def test_a_rejection_does_not() -> None:
    assert not grants_innovation_forum(_decision("rejected", []))
