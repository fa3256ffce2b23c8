"""Ended staff sessions, in every service: StaffSessionRevoked kept and read back every ~2 s.

intake publishes StaffSessionRevoked when someone signs out, changes or is given a new
password, is disabled or gets other roles. Every service (intake too) consumes it into a
``staff_revocations`` collection of its own database, and each replica reloads that collection
into ``StaffAuth.revoked`` in a background loop, so a revoked token stops working everywhere
within seconds without any service calling intake.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pymongo import ASCENDING

from digitalwell_shared.background import PollingLoop
from digitalwell_shared.contracts import StaffSessionRevoked
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Database, Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.staff import RevokedSessions

_ERROR_PAUSE_SECONDS = 2.0
# After this long past the revocation no token it covers can still be valid anyway.
_KEEP_BEYOND_SESSION = timedelta(minutes=5)


class RevocationStore:
    """The ``staff_revocations`` collection: what has been revoked and is still worth knowing."""

    def __init__(self, database: Database, *, session_length: timedelta) -> None:
        self._revocations = database["staff_revocations"]
        self._keep_for = session_length + _KEEP_BEYOND_SESSION

    async def ensure_indexes(self) -> None:
        """Reloading reads the revocations that have not expired: one range on one index."""
        await self._revocations.create_index([("expires_at", ASCENDING)])

    async def record(self, event: StaffSessionRevoked, transaction: Transaction) -> None:
        """Keep one revocation (idempotent: the same event twice is one entry)."""
        key = f"{event.staff_id}|{event.session_id or '*'}|{event.revoked_at.isoformat()}"
        await self._revocations.update_one(
            {"_id": key},
            {
                "$setOnInsert": {
                    "staff_id": event.staff_id,
                    "session_id": event.session_id,
                    "revoked_at": event.revoked_at,
                    "expires_at": event.revoked_at + self._keep_for,
                }
            },
            upsert=True,
            session=transaction,
        )

    async def load_into(self, revoked: RevokedSessions) -> None:
        """Replace what ``revoked`` holds with the revocations that still matter."""
        sessions: set[str] = set()
        people: dict[str, datetime] = {}
        cursor = self._revocations.find({"expires_at": {"$gt": datetime.now(UTC)}})
        async for entry in cursor:
            if entry.get("session_id"):
                sessions.add(str(entry["session_id"]))
                continue
            staff_id, revoked_at = str(entry["staff_id"]), entry["revoked_at"]
            people[staff_id] = max(revoked_at, people.get(staff_id, revoked_at))
        revoked.replace(sessions, people)


def keep_staff_revocations(runtime: Runtime) -> RevocationStore:
    """Have ``runtime``'s service consume StaffSessionRevoked and keep StaffAuth up to date.

    Every service calls this once while registering its handlers, so all four do it alike.
    """
    store = RevocationStore(runtime.database, session_length=runtime.staff.session_length)
    revoked = runtime.staff.revoked

    @runtime.consume(
        StaffSessionRevoked,
        description="Refuses the ended staff sessions' tokens on this service from now on.",
    )
    async def on_staff_session_revoked(
        event: StaffSessionRevoked, _envelope: Envelope, transaction: Transaction
    ) -> None:
        await store.record(event, transaction)
        # At once in this replica; the others read it from the collection within seconds.
        revoked.add(event.staff_id, event.session_id, event.revoked_at)

    async def reload() -> bool:
        await store.load_into(revoked)
        return False

    loop = PollingLoop(
        reload,
        name="staff-revocations",
        poll_seconds=runtime.settings.staff_revocations_poll_seconds,
        error_pause_seconds=_ERROR_PAUSE_SECONDS,
    )
    # Read once before serving, so a replica that just started knows what has been revoked.
    runtime.startup_hooks.extend([store.ensure_indexes, reload, loop.start])
    runtime.shutdown_hooks.append(loop.stop)
    return store
