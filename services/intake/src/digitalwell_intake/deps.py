"""What intake's use cases and routes need, built once in ``app.py``: ``Deps`` and ``Web``.

Routes get them through FastAPI dependencies (``DepsDep``, ``WebDep``) from ``app.state``,
and the client's address as ``ClientAddress``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, cast

from fastapi import Depends, Request

from digitalwell_intake.passwords import Passwords
from digitalwell_intake.region_sign_in import RegionSignIn
from digitalwell_intake.settings import Settings
from digitalwell_intake.staff_tokens import TokenIssuer
from digitalwell_intake.stores.applications import ApplicationStore
from digitalwell_intake.stores.staff import SignInAttemptStore, StaffAccountStore
from digitalwell_intake.views import Links
from digitalwell_shared.committing import Clock, EventCommitter, system_clock
from digitalwell_shared.staff import RevokedSessions, StaffAuth


@dataclass(frozen=True, slots=True)
class SubmissionPolicy:
    """How long a submission keeps answering for its duplicates."""

    duplicate_window: timedelta
    idempotency_key_lifetime: timedelta


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """How sign-in is guarded: the lock, the throttle, one-time codes, production's rules.

    ``max_failures`` failed sign-ins lock an account for one client address for ``lock_for``;
    ``per_address_per_minute`` (None: no limit) throttles every attempt from one address.
    """

    production: bool = False
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)
    per_address_per_minute: int | None = None
    totp_required: bool = False
    """Administrators and chairs must give a one-time code (always so in production)."""


@dataclass(frozen=True)
class Deps:
    """What intake's use cases need: the stores, committer, clock, passwords, tokens, policies."""

    applications: ApplicationStore
    accounts: StaffAccountStore
    attempts: SignInAttemptStore
    committer: EventCommitter
    passwords: Passwords
    issuer: TokenIssuer
    """Mints the staff tokens every service accepts."""
    revoked: RevokedSessions
    """This replica's revoked sessions, told at once (every replica learns them from events)."""
    submission: SubmissionPolicy
    sign_in: SignInPolicy = SignInPolicy()
    clock: Clock = system_clock


@dataclass(frozen=True)
class Web:
    """What intake's routes need besides the use cases: settings, links, the staff guard."""

    settings: Settings
    links: Links
    staff: StaffAuth
    region: RegionSignIn | None


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn's forwarded one)."""
    return request.client.host if request.client else "unknown"


def deps_of(request: Request) -> Deps:
    """The app's Deps."""
    return cast("Deps", request.app.state.deps)


def web_of(request: Request) -> Web:
    """The app's Web."""
    return cast("Web", request.app.state.web)


DepsDep = Annotated[Deps, Depends(deps_of)]
WebDep = Annotated[Web, Depends(web_of)]
ClientAddress = Annotated[str, Depends(client_address)]
"""Where sign-in attempts are counted from."""
