"""What notify's use cases need, built once in app.py, and how a route gets it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from digitalwell_notify.composing import LinkSettings
from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.stores import (
    ApplicantStore,
    EmailStore,
    ParkedEventStore,
    PreferenceStore,
)
from digitalwell_shared.committing import Clock, EventCommitter, system_clock


def _nothing() -> None:
    """No worker to wake: it looks by itself within a second."""


@dataclass(frozen=True)
class Deps:
    """The stores, the clock, the committer and the policy figures of notify's use cases."""

    emails: EmailStore
    applicants: ApplicantStore
    parked: ParkedEventStore
    preferences: PreferenceStore
    templates: EmailTemplates
    links: LinkSettings
    committer: EventCommitter
    clock: Clock = system_clock
    wake_delivery: Callable[[], None] = _nothing
    """Called after a resend, so the delivery worker need not wait for its next look."""


def deps_of(request: Request) -> Deps:
    """The app's Deps, as a FastAPI dependency."""
    return cast("Deps", request.app.state.deps)


DepsDep = Annotated[Deps, Depends(deps_of)]
