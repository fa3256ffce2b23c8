"""forum in a test: session requests, a coordinator's token, the app on a database of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from digitalwell_devstack.servers import create_topics
from digitalwell_forum.app import PUBLISHES, create_app
from digitalwell_forum.jobs import JobWorker
from digitalwell_forum.settings import Settings
from digitalwell_shared.contracts import GrantDecided, StaffSessionRevoked
from digitalwell_shared.mongo import Database
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import Role
from tests.support.runtime import serving
from tests.support.staff import bearer, staff_token

BASE_URL = "http://forum.test"
TOPICS = (GrantDecided.topic, StaffSessionRevoked.topic, *(event.topic for event in PUBLISHES))
COORDINATOR_EMAIL = "coordinator@example.org"


def coordinator_token(
    settings: ServiceSettings | None = None, *, roles: tuple[Role, ...] = ()
) -> str:
    """A forum coordinator's bearer token, signed with ``settings``' (or the dev) secret."""
    return staff_token(
        settings or Settings(),
        *(roles or (Role.FORUM_COORDINATOR,)),
        name="Maria Lund",
        email=COORDINATOR_EMAIL,
    )


def staff_headers(settings: ServiceSettings | None = None) -> dict[str, str]:
    """Authorization headers of a forum coordinator."""
    return bearer(coordinator_token(settings))


def session_body(**changes: Any) -> dict[str, Any]:
    """A valid POST /api/v1/sessions body: a breakfast meeting ten days ahead, 20 seats."""
    starts = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    body: dict[str, Any] = {
        "kind": "breakfast_meeting",
        "title": f"Frukostmöte {uuid.uuid4().hex[:6]}: AI i hemtjänsten",
        "description": "Vi pratar om AI i hemtjänsten.",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "location": "Sommargatan 101 A, Karlstad",
        "capacity": 20,
        "public_sector_participants": ["Region Värmland"],
    }
    body.update(changes)
    return body


def person(**changes: Any) -> dict[str, Any]:
    """A valid booking body with a unique address."""
    body: dict[str, Any] = {
        "name": "Bo Ek",
        "email": f"bo.{uuid.uuid4().hex[:10]}@example.org",
        "language": "sv",
    }
    body.update(changes)
    return body


async def ensure_topics(bootstrap_servers: str) -> None:
    """Create forum's topics up front, so its consumer group finds every partition at once."""
    await create_topics(bootstrap_servers, TOPICS)


def settings(kafka_bootstrap_servers: str, mongodb_url: str, **overrides: Any) -> Settings:
    """Settings for one test: its own database, a fast relay, and jobs the test runs itself."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap_servers,
        "mongodb_url": mongodb_url,
        "mongodb_database": f"forum_test_{uuid.uuid4().hex[:12]}",
        "public_base_url": BASE_URL,
        "outbox_poll_seconds": 0.2,
        "shutdown_grace_seconds": 5,
        "jobs_poll_seconds": 3600,
    }
    return Settings(**(values | overrides))


@dataclass
class RunningForum:
    """A started forum app, an HTTP client for it, its jobs, and its database to look into."""

    settings: Settings
    client: httpx.AsyncClient
    database: Database
    jobs: JobWorker

    async def schedule(self, **changes: Any) -> str:
        """Schedule a session as a coordinator; its id."""
        response = await self.client.post(
            "/api/v1/sessions", json=session_body(**changes), headers=staff_headers(self.settings)
        )
        assert response.status_code == 201, response.text
        session_id: str = response.json()["id"]
        return session_id

    async def outbox(self, topic: str, key: str | None = None) -> list[dict[str, Any]]:
        """The events of ``topic`` in forum's outbox (about ``key``), in the order written."""
        query: dict[str, Any] = {"topic": topic} | ({"key": key} if key else {})
        return [entry async for entry in self.database["outbox"].find(query).sort("_id", 1)]


@asynccontextmanager
async def running_forum(service_settings: Settings) -> AsyncIterator[RunningForum]:
    """Start forum as its lifespan does, and stop it after the test."""
    app = create_app(service_settings)
    async with serving(app, service_settings.base_url) as (client, db):
        yield RunningForum(service_settings, client, db, app.state.jobs)
