"""Submitting applications: stored once, announced on Kafka, refused whole when invalid."""

from __future__ import annotations

import asyncio
import re
import uuid

import pytest

from digitalwell_shared.contracts import ApplicationSubmitted
from tests.support.intake import (
    BASE_URL,
    RunningIntake,
    application_body,
    form_data,
    form_fields,
)
from tests.support.kafka import Record, collect, headers_of

pytestmark = pytest.mark.integration

SUBMIT = "/api/v1/applications"


def _about(application_id: str):
    return lambda record: record.key == application_id.encode()


async def test_a_submitted_application_is_stored_and_announced_with_a_cloudevents_envelope(
    intake: RunningIntake, intake_kafka: str
) -> None:
    body = application_body()
    body["organisation"]["org_number"] = "5560125790"

    response = await intake.client.post(
        SUBMIT, json=body, headers={"X-Correlation-ID": "corr-submit-1"}
    )

    assert response.status_code == 201
    application_id = response.json()["id"]
    status_url = f"{BASE_URL}/api/v1/applications/{application_id}"
    assert response.json()["status_url"] == status_url
    assert response.headers["Location"] == status_url
    assert response.json()["withdraw_url"].startswith(f"{status_url}/withdraw?token=")
    records: list[Record] = await collect(
        intake_kafka, ApplicationSubmitted.topic, matching=_about(application_id), count=1
    )
    assert len(records) == 1
    headers = headers_of(records[0])
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == ApplicationSubmitted.ce_type
    assert headers["ce_source"] == "/digitalwell/intake"
    assert headers["ce_subject"] == application_id
    assert headers["content-type"] == "application/json"
    assert headers["ce_correlationid"] == "corr-submit-1"
    event = ApplicationSubmitted.model_validate_json(records[0].value or b"")
    assert event.application_id == application_id
    assert event.organisation.org_number == "556012-5790"
    assert event.contact.phone == "+46701234567"
    assert event.title == body["title"]
    assert await intake.stored_for(body) == (1, 1)


async def test_an_invalid_application_is_refused_by_field_and_nothing_is_stored(
    intake: RunningIntake,
) -> None:
    body = application_body(title=" ", consent=False, support_requested=[], surprise=True)
    body["contact"]["email"] = "not-an-address"
    body["contact"]["phone"] = "123"
    body["organisation"]["org_number"] = "556012-5791"
    before = [await intake.count(name) for name in ("applications", "outbox", "claims")]

    response = await intake.client.post(SUBMIT, json=body)

    assert response.status_code == 422
    named = {tuple(error["loc"]): error["msg"] for error in response.json()["detail"]}
    assert set(named) == {
        ("body", "title"),
        ("body", "consent"),
        ("body", "support_requested"),
        ("body", "contact", "email"),
        ("body", "contact", "phone"),
        ("body", "organisation", "org_number"),
        ("body", "surprise"),
    }
    assert all(message and message[0].isupper() for message in named.values())
    assert [await intake.count(name) for name in ("applications", "outbox", "claims")] == before


async def test_the_same_idempotency_key_returns_the_first_application(
    intake: RunningIntake,
) -> None:
    body = application_body()
    key = {"Idempotency-Key": str(uuid.uuid4())}

    first = await intake.client.post(SUBMIT, json=body, headers=key)
    again = await intake.client.post(SUBMIT, json=body, headers=key)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert await intake.stored_for(body) == (1, 1)


async def test_an_idempotency_key_reused_for_another_application_is_refused(
    intake: RunningIntake,
) -> None:
    key = {"Idempotency-Key": f"reused-{uuid.uuid4()}"}
    await intake.client.post(SUBMIT, json=application_body(), headers=key)
    other = application_body()

    response = await intake.client.post(SUBMIT, json=other, headers=key)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["header", "Idempotency-Key"]
    assert "already used" in error["msg"]
    assert await intake.stored_for(other) == (0, 0)


async def test_the_same_organisation_and_title_within_ten_minutes_is_the_same_application(
    intake: RunningIntake,
) -> None:
    body = application_body(title="Smart dosett för äldre")
    repeat = application_body(title="  SMART   Dosett för Äldre ")
    repeat["organisation"]["org_number"] = body["organisation"]["org_number"].replace("-", "")

    first = await intake.client.post(SUBMIT, json=body)
    second = await intake.client.post(SUBMIT, json=repeat)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["status_url"] == first.json()["status_url"]
    # Another body (here another contact) may be someone else: no withdrawal link for them.
    assert second.json().get("withdraw_url") is None
    assert await intake.stored_for(body) == (1, 1)


async def test_another_title_from_the_same_organisation_is_a_new_application(
    intake: RunningIntake,
) -> None:
    body = application_body()
    other = application_body(organisation=body["organisation"])

    first = await intake.client.post(SUBMIT, json=body)
    second = await intake.client.post(SUBMIT, json=other)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


async def test_a_double_click_of_five_identical_submits_stores_one_application(
    intake: RunningIntake,
) -> None:
    body = application_body()

    responses = await asyncio.gather(*(intake.client.post(SUBMIT, json=body) for _ in range(5)))

    assert sorted(response.status_code for response in responses) == [200, 200, 200, 200, 201]
    assert len({response.json()["id"] for response in responses}) == 1
    # Identical requests are the applicant's own: every answer may carry the withdrawal link.
    assert len({response.json()["withdraw_url"] for response in responses}) == 1
    assert await intake.stored_for(body) == (1, 1)


async def test_the_html_form_submits_and_leads_to_the_status_page(intake: RunningIntake) -> None:
    body = application_body()

    response = await intake.client.post(
        "/applications", data=form_data(form_fields(body, lang="en"))
    )

    assert response.status_code == 303
    location = response.headers["Location"]
    match = re.fullmatch(r"/applications/(app_[a-z2-7]{24})\?lang=en&received=1", location)
    assert match is not None
    page = await intake.client.get(location)
    assert page.status_code == 200
    assert "Thank you! We have received your application." in page.text
    assert match.group(1) in page.text
    assert f"{BASE_URL}/api/v1/applications/{match.group(1)}" in page.text
    assert body["contact"]["email"] not in page.text
    assert await intake.stored_for(body) == (1, 1)


async def test_a_double_click_on_the_html_form_stores_one_application(
    intake: RunningIntake,
) -> None:
    body = application_body()
    fields = form_data(form_fields(body))

    responses = await asyncio.gather(
        *(intake.client.post("/applications", data=fields) for _ in range(2))
    )

    assert [response.status_code for response in responses] == [303, 303]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    assert await intake.stored_for(body) == (1, 1)


async def test_a_refused_html_form_stores_nothing(intake: RunningIntake) -> None:
    body = application_body()
    fields = form_data([(name, value) for name, value in form_fields(body) if name != "consent"])

    response = await intake.client.post("/applications", data=fields)

    assert response.status_code == 422
    assert 'href="#consent"' in response.text
    assert await intake.stored_for(body) == (0, 0)


async def test_the_language_switch_of_a_corrected_form_shows_it_again_and_sends_nothing(
    intake: RunningIntake,
) -> None:
    body = application_body()
    fields = form_data([*form_fields(body, lang="sv"), ("switch_lang", "en")])

    response = await intake.client.post("/applications", data=fields)

    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert body["title"] in response.text
    assert await intake.stored_for(body) == (0, 0)
