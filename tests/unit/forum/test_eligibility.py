"""Only a grant of the innovation_forum kind lets an application book a workshop."""

from __future__ import annotations

from datetime import UTC, datetime

from digitalwell_forum.domain import grants_innovation_forum
from digitalwell_shared.contracts import GrantDecided


def _decision(decision: str, kinds: list[str]) -> GrantDecided:
    return GrantDecided.model_validate(
        {
            "application_id": "app_1",
            "decision": decision,
            "support_granted": [{"kind": kind, "note": ""} for kind in kinds],
            "motivation": "Skäl.",
            "decided_at": datetime(2026, 12, 1, tzinfo=UTC),
        }
    )


def test_a_grant_of_innovation_forum_makes_the_application_eligible() -> None:
    assert grants_innovation_forum(_decision("granted", ["coaching", "innovation_forum"]))


def test_a_grant_of_other_kinds_does_not() -> None:
    assert not grants_innovation_forum(_decision("granted", ["coaching"]))


def test_a_rejection_does_not() -> None:
    assert not grants_innovation_forum(_decision("rejected", []))
