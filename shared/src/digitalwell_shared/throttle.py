"""Throttling of public forms and APIs: so many requests per client address and e-mail address.

Counters live in the service's own database, one document per (what, who, window), counted
with an atomic ``$inc`` upsert, so every replica of a service shares them. A route takes the
``throttled(action)`` dependency, which counts the client address at once; the route counts
the e-mail address it was given with ``await limit.by_email(...)`` once the body is valid.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import HTTPException, Request, status
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from digitalwell_shared.mongo import Database
from digitalwell_shared.settings import ServiceSettings

COLLECTION = "throttle"
_UPSERT_TRIES = 3


class TooManyRequestsError(HTTPException):
    """A 429 with Retry-After: how many seconds until the window that refused ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests; try again in {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class Throttle:
    """Fixed-window counters in one collection, expired by a TTL index."""

    def __init__(self, database: Database, settings: ServiceSettings) -> None:
        self._counters = database[COLLECTION]
        self.enabled = settings.throttling
        self.per_address = settings.throttle_per_address
        self.per_email = settings.throttle_per_email
        self.window_seconds = settings.throttle_window_seconds
        self.proxy_hops = settings.trusted_proxy_hops

    async def ensure_indexes(self) -> None:
        """The TTL index that removes a window's counter once the window is over."""
        await self._counters.create_index("expires_at", expireAfterSeconds=0)

    async def count(self, action: str, kind: str, who: str, limit: int) -> None:
        """Count one request of ``action`` by ``who``; raise TooManyRequestsError over ``limit``."""
        if not self.enabled:
            return
        now = time.time()
        window_start = math.floor(now / self.window_seconds) * self.window_seconds
        window_end = window_start + self.window_seconds
        # Hashed: the counters need to tell people apart, not to know their addresses.
        digest = hashlib.sha256(who.encode()).hexdigest()[:32]
        key = f"{action}:{kind}:{digest}:{window_start}"
        counted = await self._increment(key, datetime.fromtimestamp(window_end, UTC))
        if counted > limit:
            raise TooManyRequestsError(max(1, math.ceil(window_end - now)))

    async def _increment(self, key: str, expires_at: datetime) -> int:
        for _ in range(_UPSERT_TRIES):
            try:
                counter = await self._counters.find_one_and_update(
                    {"_id": key},
                    {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": expires_at}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:  # two first requests of a window at once: count again
                continue
            if counter is not None:  # an upsert returning the document after always finds one
                return int(counter["count"])
        raise RuntimeError(f"the throttle counter {key} could not be counted")

    def client_address(self, request: Request) -> str:
        """The client's address: the connection's, or what the outermost trusted proxy saw.

        Each proxy appends the address it was reached from to X-Forwarded-For, so with ``n``
        trusted proxies the n-th entry from the right is the client's; the entries left of it
        are whatever the client chose to send.
        """
        connection = request.client.host if request.client else "unknown"
        if not self.proxy_hops:
            return connection
        forwarded = [
            hop.strip()
            for header in request.headers.getlist("x-forwarded-for")
            for hop in header.split(",")
            if hop.strip()
        ]
        if len(forwarded) < self.proxy_hops:  # not through every proxy: the nearest is the peer
            return forwarded[0] if forwarded else connection
        return forwarded[-self.proxy_hops]


class RequestLimit:
    """What a throttled route gets: the e-mail count, to take once it knows the address."""

    def __init__(self, throttle: Throttle, action: str) -> None:
        self._throttle = throttle
        self._action = action

    async def by_email(self, email: str) -> None:
        """Count a request for ``email``; raise TooManyRequestsError when it has had its share."""
        await self._throttle.count(
            self._action, "email", email.strip().lower(), self._throttle.per_email
        )


def throttled(action: str) -> Callable[[Request], Awaitable[RequestLimit]]:
    """A dependency that counts the client address for ``action`` (raising 429 over the limit).

    ``action`` names what is throttled (``applications``, ``bookings``); each has counters of
    its own. The Throttle is the app's (``app.state.throttle``, set by create_http_app).
    """

    async def count_address(request: Request) -> RequestLimit:
        throttle = request.app.state.throttle
        if not isinstance(throttle, Throttle):  # a wiring mistake, not a request's fault
            raise TypeError("the app has no Throttle in app.state.throttle")
        address = throttle.client_address(request)
        await throttle.count(action, "address", address, throttle.per_address)
        return RequestLimit(throttle, action)

    return count_address
