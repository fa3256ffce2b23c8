"""End to end: an application is submitted at intake, two council members score it, the chair
decides, the applicant gets the decision letter with the case number, and intake shows it."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from digitalwell_devstack.stack import DEMO_STAFF_PASSWORD, Stack
from tests.support.council import all_scores
from tests.support.intake import application_body
from tests.support.mail import MailSinkClient, sent_to
from tests.support.stack import demo_sign_in
from tests.support.waiting import until_true

pytestmark = pytest.mark.e2e


async def test_two_members_score_the_chair_decides_and_the_applicant_is_told(
    stack: Stack,
) -> None:
    body = application_body()
    email = body["contact"]["email"]
    intake = stack.service_url("intake")
    council = stack.service_url("council")
    mail = MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)
    decision: dict[str, Any] = {
        "decision": "granted",
        "support_granted": [{"kind": "innovation_forum", "note": "En workshop med regionen."}],
        "motivation": "Tydligt behov och en affärsmodell som kommunerna kan betala.",
    }

    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        submitted = await http.post(f"{intake}/api/v1/applications", json=body)
        assert submitted.status_code == 201, submitted.text
        application_id = submitted.json()["id"]
        status_url = submitted.json()["status_url"]
        member1 = await demo_sign_in(http, stack, "member1@example.org")
        member2 = await demo_sign_in(http, stack, "member2@example.org")
        chair = await demo_sign_in(http, stack, "chair@example.org")

        async def case_opened() -> bool:
            found = await http.get(
                f"{council}/api/v1/cases",
                params={"application_id": application_id},
                headers=member1,
            )
            return len(found.json()["cases"]) == 1

        await until_true(case_opened, seconds=60)
        listed = await http.get(
            f"{council}/api/v1/cases", params={"application_id": application_id}, headers=chair
        )
        (case,) = listed.json()["cases"]
        case_url = f"{council}/api/v1/cases/{case['id']}"
        for member in (member1, member2):
            scored = await http.post(f"{case_url}/scores", json=all_scores(4), headers=member)
            assert scored.status_code == 200, scored.text
        decided = await http.post(f"{case_url}/decision", json=decision, headers=chair)
        assert decided.status_code == 201, decided.text

        letter = await mail.wait_for_message(
            lambda summary: sent_to(email)(summary) and summary["Subject"].startswith("Beslut"),
            query=f"to:{email}",
            timeout=60,
        )

        async def intake_shows_the_decision() -> bool:
            return (await http.get(status_url)).json()["status"] == "granted"

        await until_true(intake_shows_the_decision, seconds=60)
        status = (await http.get(status_url)).json()

    assert case["case_number"].startswith("DW-")
    assert decided.json()["decision"]["assessed_by"] == sorted(
        decided.json()["decision"]["assessed_by"], key=str.casefold
    )
    assert len(decided.json()["decision"]["assessed_by"]) == 2
    assert case["case_number"] in letter["Text"]
    assert decision["motivation"] in letter["Text"]
    assert status["timeline"][-1]["kind"] == "decided"
    assert status["timeline"][-1]["motivation"] == decision["motivation"]


async def test_one_browser_sign_in_reaches_every_services_staff_pages(stack: Stack) -> None:
    intake = stack.service_url("intake")
    async with httpx.AsyncClient(timeout=30, trust_env=False) as browser:
        form = await browser.get(f"{intake}/staff/sign-in")
        nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
        assert nonce is not None
        signed_in = await browser.post(
            f"{intake}/staff/sign-in",
            data={"email": "chair@example.org", "password": DEMO_STAFF_PASSWORD, "nonce": nonce[1]},
        )
        assert signed_in.status_code == 303

        # The cookie is the host's, whatever the port: council knows the chair...
        queue = await browser.get(f"{stack.service_url('council')}/staff/cases")
        # ...and notify knows who it is too, and that the delivery log is not the chair's.
        log = await browser.get(f"{stack.service_url('notify')}/staff/emails")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', queue.text)
        assert csrf is not None
        session = browser.cookies["digitalwell_staff"]
        # Signing out on council clears the cookie and shows council's own signed-out page, which
        # goes on (a meta refresh, as a browser follows it) to intake, which ends the session in
        # every service, not only the browser's cookie.
        council_page = await browser.post(
            f"{stack.service_url('council')}/staff/sign-out",
            data={"csrf_token": csrf[1]},
            follow_redirects=True,
        )
        onwards = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', council_page.text)
        assert onwards is not None
        signed_out = await browser.get(html.unescape(onwards[1]), follow_redirects=True)
        after = await browser.get(f"{intake}/staff")

        async def council_refuses_the_old_token() -> bool:
            answer = await browser.get(
                f"{stack.service_url('council')}/api/v1/cases",
                headers={"Authorization": f"Bearer {session}"},
            )
            return answer.status_code == 401

        await until_true(council_refuses_the_old_token, seconds=90)

    assert queue.status_code == 200
    assert "Karin Ek" in queue.text
    assert log.status_code == 403
    assert council_page.url.host == httpx.URL(stack.service_url("council")).host
    assert signed_out.status_code == 200  # intake's signed-out page
    assert str(signed_out.url).startswith(f"{intake}/staff/signed-out")
    assert after.status_code == 401
