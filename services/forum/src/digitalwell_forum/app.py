"""create_app: forum's broker, database, handlers, jobs, API and pages, wired without I/O."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from digitalwell_forum import api, pages, usecases
from digitalwell_forum.deps import Deps, Policy
from digitalwell_forum.handlers import register_handlers
from digitalwell_forum.jobs import JobWorker
from digitalwell_forum.links import Links
from digitalwell_forum.settings import Settings
from digitalwell_forum.stores import (
    MongoBookingStore,
    MongoClaimStore,
    MongoGrantStore,
    MongoSessionStore,
)
from digitalwell_shared.contracts import (
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionCancelled,
    ForumSessionFillingUp,
    ForumSessionScheduled,
)
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import create_runtime

NAME = "forum"
PUBLISHES = (
    ForumSessionScheduled,
    ForumSessionCancelled,
    ForumBooked,
    ForumBookingWaitlisted,
    ForumSeatOffered,
    ForumBookingCancelled,
    ForumReminderDue,
    ForumSessionFillingUp,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the forum service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings, publishes=PUBLISHES)
    grants = MongoGrantStore(runtime.database)
    sessions = MongoSessionStore(runtime.database)
    bookings = MongoBookingStore(runtime.database)
    deps = Deps(
        grants=grants,
        sessions=sessions,
        bookings=bookings,
        claims=MongoClaimStore(runtime.database),
        committer=runtime,
        policy=Policy(offer_hold=settings.seat_offer_hold, reminder_lead=settings.reminder_lead),
        links=Links(
            settings.base_url,
            settings.link_secret.get_secret_value(),
            grace_hours=settings.booking_link_grace_hours,
        ),
        calendar_domain=settings.calendar_domain,
    )
    jobs = JobWorker(
        [partial(usecases.expire_offers, deps), partial(usecases.send_due_reminders, deps)],
        poll_seconds=settings.jobs_poll_seconds,
        batch_size=settings.jobs_batch_size,
    )
    runtime.startup_hooks += [
        sessions.ensure_indexes,
        bookings.ensure_indexes,
        grants.ensure_indexes,
        jobs.start,
    ]
    runtime.shutdown_hooks.append(jobs.stop)
    register_handlers(runtime, deps)
    app = create_http_app(
        runtime,
        title="DigitalWell forum",
        description="Innovation Forum workshops, breakfast meetings and trainings, and bookings.",
        routers=[api.router, *pages.ROUTERS],
    )
    app.state.deps = deps
    app.state.jobs = jobs  # tests run the jobs at a moment of their choosing
    return app
