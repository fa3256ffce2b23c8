"""create_app: intake's broker, database, handlers, API and pages, wired without I/O."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI

from digitalwell_intake.api import create_api_router
from digitalwell_intake.handlers import register_handlers
from digitalwell_intake.pages import create_page_router
from digitalwell_intake.settings import Settings
from digitalwell_intake.store import ApplicationStore
from digitalwell_intake.usecases import SubmissionPolicy
from digitalwell_intake.views import Links
from digitalwell_shared.contracts import ApplicationSubmitted, ApplicationWithdrawn
from digitalwell_shared.service import create_http_app, create_runtime

NAME = "intake"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the intake service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings, publishes=[ApplicationSubmitted, ApplicationWithdrawn])
    store = ApplicationStore(runtime.database)
    runtime.startup_hooks.append(store.ensure_indexes)
    register_handlers(runtime, store)
    links = Links(settings.base_url, settings.link_secret.get_secret_value())
    policy = SubmissionPolicy(
        duplicate_window=timedelta(seconds=settings.duplicate_window_seconds),
        idempotency_key_lifetime=timedelta(seconds=settings.idempotency_key_seconds),
    )
    return create_http_app(
        runtime,
        title="DigitalWell intake",
        description="Applications for support: the form, the applicant's status and timeline.",
        routers=[
            create_api_router(runtime, store, links, policy),
            create_page_router(runtime, store, links, policy),
        ],
    )
