"""intake's subscribers: each event calls one use case, once."""

from __future__ import annotations

from digitalwell_intake.deps import Deps
from digitalwell_intake.usecases import applications
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, deps: Deps) -> None:
    """Subscribe intake's consumer group to the events it shows applicants."""
    keep_staff_revocations(runtime)

    @runtime.consume(
        GrantDecided,
        description="Shows the council's decision in the application's status and timeline.",
    )
    async def on_grant_decided(
        event: GrantDecided, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await applications.record_decision(deps, event, transaction)
