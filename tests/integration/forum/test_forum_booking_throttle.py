"""Bookings are throttled per client address and per e-mail address, answering 429."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from digitalwell_forum.app import create_app
from tests.support.forum import BASE_URL, RunningForum, person, settings
from tests.support.runtime import serving

pytestmark = pytest.mark.integration

PER_ADDRESS = 3
PER_EMAIL = 2
# Long, so that no test run meets the end of a window (windows are aligned to the clock).
WINDOW_SECONDS = 10_000_000


@pytest.fixture(scope="module")
async def forum(forum_kafka: str, mongodb_url: str) -> AsyncIterator[RunningForum]:
    """forum with throttling on, reached directly (no trusted proxy)."""
    throttled = settings(
        forum_kafka,
        mongodb_url,
        throttle_enabled=True,
        throttle_per_address=PER_ADDRESS,
        throttle_per_email=PER_EMAIL,
        throttle_window_seconds=WINDOW_SECONDS,
    )
    app = create_app(throttled)
    async with serving(app, throttled.base_url) as (client, database):
        yield RunningForum(throttled, client, database, app.state.jobs)


def _client_at(forum: RunningForum, address: str) -> httpx.AsyncClient:
    """A client that connects from ``address``, as the server sees the connection."""
    app = forum.client._transport.app  # type: ignore[attr-defined]  # noqa: SLF001 - the same app
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app, client=(address, 40_000)), base_url=BASE_URL
    )


def _address() -> str:
    number = uuid.uuid4().int
    return f"198.51.{number % 250}.{number // 250 % 250 + 1}"


async def test_one_e_mail_address_gets_its_share_of_bookings_then_429(
    forum: RunningForum,
) -> None:
    sessions = [await forum.schedule(capacity=5) for _ in range(PER_EMAIL + 1)]
    email = f"eager.{uuid.uuid4().hex[:8]}@example.org"

    answers = []
    for session_id in sessions:
        async with _client_at(forum, _address()) as client:
            answers.append(
                await client.post(
                    f"/api/v1/sessions/{session_id}/bookings", json=person(email=email)
                )
            )

    assert [answer.status_code for answer in answers] == [201] * PER_EMAIL + [429]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= WINDOW_SECONDS
    assert await forum.database["bookings"].count_documents({"session_id": sessions[-1]}) == 0


async def test_one_client_address_gets_its_share_of_bookings_whatever_x_forwarded_for_says(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=20)
    address = _address()

    async with _client_at(forum, address) as client:
        answers = [
            await client.post(
                f"/api/v1/sessions/{session_id}/bookings",
                json=person(),
                # Not behind a trusted proxy: a forwarded address is the client's own claim.
                headers={"X-Forwarded-For": _address()},
            )
            for _ in range(PER_ADDRESS)
        ]
        refused_form = await client.post(
            f"/sessions/{session_id}/book", data=person() | {"lang": "en"}
        )
    async with _client_at(forum, _address()) as elsewhere:
        other_address = await elsewhere.post(
            f"/api/v1/sessions/{session_id}/bookings", json=person()
        )

    assert [answer.status_code for answer in answers] == [201] * PER_ADDRESS
    assert refused_form.status_code == 429
    assert 0 < int(refused_form.headers["Retry-After"]) <= WINDOW_SECONDS
    assert other_address.status_code == 201
