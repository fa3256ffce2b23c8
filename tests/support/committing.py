"""An in-memory event committer and a fixed clock, for unit tests of use cases (no I/O)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar, cast

from digitalwell_shared.committing import Events, Written
from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction

T = TypeVar("T")

FAKE_TRANSACTION = cast("Transaction", object())
"""What fakes of stores receive as the transaction; they keep no transactions of their own."""


class FakeCommitter:
    """Runs a use case's write at once and keeps the events it would have published.

    A write that raises publishes nothing, as a rolled-back transaction would; a fake store
    that has already changed is the test's to check (fakes should write last, as stores do).
    """

    source = "/digitalwell/test"

    def __init__(self) -> None:
        self.committed: list[Events] = []

    @property
    def events(self) -> list[IntegrationEvent]:
        """Every event committed so far, in order."""
        return [event for events in self.committed for event, _envelope in events]

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope as the runtime would write it."""
        if cause is not None:
            return cause.caused(event, source=self.source)
        return Envelope.for_event(event, source=self.source, correlation_id=None)

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Written[T]]]) -> T:
        """Run ``write`` and keep its events."""
        written = await write(FAKE_TRANSACTION)
        self.committed.append(written.events)
        return written.value


class FixedClock:
    """A clock that says the same time until a test moves it on."""

    def __init__(self, now: datetime = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        """Move the clock ``by`` later."""
        self.now += by
