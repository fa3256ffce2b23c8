"""create_app: intake's broker, database, handlers, API and pages, wired without I/O."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from functools import partial

from argon2 import PasswordHasher
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from digitalwell_intake.accessibility import create_accessibility_router
from digitalwell_intake.accounts import Accounts, LockPolicy, SessionEnding
from digitalwell_intake.api import create_api_router
from digitalwell_intake.handlers import register_handlers
from digitalwell_intake.pages import create_page_router
from digitalwell_intake.region_sign_in import RegionSignIn
from digitalwell_intake.sessions import SessionIssuer
from digitalwell_intake.settings import Settings
from digitalwell_intake.staff_routes import create_staff_api, create_staff_pages
from digitalwell_intake.store import ApplicationStore, SignInAttemptStore, StaffAccountStore
from digitalwell_intake.usecases import SubmissionPolicy
from digitalwell_intake.views import Links
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    StaffSessionRevoked,
)
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import create_runtime

NAME = "intake"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the intake service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(
        NAME,
        settings,
        publishes=[ApplicationSubmitted, ApplicationWithdrawn, StaffSessionRevoked],
    )
    store = ApplicationStore(runtime.database)
    runtime.startup_hooks.append(store.ensure_indexes)
    accounts = Accounts(
        StaffAccountStore(runtime.database),
        SignInAttemptStore(runtime.database),
        production=settings.environment == "production",
        lock_policy=LockPolicy(
            max_failures=settings.staff_max_failed_sign_ins,
            lock_for=timedelta(minutes=settings.staff_lock_minutes),
            per_address_per_minute=(
                settings.staff_sign_ins_per_address_per_minute
                if settings.sign_in_throttled
                else None
            ),
        ),
        hasher=PasswordHasher(),
        sessions=SessionEnding(
            runtime.commit_with_events, runtime.envelope_for, runtime.staff.revoked
        ),
        totp_required=settings.totp_required,
    )
    issuer = SessionIssuer(
        settings.staff_signing_key.get_secret_value(),
        session_minutes=settings.staff_session_minutes,
        idle_minutes=settings.staff_idle_minutes,
    )
    runtime.startup_hooks.append(accounts.store.ensure_indexes)
    if settings.seed_demo_staff:
        runtime.startup_hooks.append(accounts.seed_demo_staff)
    if settings.bootstrap_admin_email:
        runtime.startup_hooks.append(
            partial(
                accounts.bootstrap_administrator,
                settings.bootstrap_admin_email,
                settings.bootstrap_admin_password.get_secret_value(),
            )
        )
    register_handlers(runtime, store)
    links = Links(
        settings.base_url, settings.link_secret.get_secret_value(), forum_url=settings.forum_url
    )
    policy = SubmissionPolicy(
        duplicate_window=timedelta(seconds=settings.duplicate_window_seconds),
        idempotency_key_lifetime=timedelta(seconds=settings.idempotency_key_seconds),
    )
    region = RegionSignIn(settings) if settings.region_sign_in else None
    app = create_http_app(
        runtime,
        title="DigitalWell intake",
        description="Applications for support: the form, the applicant's status and timeline.",
        routers=[
            create_api_router(runtime, store, links, policy),
            create_page_router(
                runtime, store, links, policy, assessment_weeks=settings.assessment_weeks
            ),
            create_accessibility_router(settings),
            create_staff_api(
                runtime.staff, issuer, accounts, store, password_sign_in=region is None
            ),
            create_staff_pages(
                settings,
                staff=runtime.staff,
                issuer=issuer,
                accounts=accounts,
                store=store,
                region=region,
            ),
        ],
    )
    if region is not None:
        # Authlib keeps the flow's state, nonce and PKCE verifier here between the redirect and
        # the callback: a short-lived signed cookie, sent on the provider's top-level redirect.
        app.add_middleware(
            SessionMiddleware,
            # A key of its own, derived, so this cookie's key is no form's CSRF key.
            secret_key=hmac.new(
                settings.staff_csrf_secret.get_secret_value().encode(),
                b"sign-in-flow",
                hashlib.sha256,
            ).hexdigest(),
            session_cookie="digitalwell_sign_in_flow",
            max_age=600,
            same_site="lax",
            https_only=settings.base_url.startswith("https://"),
        )
    return app
