"""intake in a test: valid requests with unique values, and the app on a database of its own."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from digitalwell_devstack.servers import create_topics
from digitalwell_intake.app import create_app
from digitalwell_intake.domain import luhn_check_digit
from digitalwell_intake.settings import Settings
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    GrantDecided,
    StaffSessionRevoked,
)
from digitalwell_shared.mongo import Database
from tests.support.runtime import serving

BASE_URL = "http://intake.test"
TOPICS = (
    ApplicationSubmitted.topic,
    ApplicationWithdrawn.topic,
    GrantDecided.topic,
    StaffSessionRevoked.topic,  # every service consumes it
)


def org_number() -> str:
    """A random organisation number that passes every rule (third digit 2-9, Luhn)."""
    digits = f"{random.randint(1, 9)}{random.randint(0, 9)}{random.randint(2, 9)}"  # noqa: S311
    digits += "".join(str(random.randint(0, 9)) for _ in range(6))  # noqa: S311
    digits += str(luhn_check_digit(digits))
    return f"{digits[:6]}-{digits[6:]}"


def application_body(**changes: Any) -> dict[str, Any]:
    """A complete, valid JSON body for POST /api/v1/applications, unique to this call."""
    body: dict[str, Any] = {
        "organisation": {"name": "Omsorgsteknik i Värmland AB", "org_number": org_number()},
        "contact": {
            "name": "Åsa Öberg",
            "email": f"asa.{uuid.uuid4().hex[:8]}@example.org",
            "phone": "070-123 45 67",
            "language": "sv",
        },
        "title": f"Läkemedelsdosett {uuid.uuid4().hex[:8]}",
        "summary": "En uppkopplad dosett som påminner och larmar anhöriga.",
        "need": "Äldre som bor hemma glömmer sina läkemedel.",
        "target_groups": ["äldre i ordinärt boende", "hemtjänst"],
        "stage": "prototype",
        "business_model": "Abonnemang per brukare och månad, betalt av kommunen.",
        "public_sector_partners": ["Region Värmland"],
        "support_requested": ["innovation_forum", "test_environment"],
        "consent": True,
    }
    body.update(changes)
    return body


def form_fields(body: dict[str, Any], *, lang: str = "sv") -> list[tuple[str, str]]:
    """The HTML form's fields for the same application as ``body``."""
    fields = [
        ("lang", lang),
        ("org_name", body["organisation"]["name"]),
        ("org_number", body["organisation"]["org_number"]),
        ("contact_name", body["contact"]["name"]),
        ("contact_email", body["contact"]["email"]),
        ("contact_phone", body["contact"]["phone"]),
        ("contact_language", body["contact"]["language"]),
        ("title", body["title"]),
        ("summary", body["summary"]),
        ("need", body["need"]),
        ("target_groups", "\n".join(body["target_groups"])),
        ("stage", body["stage"]),
        ("business_model", body["business_model"]),
        ("public_sector_partners", "\n".join(body["public_sector_partners"])),
    ]
    fields += [("support_requested", kind) for kind in body["support_requested"]]
    if body["consent"]:
        fields.append(("consent", "yes"))
    return fields


def form_data(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """Form fields as httpx posts them: a repeated name (a checkbox group) as a list."""
    data: dict[str, str | list[str]] = {}
    for name, value in fields:
        if name == "support_requested":
            kinds = data.setdefault(name, [])
            assert isinstance(kinds, list)
            kinds.append(value)
        else:
            data[name] = value
    return data


async def ensure_topics(bootstrap_servers: str) -> None:
    """Create intake's topics up front, so its consumer group finds every partition at once."""
    await create_topics(bootstrap_servers, TOPICS)


def settings(kafka_bootstrap_servers: str, mongodb_url: str) -> Settings:
    """Settings for one test: its own database, a fast relay and a short shutdown."""
    return Settings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=f"intake_test_{uuid.uuid4().hex[:12]}",
        public_base_url=BASE_URL,
        outbox_poll_seconds=0.2,
        shutdown_grace_seconds=5,
    )


@dataclass
class RunningIntake:
    """A started intake app, an HTTP client for it, and its database to look into."""

    settings: Settings
    client: httpx.AsyncClient
    database: Database
    app: FastAPI

    def client_from(self, address: str) -> httpx.AsyncClient:
        """Another HTTP client of the same app, as if from the client address ``address``."""
        transport = httpx.ASGITransport(self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url=self.settings.base_url)

    async def count(self, collection: str, query: dict[str, Any] | None = None) -> int:
        """How many documents in ``collection`` match ``query`` (all, without one)."""
        return await self.database[collection].count_documents(query or {})

    async def stored_for(self, body: dict[str, Any]) -> tuple[int, int]:
        """How many applications from ``body``'s organisation, and how many events about them."""
        org_number = body["organisation"]["org_number"]
        applications = self.database["applications"].find(
            {"application.organisation.org_number": _normal_org_number(org_number)}
        )
        ids = [application["_id"] async for application in applications]
        return len(ids), await self.count("outbox", {"key": {"$in": ids}})


def _normal_org_number(text: str) -> str:
    digits = text.replace("-", "")
    return f"{digits[:6]}-{digits[6:]}"


@asynccontextmanager
async def running_intake(service_settings: Settings) -> AsyncIterator[RunningIntake]:
    """Start intake as its lifespan does, and stop it after the test."""
    app = create_app(service_settings)
    async with serving(app, service_settings.base_url) as (client, db):
        yield RunningIntake(service_settings, client, db, app)
