"""What forum does: keep its view of who was granted an Innovation Forum workshop."""

from __future__ import annotations

from digitalwell_forum.domain import grants_innovation_forum
from digitalwell_forum.store import EligibilityStore
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Session

log = get_logger(__name__)


async def record_grant(store: EligibilityStore, event: GrantDecided, session: Session) -> None:
    """Note whether the decision lets the application book an Innovation Forum workshop."""
    eligible = grants_innovation_forum(event)
    await store.record(
        event.application_id,
        innovation_forum=eligible,
        decided_at=event.decided_at,
        session=session,
    )
    log.info("grant recorded", innovation_forum=eligible)
