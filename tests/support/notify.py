"""notify in tests: the one way to start it, and stored e-mails as its store writes them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from digitalwell_notify.app import create_app
from digitalwell_notify.domain import delivery_key, message_id, unsubscribe_url
from digitalwell_notify.settings import Settings
from digitalwell_notify.stores import MongoEmailStore
from digitalwell_notify.stores.emails import email_record
from digitalwell_shared.mongo import UNCLAIMED, Document, Transaction, in_transaction
from digitalwell_shared.runtime import Runtime
from tests.support.runtime import serving

REMINDERS = "reminders"


def email_document(
    settings: Settings,
    *,
    recipient: str,
    template: str = "booking_confirmed",
    status: str = "pending",
    non_essential: bool = False,
    language: str = "sv",
    application_id: str | None = None,
    created_at: datetime | None = None,
    attempts: list[Document] | None = None,
    recipient_name: str = "Åsa Öberg",
) -> Document:
    """An e-mail as notify stores it."""
    event_id = str(uuid.uuid4())
    key = delivery_key(event_id, recipient, template)
    now = created_at or datetime.now(UTC)
    return {
        "_id": key,
        "message_id": message_id(key, settings.message_id_domain),
        "event_id": event_id,
        "event_type": "se.digitalwell.forum.ForumBooked.v1",
        "correlation_id": str(uuid.uuid4()),
        "template": template,
        "category": REMINDERS if non_essential else None,
        "unsubscribe_url": (
            unsubscribe_url(
                settings.base_url,
                settings.link_secret.get_secret_value(),
                key,
                expires_at=now + timedelta(days=settings.unsubscribe_link_days),
            )
            if non_essential
            else None
        ),
        "language": language,
        "application_id": application_id,
        "booking_id": f"bkg_{uuid.uuid4().hex[:10]}",
        "recipient": recipient.strip().lower(),
        "recipient_name": recipient_name,
        "subject": f"{template} {uuid.uuid4().hex[:6]}",
        "text": "Hej Åsa!\n",
        "html": "<p>Hej Åsa!</p>",
        "attachments": [],
        "status": status,
        "created_at": now,
        "updated_at": now,
        "next_attempt_at": now,
        "claimed_until": UNCLAIMED,
        "attempts": attempts or [],
        **({"sent_at": now} if status == "sent" else {}),
    }


@dataclass(frozen=True)
class RunningNotify:
    """A started notify app, its settings and an HTTP client for it."""

    app: FastAPI
    settings: Settings
    client: httpx.AsyncClient

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def store(self, emails: Sequence[Document]) -> None:
        """Queue the e-mails through notify's store, in one transaction (due together)."""
        store = MongoEmailStore(self.runtime.database)
        records = [email_record(email) for email in emails]

        async def enqueue(transaction: Transaction) -> None:
            await store.enqueue(records, transaction)

        await in_transaction(self.runtime.mongo, enqueue)

    def consumed(self, topic: str, outcome: str) -> float:
        """How many events of ``topic`` the consumer counted as ``outcome`` (e.g. duplicate)."""
        sample = self.runtime.registry.get_sample_value(
            "digitalwell_events_consumed_total", {"topic": topic, "outcome": outcome}
        )
        return sample or 0.0

    async def emails_to(self, recipient: str) -> list[Document]:
        """The stored e-mails to ``recipient``: the delivery log's view of them."""
        found = self.runtime.database["emails"].find({"recipient": recipient.strip().lower()})
        return [email async for email in found]


def notify_settings(kafka_bootstrap_servers: str, mongodb_url: str, **overrides: Any) -> Settings:
    """notify's settings for a test: its own database unless ``overrides`` name one."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap_servers,
        "mongodb_url": mongodb_url,
        "mongodb_database": f"notify-{uuid.uuid4().hex[:12]}",
    }
    return Settings(**(values | overrides))


@asynccontextmanager
async def running_notify(
    kafka_bootstrap_servers: str, mongodb_url: str, **overrides: Any
) -> AsyncIterator[RunningNotify]:
    """notify started (consumer, delivery worker) on the real broker and database."""
    settings = notify_settings(kafka_bootstrap_servers, mongodb_url, **overrides)
    app = create_app(settings)
    async with serving(app) as (client, _database):
        yield RunningNotify(app, settings, client)
