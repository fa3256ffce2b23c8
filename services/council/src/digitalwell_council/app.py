"""create_app: council's broker, database, handlers, API and pages, wired without I/O."""

from __future__ import annotations

from fastapi import FastAPI

from digitalwell_council.api import create_router
from digitalwell_council.handlers import register_handlers
from digitalwell_council.pages import create_page_router
from digitalwell_council.settings import Settings
from digitalwell_council.store import CaseStore
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import create_runtime

NAME = "council"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the council service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings, publishes=[GrantDecided])
    store = CaseStore(runtime.database)
    runtime.startup_hooks.append(store.ensure_indexes)
    register_handlers(runtime, store)
    return create_http_app(
        runtime,
        title="DigitalWell council",
        description=(
            "The Innovation Council's cases: one per application, scored by the council's "
            "members on the programme's rubric and decided by its chair."
        ),
        routers=[
            create_router(runtime, store, settings.member_addresses, settings.quorum),
            create_page_router(runtime, store, settings.member_addresses, settings.quorum),
        ],
    )
