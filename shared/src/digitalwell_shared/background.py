"""Background work through what is due: the outbox relay, notify's delivery, forum's jobs.

Each round calls ``step``; while it reports that more may be waiting, the next round starts at
once; otherwise the loop sleeps until ``wake()`` or ``poll_seconds``. A failing round (the
database or broker away) is followed by a pause, never the end of the loop, and logged as an
outage: the first failure, a count per interval, and the round that works again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from digitalwell_shared.logging import OutageLog, get_logger

log = get_logger(__name__)

Step = Callable[[], Awaitable[bool]]
"""One round of work; True when more may be waiting, so the next round should not wait."""


class PollingLoop:
    """``tasks`` background tasks that each run ``step`` round after round until ``stop``."""

    def __init__(
        self,
        step: Step,
        *,
        name: str,
        poll_seconds: float,
        error_pause_seconds: float,
        tasks: int = 1,
    ) -> None:
        self._step = step
        self._name = name
        self._poll_seconds = poll_seconds
        self._error_pause_seconds = error_pause_seconds
        self._task_count = tasks
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._outage = OutageLog(log, f"background work ({name})")

    def wake(self) -> None:
        """Look now rather than at the next poll: something was just added."""
        self._wakeup.set()

    async def start(self) -> None:
        """Start the tasks (a coroutine, so it can be a service's startup hook)."""
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._run(), name=f"{self._name}-{number}")
            for number in range(self._task_count)
        ]

    async def stop(self) -> None:
        """Let each task finish the round in hand (its transaction), then stop."""
        self._stopping = True
        self._wakeup.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _run(self) -> None:
        while not self._stopping:
            try:
                more = await self._step()
            except Exception as error:  # noqa: BLE001 - an outage must not end the loop for good
                self._outage.failed(error, traceback=True, loop=self._name)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopped(), self._error_pause_seconds)
                continue
            self._outage.succeeded(loop=self._name)
            if more:
                continue
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._poll_seconds)

    async def _stopped(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            await self._wakeup.wait()
