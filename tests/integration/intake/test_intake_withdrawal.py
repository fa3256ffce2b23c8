"""Withdrawing an application: only with its token, only once, announced on Kafka."""

from __future__ import annotations

from typing import Any

import pytest

from digitalwell_shared.contracts import ApplicationWithdrawn
from tests.support.intake import RunningIntake, application_body
from tests.support.kafka import collect, headers_of

pytestmark = pytest.mark.integration


async def _submit(intake: RunningIntake, language: str = "sv") -> dict[str, Any]:
    body = application_body()
    body["contact"]["language"] = language
    response = await intake.client.post("/api/v1/applications", json=body)
    assert response.status_code == 201
    result: dict[str, Any] = response.json()
    return result


async def test_the_applicant_withdraws_once_and_the_withdrawal_is_announced(
    intake: RunningIntake, intake_kafka: str
) -> None:
    application = await _submit(intake)
    withdraw_url = application["withdraw_url"]
    reason = "Vi har fått annan finansiering; kontakta Anna på 070-765 43 21"

    forged = await intake.client.post(
        f"{application['status_url']}/withdraw", params={"token": "forged"}, json={}
    )
    withdrawn = await intake.client.post(
        withdraw_url, json={"reason": reason}, headers={"X-Correlation-ID": "corr-withdraw-1"}
    )
    again = await intake.client.post(withdraw_url, json={})

    assert forged.status_code == 403
    assert withdrawn.status_code == 200
    assert withdrawn.json()["status"] == "withdrawn"
    assert [item["kind"] for item in withdrawn.json()["timeline"]] == ["submitted", "withdrawn"]
    assert reason not in withdrawn.text  # the reason is for the programme, not the public
    assert again.status_code == 409
    assert again.json()["detail"] == "The application is already withdrawn"
    records = await collect(
        intake_kafka,
        ApplicationWithdrawn.topic,
        matching=lambda record: record.key == application["id"].encode(),
        count=1,
    )
    assert len(records) == 1
    headers = headers_of(records[0])
    assert headers["ce_type"] == ApplicationWithdrawn.ce_type
    assert headers["ce_correlationid"] == "corr-withdraw-1"
    event = ApplicationWithdrawn.model_validate_json(records[0].value or b"")
    assert event.reason == reason
    assert await intake.count("outbox", {"key": application["id"]}) == 2


async def test_a_token_for_another_application_is_refused(intake: RunningIntake) -> None:
    mine = await _submit(intake)
    theirs = await _submit(intake)
    token = mine["withdraw_url"].split("token=")[1]

    response = await intake.client.post(
        f"{theirs['status_url']}/withdraw", params={"token": token}, json={}
    )

    assert response.status_code == 403
    assert (await intake.client.get(theirs["status_url"])).json()["status"] == "submitted"


async def test_withdrawing_through_the_pages(intake: RunningIntake) -> None:
    application = await _submit(intake, language="en")
    page_url = application["withdraw_page_url"]
    token = page_url.split("token=")[1].split("&")[0]

    confirm = await intake.client.get(page_url)
    bad_link = await intake.client.get(
        f"/applications/{application['id']}/withdraw", params={"token": "nope", "lang": "en"}
    )
    done = await intake.client.post(
        f"/applications/{application['id']}/withdraw",
        data={"token": token, "lang": "en", "reason": ""},
    )
    status_page = await intake.client.get(done.headers["Location"])
    confirm_again = await intake.client.get(page_url)

    assert confirm.status_code == 200
    assert "Withdraw your application" in confirm.text
    stored = await intake.database["applications"].find_one({"_id": application["id"]})
    assert stored is not None
    assert f"<dd>{stored['case_number']}</dd>" in confirm.text  # the case number, too
    assert confirm.headers["Cache-Control"] == "no-store"
    assert confirm.headers["Referrer-Policy"] == "no-referrer"
    assert bad_link.status_code == 403
    assert "The link does not work" in bad_link.text
    assert done.status_code == 303
    assert "The application has been withdrawn." in status_page.text
    assert confirm_again.status_code == 409
    assert "already been withdrawn" in confirm_again.text
