"""The delivery worker: sends queued e-mails in the background, apart from consuming events.

Consuming only stores e-mails; these tasks send them. A slow or absent SMTP
server therefore never holds up the consumer group, and queued e-mails survive
a restart because they live in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from digitalwell_shared.logging import get_logger

log = get_logger(__name__)

IDLE_POLL_SECONDS = 1.0
ERROR_PAUSE_SECONDS = 2.0


class DeliveryWorker:
    """``loops`` tasks that each call ``deliver_due`` until nothing is due.

    Two loops let one batch be claimed and recorded while another is being sent.
    """

    def __init__(self, deliver_due: Callable[[], Awaitable[int]], *, loops: int = 2) -> None:
        self._deliver_due = deliver_due
        self._loops = loops
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        """Ask the workers to look now: an e-mail was just queued."""
        self._wakeup.set()

    async def start(self) -> None:
        """Start the tasks."""
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._run(), name=f"email-delivery-{number}")
            for number in range(self._loops)
        ]

    async def stop(self) -> None:
        """Let each task finish the e-mail in hand, then stop."""
        self._stopping = True
        self._wakeup.set()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _run(self) -> None:
        while not self._stopping:
            try:
                delivered = await self._deliver_due()
            except Exception:  # a database outage must not end delivery for good
                log.exception("e-mail delivery failed; pausing")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            if delivered:
                continue
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), IDLE_POLL_SECONDS)
