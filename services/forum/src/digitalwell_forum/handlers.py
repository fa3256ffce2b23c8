"""forum's subscribers: each event calls one use case, once."""

from __future__ import annotations

from digitalwell_forum.usecases import Forum
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, forum: Forum) -> None:
    """Subscribe forum's consumer group to the events it acts on."""
    keep_staff_revocations(runtime)

    @runtime.consume(GrantDecided, description="Keeps forum's view of who may book a workshop.")
    async def on_grant_decided(
        event: GrantDecided, _envelope: Envelope, session: Transaction
    ) -> None:
        await forum.record_grant(event, session)
