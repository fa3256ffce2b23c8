"""forum's scheduled jobs: pass on seat offers that ran out, and send reminders that are due.

What is due lives in the database (an offer's expiry, a booking's reminder time), so the jobs
pick up where they left off after a restart; each is safe to run in several processes at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

from digitalwell_shared.logging import get_logger

log = get_logger(__name__)

Job = Callable[[int], Awaitable[int]]
"""A job takes at most this many items and returns how many it looked at."""

ERROR_PAUSE_SECONDS = 5.0


class JobWorker:
    """Runs every job until nothing is due, then waits ``poll_seconds`` (or a wake-up)."""

    def __init__(self, jobs: Sequence[Job], *, poll_seconds: float, batch_size: int) -> None:
        self._jobs = list(jobs)
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look now rather than at the next poll."""
        self._wakeup.set()

    async def start(self) -> None:
        """Run the jobs in the background until ``stop``."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="forum-jobs")

    async def stop(self) -> None:
        """Let the job in hand finish its transaction, then stop."""
        self._stopping = True
        self._wakeup.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run_once(self) -> int:
        """Run each job once; return how many items they looked at."""
        handled = 0
        for job in self._jobs:
            handled += await job(self._batch_size)
        return handled

    async def _run(self) -> None:
        while not self._stopping:
            try:
                handled = await self.run_once()
            except Exception:  # a database outage must not end the jobs for good
                log.exception("forum jobs failed; pausing")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            if handled >= self._batch_size:
                continue  # more may be due
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._poll_seconds)
