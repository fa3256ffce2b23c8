"""create_app: forum's broker, database, handlers and HTTP routes, wired without I/O."""

from __future__ import annotations

from fastapi import FastAPI

from digitalwell_forum.api import create_router
from digitalwell_forum.handlers import register_handlers
from digitalwell_forum.settings import Settings
from digitalwell_forum.store import EligibilityStore
from digitalwell_shared.contracts import ForumBooked, ForumBookingCancelled, ForumSessionScheduled
from digitalwell_shared.service import create_http_app, create_runtime

NAME = "forum"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the forum service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(
        NAME, settings, publishes=[ForumSessionScheduled, ForumBooked, ForumBookingCancelled]
    )
    store = EligibilityStore(runtime.database)
    register_handlers(runtime, store)
    return create_http_app(
        runtime,
        title="DigitalWell forum",
        description="Innovation Forum workshops, breakfast meetings and trainings, and bookings.",
        routers=[create_router(store)],
    )
