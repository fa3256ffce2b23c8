"""forum's subscribers: each event calls one use case, once."""

from __future__ import annotations

from digitalwell_forum import usecases
from digitalwell_forum.deps import Deps
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, deps: Deps) -> None:
    """Subscribe forum's consumer group to the events it acts on."""
    keep_staff_revocations(runtime)

    @runtime.consume(GrantDecided, description="Keeps forum's view of who may book a workshop.")
    async def on_grant_decided(
        event: GrantDecided, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await usecases.record_grant(deps, event, transaction)
