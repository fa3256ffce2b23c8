"""What council does: open a case for each application, close it when withdrawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from digitalwell_council.domain import CaseStatus, IllegalMove, check_move
from digitalwell_council.store import CaseStore
from digitalwell_shared.contracts import ApplicationSubmitted, ApplicationWithdrawn
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Session

log = get_logger(__name__)


async def open_cases(
    store: CaseStore, items: Sequence[tuple[ApplicationSubmitted, Envelope]], session: Session
) -> None:
    """Open a case holding the whole application for each application that has none."""
    now = datetime.now(UTC)
    opened = await store.insert_unless_exist(
        [
            {
                "_id": f"case-{event.application_id}",
                "application_id": event.application_id,
                "status": CaseStatus.NEW.value,
                "opened_at": now,
                "updated_at": now,
                "submitted_at": event.submitted_at,
                "application": event.model_dump(mode="json"),
                "history": [{"status": CaseStatus.NEW.value, "at": now}],
            }
            for event, _envelope in items
        ],
        session,
    )
    log.info("cases opened", opened=opened, existed=len(items) - opened)


async def withdraw_case(store: CaseStore, event: ApplicationWithdrawn, session: Session) -> None:
    """Close the application's case as withdrawn, if it is still open."""
    case = await store.by_application(event.application_id, session)
    if case is None:
        log.warning("withdrawal for an application without a case")
        return
    try:
        check_move(CaseStatus(case["status"]), CaseStatus.WITHDRAWN)
    except IllegalMove as refused:
        log.warning("withdrawal ignored", reason=str(refused))
        return
    await store.set_status(case["_id"], CaseStatus.WITHDRAWN, event.withdrawn_at, session)
    log.info("case withdrawn")
