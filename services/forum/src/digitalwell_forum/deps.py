"""What forum's use cases and routes need: its stores, clock, committer, policy and links."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, cast

from fastapi import Depends, Request

from digitalwell_forum.links import Links
from digitalwell_forum.stores import BookingStore, ClaimStore, GrantStore, SessionStore
from digitalwell_shared.committing import Clock, EventCommitter, system_clock


@dataclass(frozen=True, slots=True)
class Policy:
    """The configured times: how long an offer stands, how early a reminder goes."""

    offer_hold: timedelta
    reminder_lead: timedelta


class SessionLocks:
    """One lock per session in this process, so its bookings queue rather than collide.

    Correctness does not depend on it: the counters are changed in each booking's
    transaction, and concurrent transactions on one session (from another process, too)
    conflict and are retried by the database. The lock only spares this process the retries,
    which cost more than waiting when hundreds book one session at once. It is fair (first
    come, first served), so it keeps arrival order too.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, session_id: str) -> AsyncIterator[None]:
        """Hold the session's lock for the block."""
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        self._holders[session_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._holders[session_id] -= 1
            if not self._holders[session_id]:
                del self._holders[session_id]
                del self._locks[session_id]


@dataclass(frozen=True)
class Deps:
    """forum's stores, clock, outbox and policy; built once in ``app.create_app``.

    ``links`` and ``calendar_domain`` are for the routes (the signed links they hand out, the
    UIDs of calendar files); the use cases do not need them.
    """

    grants: GrantStore
    sessions: SessionStore
    bookings: BookingStore
    claims: ClaimStore
    committer: EventCommitter
    policy: Policy
    links: Links
    calendar_domain: str
    clock: Clock = system_clock
    locks: SessionLocks = field(default_factory=SessionLocks)


def deps_of(request: Request) -> Deps:
    """The app's ``Deps``, for a route."""
    return cast("Deps", request.app.state.deps)


DepsDep = Annotated[Deps, Depends(deps_of)]
