"""create_app: council's broker, database, handlers, API and pages, wired without I/O."""

from __future__ import annotations

from fastapi import FastAPI

from digitalwell_council import api, pages
from digitalwell_council.deps import Deps
from digitalwell_council.handlers import register_handlers
from digitalwell_council.settings import Settings
from digitalwell_council.stores import MongoCaseStore
from digitalwell_shared.committing import system_clock
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import create_runtime

NAME = "council"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the council service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings, publishes=[GrantDecided])
    store = MongoCaseStore(runtime.database)
    runtime.startup_hooks.append(store.ensure_indexes)
    deps = Deps(
        cases=store,
        committer=runtime,
        clock=system_clock,
        members=settings.member_addresses,
        quorum=settings.quorum,
    )
    register_handlers(runtime, deps)
    app = create_http_app(
        runtime,
        title="DigitalWell council",
        description=(
            "The Innovation Council's cases: one per application, scored by the council's "
            "members on the programme's rubric and decided by its chair."
        ),
        routers=[api.router, pages.router],
    )
    app.state.deps = deps
    return app
