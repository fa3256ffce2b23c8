"""create_app: intake's runtime, stores, Deps, handlers and routers, wired without I/O."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from functools import partial

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from digitalwell_intake import api, register, staff_api
from digitalwell_intake.deps import Deps, SignInPolicy, SubmissionPolicy, Web
from digitalwell_intake.handlers import register_handlers
from digitalwell_intake.pages import accessibility, applicant, sign_in, staff
from digitalwell_intake.passwords import Passwords
from digitalwell_intake.region_sign_in import RegionSignIn
from digitalwell_intake.settings import Settings
from digitalwell_intake.staff_tokens import TokenIssuer
from digitalwell_intake.stores.applications import MongoApplicationStore
from digitalwell_intake.stores.staff import MongoSignInAttemptStore, MongoStaffAccountStore
from digitalwell_intake.usecases import accounts
from digitalwell_intake.views import Links
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    StaffSessionRevoked,
)
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import Runtime, create_runtime

NAME = "intake"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the intake service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(
        NAME,
        settings,
        publishes=[ApplicationSubmitted, ApplicationWithdrawn, StaffSessionRevoked],
    )
    deps = _deps(settings, runtime)
    register_handlers(runtime, deps)
    region = RegionSignIn(settings) if settings.region_sign_in else None
    app = create_http_app(
        runtime,
        title="DigitalWell intake",
        description="Applications for support: the form, the applicant's status and timeline.",
        routers=[
            api.router,
            applicant.router,
            accessibility.router,
            staff_api.router,
            register.api_router,
            sign_in.password_router if region is None else sign_in.region_router,
            sign_in.router,
            staff.router,
            register.page_router,
        ],
    )
    app.state.deps = deps
    app.state.web = Web(
        settings=settings,
        links=Links(
            settings.base_url, settings.link_secret.get_secret_value(), forum_url=settings.forum_url
        ),
        staff=runtime.staff,
        region=region,
    )
    if region is not None:
        _keep_sign_in_flow(app, settings)
    return app


def _deps(settings: Settings, runtime: Runtime) -> Deps:
    """The stores on the runtime's database, and what the use cases need; their start hooks."""
    applications = MongoApplicationStore(runtime.database)
    staff_accounts = MongoStaffAccountStore(runtime.database)
    deps = Deps(
        applications=applications,
        accounts=staff_accounts,
        attempts=MongoSignInAttemptStore(runtime.database),
        committer=runtime,
        passwords=Passwords(),
        issuer=TokenIssuer(
            settings.staff_signing_key.get_secret_value(),
            session_minutes=settings.staff_session_minutes,
            idle_minutes=settings.staff_idle_minutes,
        ),
        revoked=runtime.staff.revoked,
        submission=SubmissionPolicy(
            duplicate_window=timedelta(seconds=settings.duplicate_window_seconds),
            idempotency_key_lifetime=timedelta(seconds=settings.idempotency_key_seconds),
        ),
        sign_in=SignInPolicy(
            production=settings.environment == "production",
            max_failures=settings.staff_max_failed_sign_ins,
            lock_for=timedelta(minutes=settings.staff_lock_minutes),
            per_address_per_minute=(
                settings.staff_sign_ins_per_address_per_minute
                if settings.sign_in_throttled
                else None
            ),
            totp_required=settings.totp_required,
        ),
    )
    runtime.startup_hooks.append(applications.ensure_indexes)
    runtime.startup_hooks.append(staff_accounts.ensure_indexes)
    if settings.seed_demo_staff:
        runtime.startup_hooks.append(partial(accounts.seed_demo_staff, deps))
    if settings.bootstrap_admin_email:
        runtime.startup_hooks.append(
            partial(
                accounts.bootstrap_administrator,
                deps,
                settings.bootstrap_admin_email,
                settings.bootstrap_admin_password.get_secret_value(),
            )
        )
    return deps


def _keep_sign_in_flow(app: FastAPI, settings: Settings) -> None:
    """Keep the region sign-in's flow in a short-lived signed cookie.

    Authlib keeps the flow's state, nonce and PKCE verifier there between the redirect and the
    callback; the cookie is sent on the provider's top-level redirect.
    """
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
