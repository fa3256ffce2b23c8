"""Lease renewal: renewed every third of the lease while the work runs, never after it."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from digitalwell_shared.lease import renewing


async def test_the_lease_is_renewed_while_the_work_runs_and_not_after() -> None:
    renewals: list[datetime] = []

    async def renew(until: datetime) -> None:
        renewals.append(until)

    async with renewing(renew, timedelta(seconds=0.3), name="test"):
        await asyncio.sleep(0.35)  # three renewal intervals and a bit
    # Not after: the renewing task is gone once the block is left, so nothing can renew again.
    renewers = [task for task in asyncio.all_tasks() if task.get_name() == "test-lease"]

    assert len(renewals) >= 2  # a loaded machine may be late for the last one
    assert renewers == []


async def test_a_failing_renewal_is_tried_again_and_does_not_end_the_work() -> None:
    tries = 0

    async def renew(_until: datetime) -> None:
        nonlocal tries
        tries += 1
        raise ConnectionError("the database is away")

    async with renewing(renew, timedelta(seconds=0.3), name="test"):
        await asyncio.sleep(0.35)

    assert tries >= 2
