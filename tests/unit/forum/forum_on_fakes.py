"""forum's ``Deps`` on the fakes of its stores, and what its use-case tests start from.

``RollbackCommitter`` puts every fake back as it was when a write raises, as the database's
transaction would.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from digitalwell_forum import usecases
from digitalwell_forum.deps import Deps, Policy
from digitalwell_forum.links import Links
from digitalwell_forum.models import BookingRequest, SessionRequest
from digitalwell_forum.records import ForumSession
from digitalwell_shared.committing import Written
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import Role, StaffMember
from tests.support.committing import FakeCommitter, FixedClock
from tests.support.forum import session_body
from tests.unit.forum.fakes import (
    FakeBookingStore,
    FakeClaimStore,
    FakeGrantStore,
    FakeSessionStore,
)

T = TypeVar("T")


class RollbackCommitter(FakeCommitter):
    """A FakeCommitter that undoes the fakes' changes of a write that raises."""

    def __init__(self, *stores: object) -> None:
        super().__init__()
        self._tables = [
            table for store in stores for table in vars(store).values() if isinstance(table, dict)
        ]

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Written[T]]]) -> T:
        saved = [dict(table) for table in self._tables]
        try:
            return await super().commit_with_events(write)
        except BaseException:
            for table, before in zip(self._tables, saved, strict=True):
                table.clear()
                table.update(before)
            raise


OFFER_HOLD = timedelta(hours=48)
REMINDER_LEAD = timedelta(hours=24)


@dataclass
class FakeForum:
    """forum's ``Deps`` on fakes, with the fakes at hand to look into."""

    clock: FixedClock
    grants: FakeGrantStore = field(default_factory=FakeGrantStore)
    sessions: FakeSessionStore = field(default_factory=FakeSessionStore)
    bookings: FakeBookingStore = field(default_factory=FakeBookingStore)
    claims: FakeClaimStore = field(default_factory=FakeClaimStore)
    committer: RollbackCommitter = field(init=False)
    deps: Deps = field(init=False)

    def __post_init__(self) -> None:
        self.committer = RollbackCommitter(self.grants, self.sessions, self.bookings, self.claims)
        self.deps = Deps(
            grants=self.grants,
            sessions=self.sessions,
            bookings=self.bookings,
            claims=self.claims,
            committer=self.committer,
            policy=Policy(offer_hold=OFFER_HOLD, reminder_lead=REMINDER_LEAD),
            links=Links("http://forum.test", "test-secret"),
            calendar_domain="digitalwell.example",
            clock=self.clock,
        )


COORDINATOR = StaffMember(
    id="stf_1",
    email="coordinator@example.org",
    name="Maria Lund",
    roles=frozenset({Role.FORUM_COORDINATOR}),
    session_id="sid_1",
)


def now_for_tests() -> datetime:
    """Now to the second: session requests are checked against the real clock (in the future)."""
    return datetime.now(UTC).replace(microsecond=0)


async def scheduled(forum: FakeForum, **changes: Any) -> ForumSession:
    """A session scheduled through the use case (a breakfast meeting ten days ahead, 20 seats)."""
    body = session_body(**changes)
    session_id = await usecases.schedule_session(
        forum.deps, SessionRequest.model_validate(body), COORDINATOR
    )
    return forum.sessions.sessions[session_id]


def attendee(number: int = 1, **changes: Any) -> BookingRequest:
    """A person booking, with an address of their own."""
    return BookingRequest.model_validate(
        {"name": f"Person {number}", "email": f"person{number}@example.org"} | changes
    )
