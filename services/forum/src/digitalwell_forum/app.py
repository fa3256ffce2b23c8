"""create_app: forum's broker, database, handlers, jobs, API and pages, wired without I/O."""

from __future__ import annotations

from fastapi import FastAPI

from digitalwell_forum.api import create_router
from digitalwell_forum.handlers import register_handlers
from digitalwell_forum.pages import create_page_router
from digitalwell_forum.settings import Settings
from digitalwell_forum.store import BookingStore, ClaimStore, EligibilityStore, SessionStore
from digitalwell_forum.usecases import Forum, Policy, Stores
from digitalwell_forum.views import Links
from digitalwell_forum.worker import JobWorker
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
    stores = Stores(
        eligibility=EligibilityStore(runtime.database),
        sessions=SessionStore(runtime.database),
        bookings=BookingStore(runtime.database),
        claims=ClaimStore(runtime.database),
    )
    forum = Forum(
        runtime,
        stores,
        Policy(offer_hold=settings.seat_offer_hold, reminder_lead=settings.reminder_lead),
    )
    jobs = JobWorker(
        [forum.expire_offers, forum.send_due_reminders],
        poll_seconds=settings.jobs_poll_seconds,
        batch_size=settings.jobs_batch_size,
    )
    runtime.startup_hooks += [
        stores.sessions.ensure_indexes,
        stores.bookings.ensure_indexes,
        stores.eligibility.ensure_indexes,
        jobs.start,
    ]
    runtime.shutdown_hooks.append(jobs.stop)
    register_handlers(runtime, forum)
    links = Links(
        settings.base_url,
        settings.link_secret.get_secret_value(),
        grace_hours=settings.booking_link_grace_hours,
    )
    app = create_http_app(
        runtime,
        title="DigitalWell forum",
        description="Innovation Forum workshops, breakfast meetings and trainings, and bookings.",
        routers=[
            create_router(forum, (stores.eligibility, stores.sessions, stores.bookings), links),
            create_page_router(
                forum,
                stores.sessions,
                stores.bookings,
                links,
                eligibility=stores.eligibility,
                calendar_domain=settings.calendar_domain,
            ),
        ],
    )
    app.state.jobs = jobs  # tests run the jobs at a moment of their choosing
    return app
