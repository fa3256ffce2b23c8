"""What every service's HTTP side shows: docs from its own host, nosniff, no AsyncAPI CDN page."""

from __future__ import annotations

import re

import httpx
from fastapi import FastAPI

from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.runtime import create_runtime
from digitalwell_shared.settings import ServiceSettings


def _app(environment: str = "development") -> FastAPI:
    """A service's app, not started: these routes need neither broker nor database.

    Production by a copy, so the test does not depend on what else production refuses.
    """
    settings = ServiceSettings(mongodb_database="x", http_port=1).model_copy(
        update={"environment": environment}
    )
    return create_http_app(create_runtime("surface", settings), title="Surface", description="test")


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://surface.test")


async def test_the_api_docs_load_their_scripts_and_styles_from_the_service_itself() -> None:
    async with _client(_app()) as client:
        page = await client.get("/docs")
        assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        fetched = [await client.get(asset) for asset in assets]
        redoc = await client.get("/redoc")

    assert page.status_code == 200
    assert {asset.rsplit("/", 1)[-1] for asset in assets} >= {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
    }
    assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets)
    assert [answer.status_code for answer in fetched] == [200] * len(assets)
    assert "'/openapi.json'" in page.text
    assert '"validatorUrl": null' in page.text
    assert redoc.status_code == 404


async def test_production_serves_the_asyncapi_document_but_not_its_cdn_page() -> None:
    async with _client(_app("production")) as client:
        page = await client.get("/asyncapi")
        document = await client.get("/asyncapi.json")
        landing = await client.get("/")
    async with _client(_app()) as client:
        development_page = await client.get("/asyncapi")

    assert page.status_code == 404
    assert document.status_code == 200
    assert 'href="/asyncapi.json"' in landing.text
    assert development_page.status_code == 200


async def test_every_response_says_nosniff_whatever_answered_it() -> None:
    async with _client(_app()) as client:
        answers = [
            await client.get("/healthz"),
            await client.get("/"),
            await client.get("/no-such-page"),
            await client.post("/staff/sign-out"),
            await client.get("/docs-assets/swagger-ui.css"),
        ]

    assert [answer.headers.get("X-Content-Type-Options") for answer in answers] == ["nosniff"] * 5
