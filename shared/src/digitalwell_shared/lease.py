"""Short leases on claimed work, renewed while the work goes on.

The outbox relay and notify's delivery claim work with a lease: a time until which no other
process takes it. A long lease keeps a dead process's work waiting; a short one lets a live but
slow process lose its work to another. So the lease is short (a few seconds) and the holder
renews it from a background task while the work is in flight: a process that dies stops
renewing, and its work is taken over within one lease.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

from digitalwell_shared.logging import get_logger

log = get_logger(__name__)

RENEWALS_PER_LEASE = 3
"""Renew this many times per lease, so one slow renewal does not let the lease lapse."""

MIN_RENEW_INTERVAL_SECONDS = 0.1
"""A zero lease (tests that let claims lapse at once) must not renew in a tight loop."""

Renew = Callable[[datetime], Awaitable[None]]
"""Extends the holder's claims to the given time."""


@contextlib.asynccontextmanager
async def renewing(renew: Renew, lease: timedelta, *, name: str) -> AsyncIterator[None]:
    """Run the block while a background task renews the lease every third of its length."""
    task = asyncio.create_task(_renew_until_cancelled(renew, lease, name), name=f"{name}-lease")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _renew_until_cancelled(renew: Renew, lease: timedelta, name: str) -> None:
    interval = max(lease.total_seconds() / RENEWALS_PER_LEASE, MIN_RENEW_INTERVAL_SECONDS)
    while True:
        await asyncio.sleep(interval)
        try:
            await renew(datetime.now(UTC) + lease)
        except Exception as error:  # noqa: BLE001 - the next renewal may succeed
            # If the database stays away the lease lapses and another process may take the
            # work: at least once, never lost.
            log.warning("lease not renewed", work=name, error=f"{type(error).__name__}: {error}")
