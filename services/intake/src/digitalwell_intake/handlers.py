"""intake's subscribers: each event calls one use case, once."""

from __future__ import annotations

from digitalwell_intake import usecases
from digitalwell_intake.store import ApplicationStore
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, store: ApplicationStore) -> None:
    """Subscribe intake's consumer group to the events it shows applicants."""
    keep_staff_revocations(runtime)

    @runtime.consume(
        GrantDecided,
        description="Shows the council's decision in the application's status and timeline.",
    )
    async def on_grant_decided(
        event: GrantDecided, _envelope: Envelope, session: Transaction
    ) -> None:
        await usecases.record_decision(store, event, session)
