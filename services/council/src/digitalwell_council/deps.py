"""What council's use cases need, built once in ``app.py``: the store, clock, committer, policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request

from digitalwell_council.stores import CaseStore
from digitalwell_shared.committing import Clock, EventCommitter


@dataclass(frozen=True)
class Deps:
    """The store, the clock and the event committer, and how the council is made up."""

    cases: CaseStore
    committer: EventCommitter
    clock: Clock
    members: tuple[str, ...] = ()  # the configured council's addresses (COUNCIL_MEMBERS)
    quorum: int = 2  # full assessments a decision needs (COUNCIL_QUORUM)


def deps_of(request: Request) -> Deps:
    """The app's ``Deps``, for a route."""
    return cast("Deps", request.app.state.deps)


DepsDep = Annotated[Deps, Depends(deps_of)]
