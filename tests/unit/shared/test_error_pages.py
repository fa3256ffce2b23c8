"""A server error and an unknown address: an HTML page in the site's look and the reader's
language with the request's id, JSON only under /api/, and the error logged with that id."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from structlog.testing import capture_logs

from digitalwell_shared.http_app import CORRELATION_HEADER, create_http_app
from digitalwell_shared.runtime import create_runtime
from digitalwell_shared.settings import ServiceSettings


class _BrokenError(RuntimeError):
    """What the test routes raise."""


def _app() -> FastAPI:
    broken = APIRouter()

    @broken.get("/staff/broken")
    async def page() -> str:
        raise _BrokenError("the page broke")

    @broken.get("/api/v1/broken")
    async def api() -> str:
        raise _BrokenError("the API broke")

    settings = ServiceSettings(mongodb_database="x", http_port=1)
    runtime = create_runtime("errors", settings)
    return create_http_app(runtime, title="Errors", description="test", routers=[broken])


def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://errors.test")


async def test_a_page_that_raises_answers_an_apology_with_the_id_it_is_logged_under() -> None:
    with capture_logs() as logs:
        async with _client() as client:
            swedish = await client.get("/staff/broken", headers={CORRELATION_HEADER: "trace-1"})
            english = await client.get("/staff/broken?lang=en")

    assert swedish.status_code == english.status_code == 500
    assert "text/html" in swedish.headers["content-type"]
    assert '<html lang="sv">' in swedish.text
    assert "Något gick fel" in swedish.text
    assert "felkoden trace-1" in swedish.text
    assert swedish.headers[CORRELATION_HEADER] == "trace-1"
    assert "the page broke" not in swedish.text  # the error's text is for the log only
    assert "Something went wrong" in english.text
    english_id = english.headers[CORRELATION_HEADER]
    assert f"error code {english_id}" in english.text
    logged = [entry for entry in logs if entry["event"] == "unhandled error answering a request"]
    assert [entry["correlation_id"] for entry in logged] == ["trace-1", english_id]
    assert logged[0]["log_level"] == "error"
    assert isinstance(logged[0]["exc_info"], _BrokenError)


async def test_the_api_that_raises_answers_json_with_the_id() -> None:
    async with _client() as client:
        response = await client.get("/api/v1/broken", headers={CORRELATION_HEADER: "trace-2"})

    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error", "trace_id": "trace-2"}


async def test_an_unknown_address_is_a_page_in_the_readers_language_but_json_in_the_api() -> None:
    async with _client() as client:
        swedish = await client.get("/no-such-page")
        english = await client.get("/no-such-page", headers={"Accept-Language": "en"})
        api = await client.get("/api/v1/no-such-thing")

    assert swedish.status_code == english.status_code == api.status_code == 404
    assert "Sidan finns inte" in swedish.text
    assert "Page not found" in english.text
    assert api.json() == {"detail": "Not Found"}
