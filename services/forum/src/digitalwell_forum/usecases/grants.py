"""Grants: which applications may book an Innovation Forum workshop, as council decides."""

from __future__ import annotations

from digitalwell_forum.deps import Deps
from digitalwell_forum.domain import grants_innovation_forum
from digitalwell_forum.records import Grant
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)


async def record_grant(deps: Deps, event: GrantDecided, transaction: Transaction) -> None:
    """Note whether the decision lets the application book an Innovation Forum workshop."""
    eligible = grants_innovation_forum(event)
    grant = Grant(
        application_id=event.application_id,
        case_number=event.case_number,
        innovation_forum=eligible,
        decided_at=event.decided_at,
    )
    await deps.grants.record(grant, transaction)
    log.info("grant recorded", innovation_forum=eligible)


async def find_grant(deps: Deps, application_id: str) -> Grant | None:
    """The decision forum knows of on this application, if any."""
    return await deps.grants.get(application_id)
