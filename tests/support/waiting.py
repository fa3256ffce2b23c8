"""Waiting for something another process does, with a deadline instead of a fixed sleep."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

POLL_SECONDS = 0.2


async def until_true(condition: Callable[[], Awaitable[bool]], *, seconds: float = 60.0) -> None:
    """Poll ``condition`` until it holds; raise TimeoutError after ``seconds``."""
    async with asyncio.timeout(seconds):
        # The condition is a query against another process's state: there is no event to await.
        while not await condition():  # noqa: ASYNC110
            await asyncio.sleep(POLL_SECONDS)
