"""Applications are throttled per client address and per e-mail address, answering 429."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.support.intake import (
    RunningIntake,
    application_body,
    form_data,
    form_fields,
    running_intake,
    settings,
)

pytestmark = pytest.mark.integration

SUBMIT = "/api/v1/applications"
PER_ADDRESS = 4
PER_EMAIL = 2
# Long, so that no test run meets the end of a window (windows are aligned to the clock).
WINDOW_SECONDS = 10_000_000


@pytest.fixture(scope="module")
async def intake(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    """intake with throttling on, behind one trusted proxy that says who the client is."""
    throttled = settings(intake_kafka, mongodb_url).model_copy(
        update={
            "throttle_enabled": True,
            "throttle_per_address": PER_ADDRESS,
            "throttle_per_email": PER_EMAIL,
            "throttle_window_seconds": WINDOW_SECONDS,
            "trusted_proxy_hops": 1,
        }
    )
    async with running_intake(throttled) as running:
        yield running


def _from(address: str) -> dict[str, str]:
    # The client may write anything first; the proxy appends the address it saw.
    return {"X-Forwarded-For": f"203.0.113.99, {address}"}


def _address() -> str:
    number = uuid.uuid4().int
    return f"198.51.{number % 250}.{number // 250 % 250 + 1}"


async def test_one_e_mail_address_gets_its_share_of_applications_then_429(
    intake: RunningIntake,
) -> None:
    email = f"eager.{uuid.uuid4().hex[:8]}@example.org"
    bodies = [application_body() for _ in range(PER_EMAIL + 1)]
    for body in bodies:
        body["contact"]["email"] = email

    answers = [
        await intake.client.post(SUBMIT, json=body, headers=_from(_address())) for body in bodies
    ]

    assert [answer.status_code for answer in answers] == [201] * PER_EMAIL + [429]
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= WINDOW_SECONDS
    assert await intake.stored_for(bodies[-1]) == (0, 0)


async def test_one_client_address_gets_its_share_of_applications_then_429(
    intake: RunningIntake,
) -> None:
    address = _address()

    answers = [
        await intake.client.post(SUBMIT, json=application_body(), headers=_from(address))
        for _ in range(PER_ADDRESS + 1)
    ]
    other_address = await intake.client.post(
        SUBMIT, json=application_body(), headers=_from(_address())
    )

    assert [answer.status_code for answer in answers] == [201] * PER_ADDRESS + [429]
    assert 0 < int(answers[-1].headers["Retry-After"]) <= WINDOW_SECONDS
    assert other_address.status_code == 201


async def test_the_form_and_the_api_share_one_count_per_address(intake: RunningIntake) -> None:
    address = _address()
    for _ in range(PER_ADDRESS):
        body = application_body()
        posted = await intake.client.post(
            "/applications", data=form_data(form_fields(body)), headers=_from(address)
        )
        assert posted.status_code == 303

    refused = await intake.client.post(SUBMIT, json=application_body(), headers=_from(address))
    refused_form = await intake.client.post(
        "/applications", data=form_data(form_fields(application_body())), headers=_from(address)
    )

    assert refused.status_code == 429
    assert refused_form.status_code == 429
    assert "Retry-After" in refused_form.headers


async def test_a_throttled_form_is_a_page_in_the_readers_language_and_the_api_stays_json(
    intake: RunningIntake,
) -> None:
    address = _address()
    for _ in range(PER_ADDRESS):
        posted = await intake.client.post(
            "/applications", data=form_data(form_fields(application_body())), headers=_from(address)
        )
        assert posted.status_code == 303

    # As the form posts it: to ?lang= of the page it was on (and a browser's Accept-Language).
    swedish = await intake.client.post(
        "/applications?lang=sv",
        data=form_data(form_fields(application_body())),
        headers=_from(address) | {"Accept-Language": "en"},
    )
    english = await intake.client.post(
        "/applications",
        data=form_data(form_fields(application_body())),
        headers=_from(address) | {"Accept-Language": "en-GB,en;q=0.9"},
    )
    api = await intake.client.post(SUBMIT, json=application_body(), headers=_from(address))

    assert swedish.status_code == english.status_code == api.status_code == 429
    assert '<html lang="sv">' in swedish.text
    assert "För många försök just nu" in swedish.text
    assert re.search(r"Vänta \d+ timmar och försök sedan igen", swedish.text)
    assert '<html lang="en">' in english.text
    assert "Too many attempts just now" in english.text
    assert re.search(r"Wait \d+ hours and then try again", english.text)
    assert 0 < int(swedish.headers["Retry-After"]) <= WINDOW_SECONDS
    assert 0 < int(english.headers["Retry-After"]) <= WINDOW_SECONDS
    assert api.headers["content-type"] == "application/json"
    assert api.json()["detail"].startswith("Too many requests; try again in ")
