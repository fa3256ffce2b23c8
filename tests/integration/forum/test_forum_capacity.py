"""Never over capacity: 200 people booking 20 seats at once through two forum processes."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.process import ManagedProcess
from digitalwell_devstack.servers import (
    broker_readiness,
    create_topics,
    http_readiness,
    tansu_process,
)
from digitalwell_shared.mongo import Client
from tests.support.forum import TOPICS, person, session_body, staff_headers

pytestmark = pytest.mark.integration

SEATS = 20
PEOPLE = 200
PROCESSES = 2


@asynccontextmanager
async def own_broker() -> AsyncIterator[str]:
    """A broker of the test's own: the processes' consumer group joins and leaves it, not the
    run's shared broker, where every other forum test's app joins the same group."""
    port = free_port("127.0.0.1")
    broker = tansu_process(host="127.0.0.1", port=port, name="tansu-capacity")
    broker.start()
    try:
        bootstrap = f"127.0.0.1:{port}"
        await broker.wait_ready(broker_readiness(bootstrap), timeout=60)
        await create_topics(bootstrap, TOPICS)
        yield bootstrap
    finally:
        await broker.stop(grace=10)


@asynccontextmanager
async def forum_processes(
    kafka_bootstrap_servers: str, mongodb_url: str, database: str, count: int
) -> AsyncIterator[list[str]]:
    """``count`` forum processes under uvicorn on one database; their base URLs."""
    async with AsyncExitStack() as stack:
        urls = []
        for number in range(count):
            port = free_port("127.0.0.1")
            env = {
                **os.environ,
                "FORUM_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
                "FORUM_MONGODB_URL": mongodb_url,
                "FORUM_MONGODB_DATABASE": database,
                "FORUM_HTTP_HOST": "127.0.0.1",
                "FORUM_HTTP_PORT": str(port),
                "FORUM_LOG_FORMAT": "json",
                "FORUM_LOG_LEVEL": "WARNING",
            }
            process = ManagedProcess(
                f"forum-{number}", [sys.executable, "-m", "digitalwell_forum"], env=env
            )
            process.start()
            stack.push_async_callback(process.stop, grace=10)
            url = f"http://127.0.0.1:{port}"
            await process.wait_ready(http_readiness(f"{url}/readyz"), timeout=60)
            urls.append(url)
        yield urls


async def test_200_people_booking_20_seats_at_once_get_20_seats_and_a_queue_in_order(
    mongodb_url: str,
) -> None:
    database = f"forum_capacity_{uuid.uuid4().hex[:12]}"
    async with (
        own_broker() as kafka_bootstrap_servers,
        forum_processes(kafka_bootstrap_servers, mongodb_url, database, PROCESSES) as urls,
        httpx.AsyncClient(
            timeout=180, trust_env=False, limits=httpx.Limits(max_connections=PEOPLE + 20)
        ) as http,
    ):
        created = await http.post(
            f"{urls[0]}/api/v1/sessions",
            json=session_body(capacity=SEATS),
            headers=staff_headers(),
        )
        session_id = created.json()["id"]
        people = [person() for _ in range(PEOPLE)]

        # Every request at once, alternating between the processes.
        responses = await asyncio.gather(
            *(
                http.post(f"{urls[n % PROCESSES]}/api/v1/sessions/{session_id}/bookings", json=p)
                for n, p in enumerate(people)
            )
        )
        # The same person, ten times at once through both processes: one booking.
        twice = person()
        repeats = await asyncio.gather(
            *(
                http.post(
                    f"{urls[n % PROCESSES]}/api/v1/sessions/{session_id}/bookings", json=twice
                )
                for n in range(10)
            )
        )
        shown = (await http.get(f"{urls[1]}/api/v1/sessions/{session_id}")).json()

    assert [r.status_code for r in responses] == [201] * PEOPLE, [
        r.text for r in responses if r.status_code != 201
    ][:3]
    results = [r.json() for r in responses]
    assert sum(r["status"] == "confirmed" for r in results) == SEATS
    assert sum(r["status"] == "waitlisted" for r in results) == PEOPLE - SEATS
    assert sorted(r["position"] for r in results if r["status"] == "waitlisted") == list(
        range(1, PEOPLE - SEATS + 1)
    )
    assert len({r.json()["id"] for r in repeats}) == 1
    assert sorted(r.status_code for r in repeats) == [200] * 9 + [201]
    assert (shown["seats_left"], shown["waitlisted"]) == (0, PEOPLE - SEATS + 1)

    stored = await _bookings(mongodb_url, database, session_id)
    assert [b["sequence"] for b in stored] == list(range(1, PEOPLE + 2))
    # Arrival order: the first twenty to be numbered have the seats, the rest queue behind
    # them in the order they were numbered.
    assert [b["status"] for b in stored[:SEATS]] == ["confirmed"] * SEATS
    assert [b.get("position") for b in stored[SEATS:]] == list(range(1, PEOPLE - SEATS + 2))
    by_id = {r["id"]: r for r in results}
    assert all(by_id[b["_id"]]["status"] == b["status"] for b in stored if b["_id"] in by_id)


async def _bookings(mongodb_url: str, database: str, session_id: str) -> list[dict[str, Any]]:
    mongo: Client = AsyncMongoClient(mongodb_url, tz_aware=True)
    try:
        cursor = mongo[database]["bookings"].find({"session_id": session_id}).sort("sequence", 1)
        return [booking async for booking in cursor]
    finally:
        await mongo.close()
