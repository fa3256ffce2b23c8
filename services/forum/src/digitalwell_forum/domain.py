"""Pure rules of forum: who may book an Innovation Forum workshop."""

from __future__ import annotations

from digitalwell_shared.contracts import Decision, GrantDecided, SupportKind


def grants_innovation_forum(event: GrantDecided) -> bool:
    """True when the decision gives the applicant an Innovation Forum workshop."""
    return event.decision is Decision.GRANTED and any(
        support.kind is SupportKind.INNOVATION_FORUM for support in event.support_granted
    )
