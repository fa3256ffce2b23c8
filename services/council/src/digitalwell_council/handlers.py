"""council's subscribers: each event calls one use case, once."""

from __future__ import annotations

from collections.abc import Sequence

from digitalwell_council import usecases
from digitalwell_council.deps import Deps
from digitalwell_shared.contracts import ApplicationSubmitted, ApplicationWithdrawn
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff_revocations import keep_staff_revocations


def register_handlers(runtime: Runtime, deps: Deps) -> None:
    """Subscribe council's consumer group to the events it acts on."""
    keep_staff_revocations(runtime)

    @runtime.consume_batch(ApplicationSubmitted, description="Opens a case for every application.")
    async def on_applications_submitted(
        items: Sequence[tuple[ApplicationSubmitted, Envelope]], transaction: Transaction
    ) -> None:
        await usecases.open_cases(deps, items, transaction)

    @runtime.consume(
        ApplicationWithdrawn, description="Closes the case of a withdrawn application."
    )
    async def on_application_withdrawn(
        event: ApplicationWithdrawn, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await usecases.withdraw_case(deps, event, transaction)
