"""council in a test: the app on a database of its own, staff tokens, and cases opened by events."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from digitalwell_council.app import create_app
from digitalwell_council.settings import Settings
from digitalwell_devstack.servers import create_topics
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    GrantDecided,
    StaffSessionRevoked,
)
from digitalwell_shared.mongo import Database
from digitalwell_shared.staff import SESSION_COOKIE, Role
from tests.support.events import application_submitted
from tests.support.kafka import publish_event
from tests.support.runtime import serving
from tests.support.staff import bearer, staff_token
from tests.support.waiting import until_true

BASE_URL = "http://council.test"
TOPICS = (
    ApplicationSubmitted.topic,
    ApplicationWithdrawn.topic,
    GrantDecided.topic,
    StaffSessionRevoked.topic,  # every service consumes it
)
# The first event after a consumer group forms waits for the group to join (Tansu: 5-15 s).
CONSUME_SECONDS = 90.0
# The demo accounts the devstack seeds at intake, as COUNCIL_MEMBERS would list them.
DEMO_COUNCIL = "chair@example.org, member1@example.org, member2@example.org"


@dataclass(frozen=True)
class Person:
    """A member of staff in a test, with a unique address so tests never collide."""

    name: str
    email: str
    roles: tuple[Role, ...]

    def token(self, settings: Settings) -> str:
        """A bearer token for this person, signed as intake signs them."""
        return staff_token(settings, *self.roles, name=self.name, email=self.email)

    def headers(self, settings: Settings) -> dict[str, str]:
        """The Authorization header for the staff API."""
        return bearer(self.token(settings))


def person(name: str, *roles: Role) -> Person:
    """A person with a unique address and ``roles``."""
    first = name.split(maxsplit=1)[0].lower()
    return Person(name, f"{first}.{uuid.uuid4().hex[:8]}@example.org", roles)


def member(name: str) -> Person:
    """A council member."""
    return person(name, Role.COUNCIL_MEMBER)


def chair(name: str) -> Person:
    """The council's chair, who is also a member (as the demo chair is)."""
    return person(name, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)


def all_scores(score: int = 4, comment: str = "Well argued.") -> dict[str, Any]:
    """A scoring body with every criterion."""
    criteria = ("need", "viability", "public_sector_fit", "innovation", "feasibility")
    return {"scores": [{"criterion": c, "score": score, "comment": comment} for c in criteria]}


async def ensure_topics(bootstrap_servers: str) -> None:
    """Create council's topics up front, so its consumer group finds every partition at once."""
    await create_topics(bootstrap_servers, TOPICS)


def settings(kafka_bootstrap_servers: str, mongodb_url: str, **changes: Any) -> Settings:
    """Settings for one test: its own database, a fast relay and a short shutdown."""
    values: dict[str, Any] = {
        "kafka_bootstrap_servers": kafka_bootstrap_servers,
        "mongodb_url": mongodb_url,
        "mongodb_database": f"council_test_{uuid.uuid4().hex[:12]}",
        "public_base_url": BASE_URL,
        "outbox_poll_seconds": 0.2,
        "shutdown_grace_seconds": 5,
    }
    return Settings(**(values | changes))


@dataclass
class RunningCouncil:
    """A started council app, an HTTP client for it, and its database to look into."""

    settings: Settings
    client: httpx.AsyncClient
    database: Database
    kafka: str

    async def open_case(self, **changes: Any) -> tuple[str, ApplicationSubmitted]:
        """Publish an application as intake does and wait for its case; return the case id."""
        submitted = application_submitted()
        if changes:
            submitted = submitted.model_copy(update=changes)
        await publish_event(self.kafka, submitted)
        case_id = f"case-{submitted.application_id}"

        async def opened() -> bool:
            return await self.database["cases"].find_one({"_id": case_id}) is not None

        await until_true(opened, seconds=CONSUME_SECONDS)
        return case_id, submitted

    async def snapshot(self, case_id: str) -> tuple[Any, ...]:
        """All a request could change about a case: to show that a refusal changed nothing."""
        case = await self.database["cases"].find_one({"_id": case_id})
        assessments = await self.database["assessments"].find({"case_id": case_id}).to_list()
        audit = await self.database["audit"].count_documents({"case_id": case_id})
        outbox = await self.database["outbox"].count_documents({})
        return case, assessments, audit, outbox

    async def api(
        self, method: str, path: str, who: Person, json: Any = None, **kwargs: Any
    ) -> httpx.Response:
        """A staff API request as ``who``."""
        return await self.client.request(
            method, path, json=json, headers=who.headers(self.settings), **kwargs
        )

    def sign_in(self, who: Person, language: str = "en") -> httpx.AsyncClient:
        """A browser signed in as ``who``: the session cookie intake would set.

        It asks for English pages unless told otherwise (the pages are Swedish first; the
        tests of what they say in each language ask for Swedish).
        """
        browser = httpx.AsyncClient(
            transport=self.client._transport,  # noqa: SLF001 - the same in-process app
            base_url=self.settings.base_url,
            headers={"Accept-Language": language},
        )
        browser.cookies.set(SESSION_COOKIE, who.token(self.settings))
        return browser


@asynccontextmanager
async def running_council(
    service_settings: Settings, kafka_bootstrap_servers: str
) -> AsyncIterator[RunningCouncil]:
    """Start council as its lifespan does, and stop it after the test."""
    async with serving(create_app(service_settings), service_settings.base_url) as (client, db):
        yield RunningCouncil(service_settings, client, db, kafka_bootstrap_servers)
