"""What a use case needs from its service to change state: a clock and an event committer.

Every service's use cases get these the same way, in the service's ``Deps`` (see
docs/architecture.md, "How a service is shaped"); a unit test passes a fake committer and a
fixed clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Events = Sequence[tuple[IntegrationEvent, Envelope]]
"""Events with their envelopes, in the order they are to be published."""

Clock = Callable[[], datetime]
"""Now, as an aware UTC time; ``system_clock`` in a service, a fixed time in a test."""


def system_clock() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Written(Generic[T_co]):
    """What a write returns: its result for the caller, and the events it publishes."""

    value: T_co
    events: Events = field(default=())


class EventCommitter(Protocol):
    """The part of the service runtime that use cases need: envelopes and the outbox."""

    @property
    def source(self) -> str:
        """The CloudEvents source of what this service publishes."""
        ...

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope continuing the request's correlation, or the causing event's."""
        ...

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Written[T]]]) -> T:
        """Run ``write`` in a transaction that also stores its events in the outbox.

        Returns the write's value once the transaction has committed.
        """
        ...
