"""End to end: the four services as processes; an applicant submits, council opens a case,
the applicant gets a receipt, and the status URL answers."""

from __future__ import annotations

import re

import httpx
import pytest

from digitalwell_council.settings import Settings as CouncilSettings
from digitalwell_devstack.stack import Stack
from digitalwell_shared.staff import Role
from tests.support.intake import application_body
from tests.support.mail import MailSinkClient, sent_to
from tests.support.staff import bearer, staff_token
from tests.support.waiting import until_true

pytestmark = pytest.mark.e2e


def _council_member() -> dict[str, str]:
    """council's case API is for staff: a token signed with the stack's (development) secret."""
    return bearer(
        staff_token(
            CouncilSettings(), Role.COUNCIL_MEMBER, name="Member One", email="member1@example.org"
        )
    )


async def test_a_submitted_application_opens_a_case_and_sends_a_receipt(stack: Stack) -> None:
    body = application_body()  # a unique address, organisation number and title
    email = body["contact"]["email"]
    mail = MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)

    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        submitted = await http.post(
            f"{stack.service_url('intake')}/api/v1/applications",
            json=body,
        )
        assert submitted.status_code == 201, submitted.text
        application_id = submitted.json()["id"]
        status_url = submitted.json()["status_url"]

        cases_url = f"{stack.service_url('council')}/api/v1/cases"

        async def case_opened() -> bool:
            found = await http.get(
                cases_url, params={"application_id": application_id}, headers=_council_member()
            )
            return len(found.json()["cases"]) == 1

        await until_true(case_opened, seconds=60)
        receipt = await mail.wait_for_message(sent_to(email), query=f"to:{email}", timeout=60)
        status = await http.get(status_url)
        # notify signs the withdrawal link; intake must accept it (one LINK_SECRET for both).
        withdraw_url = re.search(r"https?://\S+/withdraw\?\S+", receipt["Text"])
        assert withdraw_url is not None, receipt["Text"]
        withdraw_page = await http.get(withdraw_url.group(0))

    (case,) = (await _cases(cases_url, application_id))["cases"]
    assert case["status"] == "new"
    assert application_id in receipt["Text"]
    assert receipt["Subject"].startswith("Vi har tagit emot din ansökan")
    assert status.status_code == 200
    assert status.json()["status"] == "submitted"
    assert withdraw_page.status_code == 200, withdraw_page.text
    assert application_id in withdraw_url.group(0)


async def _cases(url: str, application_id: str) -> dict[str, list[dict[str, object]]]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        response = await http.get(
            url, params={"application_id": application_id}, headers=_council_member()
        )
    result: dict[str, list[dict[str, object]]] = response.json()
    return result


async def test_every_service_is_ready_and_serves_metrics_and_asyncapi(stack: Stack) -> None:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        for spec in stack.services:
            base = stack.service_url(spec.name)
            ready = await http.get(f"{base}/readyz")
            metrics = await http.get(f"{base}/metrics")
            asyncapi = await http.get(f"{base}/asyncapi.json")

            checks = {"broker": True, "database": True, "consumer": True}  # all four consume
            assert ready.json() == {"status": "ready", "checks": checks, "problems": {}}
            assert metrics.status_code == 200
            assert asyncapi.json()["asyncapi"] == "3.0.0"
