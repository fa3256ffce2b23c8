"""Errors on pages and forms are HTML pages in the site's look and the reader's language; under
/api/ the same errors stay the JSON they were. The app is built with the real create_http_app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Form
from pydantic import BaseModel, Field

from digitalwell_shared.http_app import create_http_app
from digitalwell_shared.pages import SECURITY_HEADERS
from digitalwell_shared.runtime import create_runtime
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.throttle import TooManyRequestsError

pytestmark = pytest.mark.integration

FORM_LIMIT = 2048
JSON_LIMIT = 4096
POLICY = SECURITY_HEADERS["Content-Security-Policy"]


class _Thing(BaseModel):
    name: str = Field(max_length=10)


def _app() -> FastAPI:
    routes = APIRouter()

    @routes.post("/things")
    async def form(name: Annotated[str, Form(max_length=10)]) -> str:
        return name

    @routes.post("/busy")
    async def busy() -> str:
        raise TooManyRequestsError(150)

    @routes.post("/api/v1/things")
    async def api(thing: _Thing) -> str:
        return thing.name

    @routes.post("/api/v1/busy")
    async def api_busy() -> str:
        raise TooManyRequestsError(150)

    settings = ServiceSettings(
        mongodb_database="x",
        http_port=1,
        max_form_body_bytes=FORM_LIMIT,
        max_json_body_bytes=JSON_LIMIT,
    )
    runtime = create_runtime("errors", settings)
    return create_http_app(runtime, title="Errors", description="test", routers=[routes])


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app, not started: these answers need neither broker nor database."""
    transport = httpx.ASGITransport(_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://errors.test") as opened:
        yield opened


ENGLISH = {"Accept-Language": "en-GB,en;q=0.8"}


def _is_page(answer: httpx.Response, status: int, language: str, *texts: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["Content-Security-Policy"] == POLICY
    assert f'<html lang="{language}">' in answer.text
    assert f'href="/?lang={language}"' in answer.text  # the way back
    assert "site-footer" in answer.text
    for text in texts:
        assert text in answer.text, answer.text


async def test_a_wrong_method_is_a_page_that_keeps_allow(client: httpx.AsyncClient) -> None:
    swedish = await client.get("/things")
    english = await client.get("/things?lang=en")
    api = await client.get("/api/v1/things")

    _is_page(swedish, 405, "sv", "Sidan kan inte användas så", "Gå tillbaka")
    _is_page(english, 405, "en", "This page cannot be used that way", "Go back")
    assert swedish.headers["Allow"] == "POST"
    assert api.status_code == 405
    assert api.json() == {"detail": "Method Not Allowed"}


async def test_a_form_over_the_limit_is_a_page_naming_the_limit(client: httpx.AsyncClient) -> None:
    body = {"name": "x" * (FORM_LIMIT * 2)}
    swedish = await client.post("/things", data=body)
    english = await client.post("/things", data=body, headers=ENGLISH)
    api = await client.post("/api/v1/things", json={"name": "x" * (JSON_LIMIT * 2)})

    _is_page(swedish, 413, "sv", "Det du skickade är för stort", "högst 2 kB")
    _is_page(english, 413, "en", "What you sent is too large", "at most 2 kB")
    assert api.status_code == 413
    assert api.json() == {"detail": f"The request body is over {JSON_LIMIT} bytes"}


async def test_a_throttled_form_says_when_to_try_again(client: httpx.AsyncClient) -> None:
    swedish = await client.post("/busy")
    english = await client.post("/busy?lang=en")
    api = await client.post("/api/v1/busy")

    _is_page(swedish, 429, "sv", "För många försök just nu", "Vänta 3 minuter")
    _is_page(english, 429, "en", "Too many attempts just now", "Wait 3 minutes")
    assert swedish.headers["Retry-After"] == english.headers["Retry-After"] == "150"
    assert api.status_code == 429
    assert api.headers["Retry-After"] == "150"
    assert api.json() == {"detail": "Too many requests; try again in 150 seconds"}


async def test_a_form_fastapi_refuses_is_a_page_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    swedish = await client.post("/things", data={"name": "far too long a name"})
    english = await client.post("/things?lang=en", data={})
    api = await client.post("/api/v1/things", json={"name": "far too long a name"})

    _is_page(swedish, 422, "sv", "Formuläret kunde inte läsas", "Det gäller: name.")
    _is_page(english, 422, "en", "The form could not be read", "It concerns: name.")
    assert "far too long" not in swedish.text  # what was sent is not repeated
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["body", "name"]
    assert api.json()["detail"][0]["type"] == "string_too_long"


async def test_the_generated_start_page_is_swedish_first_with_english_on_the_switch(
    client: httpx.AsyncClient,
) -> None:
    swedish = await client.get("/")
    english = await client.get("/?lang=en")

    assert swedish.status_code == english.status_code == 200
    assert '<html lang="sv">' in swedish.text
    assert 'href="?lang=en" hreflang="en" lang="en"' in swedish.text
    assert "In English" in swedish.text
    assert "Den här tjänsten har inga egna sidor" in swedish.text
    assert "Driftstatus" in swedish.text
    assert '<html lang="en">' in english.text
    assert "På svenska" in english.text
    assert "<p>test</p>" in english.text  # the service's own description, in English
