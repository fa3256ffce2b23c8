"""create_app: notify's broker, database, handlers, delivery worker and HTTP routes."""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from digitalwell_notify import usecases
from digitalwell_notify.domain import RetryPolicy
from digitalwell_notify.handlers import register_handlers
from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.settings import Settings
from digitalwell_notify.smtp import SmtpTransport
from digitalwell_notify.store import EmailStore
from digitalwell_notify.worker import DeliveryWorker
from digitalwell_shared.service import create_http_app, create_runtime

NAME = "notify"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the notify service; connections open when the app starts."""
    settings = settings or Settings()
    runtime = create_runtime(NAME, settings)
    store = EmailStore(runtime.database)
    composer = usecases.EmailComposer(
        store,
        EmailTemplates(),
        intake_url=settings.intake_url,
        id_domain=settings.message_id_domain,
    )
    retry = RetryPolicy(
        base_seconds=settings.retry_base_seconds,
        max_interval_seconds=settings.retry_max_interval_seconds,
        give_up_after_seconds=settings.retry_for_seconds,
    )
    worker = DeliveryWorker(
        partial(
            usecases.deliver_next,
            store,
            SmtpTransport(settings).send,
            retry,
            settings.mail_from,
        ),
        concurrency=settings.send_concurrency,
    )
    runtime.startup_hooks += [store.ensure_indexes, worker.start]
    runtime.shutdown_hooks.append(worker.stop)
    runtime.after_effect.append(worker.wake)
    register_handlers(runtime, composer)
    return create_http_app(
        runtime,
        title="DigitalWell notify",
        description="Turns the system's events into e-mails and delivers each one once.",
    )
