"""create_app: notify's broker, database, handlers, delivery worker and HTTP routes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from fastapi import FastAPI

from digitalwell_notify import api, pages
from digitalwell_notify.composing import LinkSettings
from digitalwell_notify.delivery import Deliverer, RelayWatch
from digitalwell_notify.deps import Deps
from digitalwell_notify.domain import RetryPolicy
from digitalwell_notify.handlers import register_handlers
from digitalwell_notify.metrics import counted, delivery_rounds
from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.settings import Settings
from digitalwell_notify.smtp import SmtpTransport
from digitalwell_notify.stores import (
    MongoApplicantStore,
    MongoEmailStore,
    MongoParkedEventStore,
    MongoPreferenceStore,
)
from digitalwell_shared.background import PollingLoop
from digitalwell_shared.contracts import EmailFailed, EmailSent
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import Runtime, create_runtime

NAME = "notify"
DELIVERY_POLL_SECONDS = 1.0
DELIVERY_ERROR_PAUSE_SECONDS = 2.0


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the notify service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings, publishes=[EmailSent, EmailFailed])
    emails = MongoEmailStore(runtime.database)
    parked = MongoParkedEventStore(runtime.database)
    deps = Deps(
        emails=emails,
        applicants=MongoApplicantStore(runtime.database),
        parked=parked,
        preferences=MongoPreferenceStore(runtime.database),
        templates=EmailTemplates(
            contact_email=settings.contact_email, directory=settings.templates_dir
        ),
        links=_links(settings),
        committer=runtime,
    )
    worker = _delivery_worker(runtime, settings, deps)
    deps = replace(deps, wake_delivery=worker.wake)
    runtime.startup_hooks += [emails.ensure_indexes, parked.ensure_indexes, worker.start]
    runtime.shutdown_hooks.append(worker.stop)
    runtime.after_effect.append(worker.wake)
    register_handlers(runtime, deps)
    app = create_http_app(
        runtime,
        title="DigitalWell notify",
        description="Turns the system's events into e-mails and delivers each one once.",
        description_sv="Gör systemets händelser till e-post och levererar varje brev en gång.",
        routers=[pages.router, api.router],
    )
    app.state.deps = deps
    return app


def _links(settings: Settings) -> LinkSettings:
    return LinkSettings(
        intake_url=settings.intake_url,
        forum_url=settings.forum_url,
        notify_url=settings.base_url,
        secret=settings.link_secret.get_secret_value(),
        id_domain=settings.message_id_domain,
        booking_link_grace_hours=settings.booking_link_grace_hours,
        unsubscribe_link_days=settings.unsubscribe_link_days,
    )


def _delivery_worker(runtime: Runtime, settings: Settings, deps: Deps) -> PollingLoop:
    """The tasks that send stored e-mails.

    Consuming only stores e-mails; these tasks send them, so a slow or absent SMTP server never
    holds up the consumer group, and queued e-mails survive a restart in the database. Two
    tasks let one batch be claimed and recorded while another is being sent.
    """
    transport = SmtpTransport(settings)
    deliverer = Deliverer(
        deps.emails,
        deps.preferences,
        counted(transport.send, runtime.registry),
        RetryPolicy(
            base_seconds=settings.retry_base_seconds,
            max_interval_seconds=settings.retry_max_interval_seconds,
            give_up_after_seconds=settings.retry_for_seconds,
        ),
        mail_from=settings.mail_from,
        committer=deps.committer,
        clock=deps.clock,
        batch_size=settings.send_batch_size,
        concurrency=settings.send_concurrency,
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        relay=RelayWatch(
            lambda: transport.probe(settings.mail_from),
            every_seconds=settings.smtp_probe_seconds,
        ),
    )
    rounds = delivery_rounds(runtime.registry)

    async def deliver_round() -> bool:
        try:
            return await deliverer.deliver_due() > 0
        finally:
            rounds.inc()

    return PollingLoop(
        deliver_round,
        name="email-delivery",
        poll_seconds=DELIVERY_POLL_SECONDS,
        error_pause_seconds=DELIVERY_ERROR_PAUSE_SECONDS,
        tasks=2,
    )
