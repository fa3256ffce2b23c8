"""The worker of forum's scheduled jobs (``usecases.jobs``): offers that ran out, reminders due.

What is due lives in the database (an offer's expiry, a booking's reminder time), so the jobs
pick up where they left off after a restart; each is safe to run in several processes at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from digitalwell_shared.background import PollingLoop

Job = Callable[[int], Awaitable[int]]
"""A job takes at most this many items and returns how many it looked at."""

ERROR_PAUSE_SECONDS = 5.0


class JobWorker:
    """Runs every job until nothing is due, then waits ``poll_seconds`` (or a wake-up)."""

    def __init__(self, jobs: Sequence[Job], *, poll_seconds: float, batch_size: int) -> None:
        self._jobs = list(jobs)
        self._batch_size = batch_size
        self._loop = PollingLoop(
            self._round,
            name="forum-jobs",
            poll_seconds=poll_seconds,
            error_pause_seconds=ERROR_PAUSE_SECONDS,
        )

    def wake(self) -> None:
        """Look now rather than at the next poll."""
        self._loop.wake()

    async def start(self) -> None:
        """Run the jobs in the background until ``stop``."""
        await self._loop.start()

    async def stop(self) -> None:
        """Let the job in hand finish its transaction, then stop."""
        await self._loop.stop()

    async def run_once(self) -> int:
        """Run each job once; return how many items they looked at."""
        handled = 0
        for job in self._jobs:
            handled += await job(self._batch_size)
        return handled

    async def _round(self) -> bool:
        return await self.run_once() >= self._batch_size  # more may be due
