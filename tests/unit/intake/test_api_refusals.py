"""What the JSON API refuses before it touches the database: nothing here needs a server.

The app runs without its lifespan, so nothing connects: each request below must be
answered from the request alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from digitalwell_intake.app import create_app
from digitalwell_intake.domain import new_application_id, withdraw_token
from digitalwell_intake.settings import Settings
from digitalwell_shared.settings import DEV_LINK_SECRET
from tests.support.intake import application_body


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(mongodb_database="never_used"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://intake.test"
    ) as client:
        yield client


async def test_an_invalid_body_is_a_422_naming_the_field(client: httpx.AsyncClient) -> None:
    body = application_body()
    body["contact"]["phone"] = "12"

    response = await client.post("/api/v1/applications", json=body)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "contact", "phone"]
    assert error["msg"].startswith("Enter a phone number")


async def test_a_body_that_is_not_json_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/applications", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 422


@pytest.mark.parametrize("key", ["has space", "x" * 201, "åäö".encode()])
async def test_a_malformed_idempotency_key_is_refused(
    client: httpx.AsyncClient, key: str | bytes
) -> None:
    response = await client.post(
        "/api/v1/applications",
        json=application_body(),
        headers={"Idempotency-Key": key},
    )

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert error["type"] == "idempotency_key_invalid"


@pytest.mark.parametrize("application_id", ["nonsense", "app_UPPERCASEUPPERCASEUPPERC", "app_"])
async def test_an_id_that_cannot_be_an_application_is_a_404(
    client: httpx.AsyncClient, application_id: str
) -> None:
    response = await client.get(f"/api/v1/applications/{application_id}")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("No application has this id")


async def test_a_withdrawal_without_the_right_token_is_a_403(client: httpx.AsyncClient) -> None:
    application_id = new_application_id()
    others = withdraw_token(DEV_LINK_SECRET, new_application_id())

    wrong = await client.post(
        f"/api/v1/applications/{application_id}/withdraw", params={"token": others}, json={}
    )
    missing = await client.post(f"/api/v1/applications/{application_id}/withdraw", json={})

    assert wrong.status_code == 403
    assert wrong.json()["detail"] == "The withdrawal token is not valid for this application"
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["query", "token"]


async def test_a_withdrawal_reason_has_a_limit(client: httpx.AsyncClient) -> None:
    application_id = new_application_id()
    token = withdraw_token(DEV_LINK_SECRET, application_id)

    response = await client.post(
        f"/api/v1/applications/{application_id}/withdraw",
        params={"token": token},
        json={"reason": "x" * 2001},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


async def test_pages_send_headers_that_keep_the_token_and_the_page_at_home(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")

    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
