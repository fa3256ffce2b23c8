"""create_app: intake's broker, database, handlers, API and pages, wired without I/O."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from fastapi import FastAPI

from digitalwell_intake.accounts import Accounts, LockPolicy
from digitalwell_intake.api import create_api_router
from digitalwell_intake.handlers import register_handlers
from digitalwell_intake.pages import create_page_router
from digitalwell_intake.settings import Settings
from digitalwell_intake.staff_routes import create_staff_api, create_staff_pages
from digitalwell_intake.store import ApplicationStore, StaffAccountStore
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
    accounts = Accounts(
        StaffAccountStore(runtime.database),
        production=settings.environment == "production",
        lock_policy=LockPolicy(
            max_failures=settings.staff_max_failed_sign_ins,
            lock_for=timedelta(minutes=settings.staff_lock_minutes),
        ),
        hasher=PasswordHasher(),
    )
    runtime.startup_hooks.append(accounts.store.ensure_indexes)
    if settings.seed_demo_staff:
        runtime.startup_hooks.append(accounts.seed_demo_staff)
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
            create_staff_api(runtime.staff, accounts, store),
            create_staff_pages(settings, runtime.staff, accounts, store),
        ],
    )
