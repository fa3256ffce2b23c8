"""Running a bare service runtime in a test: the shared skeleton with a test's own handlers."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

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


@asynccontextmanager
async def running(runtime: Runtime) -> AsyncIterator[Runtime]:
    """Start the runtime the way a service's lifespan does, and stop it after."""
    app = create_http_app(runtime, title=runtime.name, description="test")
    async with app.router.lifespan_context(app):
        yield runtime


@asynccontextmanager
async def serving(app: FastAPI, base_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Database]]:
    """Start a service's app as its lifespan does; an HTTP client for it, and its database."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url) as client,
    ):
        yield client, app.state.runtime.database
