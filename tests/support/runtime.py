"""Starting a service in a test: the one way, whatever the test.

- A service's own app (``create_app(settings)``): ``serving(app, base_url)`` starts it as its
  lifespan does (indexes, consumer, relay, workers) and gives an HTTP client for it and its
  database; leaving the block stops it as SIGTERM would. tests/support/<service>.py wrap this
  with the service's test settings (``running_intake`` and the like).
- The shared skeleton with a test's own handlers: ``make_runtime`` (its own consumer group and
  database), then ``running(runtime)``, or ``serving(app_of(runtime))`` when the test also
  calls its HTTP routes (/metrics, a test route).
- The whole system as processes (end-to-end, browser and fault tests):
  ``tests.support.stack.running_stack``.

The broker and the database come from the session fixtures of tests/conftest.py
(``kafka_bootstrap_servers``, ``mongodb_url``: tests/support/infra.py finds or starts them).
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI

from digitalwell_shared.contracts import IntegrationEvent
from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.mongo import Database
from digitalwell_shared.runtime import Runtime, create_runtime
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.signing import development_key_id, development_seed
from digitalwell_shared.tracing import Tracing


def make_runtime(
    kafka_bootstrap_servers: str,
    mongodb_url: str,
    *,
    publishes: tuple[type[IntegrationEvent], ...] = (),
    max_attempts: int = 2,
    tracing: Tracing | None = None,
) -> Runtime:
    """A runtime with its own consumer group and database, so tests never collide.

    It signs with the development key of the service that owns what it publishes (intake when
    it publishes nothing), as consumers believe only a topic's owner.
    """
    name = f"test-{uuid.uuid4().hex[:12]}"
    owner = publishes[0].topic.split(".")[0] if publishes else "intake"
    settings = ServiceSettings(
        event_signing_key=base64.b64encode(development_seed(owner)).decode(),
        event_signing_key_id=development_key_id(owner),
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=name,
        http_port=0,
        outbox_poll_seconds=0.2,
        consumer_max_attempts=max_attempts,
        shutdown_grace_seconds=5,
    )
    return create_runtime(name, settings, publishes=publishes, tracing=tracing)


def app_of(runtime: Runtime, *, routers: Sequence[APIRouter] = ()) -> FastAPI:
    """The HTTP app of a bare runtime, as a service builds its own (not started)."""
    return create_http_app(runtime, title=runtime.name, description="test", routers=routers)


@asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[Runtime]:
    """Start the runtime the way a service's lifespan does, and stop it after."""
    app = app_of(runtime)
    async with app.router.lifespan_context(app):
        yield runtime


@asynccontextmanager
async def serving(
    app: FastAPI, base_url: str = "http://test"
) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """Start a service's app as its lifespan does; an HTTP client for it, and its database."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url) as client,
    ):
        yield client, app.state.runtime.database
