"""The council in a browser: two members score an application on their own, a third declares a
conflict of interest (confirmed, with a note), the chair decides; the applicant books the workshop
through the link in the decision letter, and an administrator reads the delivery log. Every page
visited passes axe-core's WCAG 2.1 A and AA checks.

Fields and buttons are found by id and form action, not by their words: the staff pages' words
change with their language, the journey does not.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound, link_in_mail, schedule_session, sign_in
from tests.support.intake import application_body
from tests.support.mail import MailSinkClient

pytestmark = pytest.mark.browser

CRITERIA = ("need", "viability", "public_sector_fit", "innovation", "feasibility")
WORKSHOP_LINK = r"https?://[^\s<>\"]+/workshops/app_\w+\?[^\s<>\"]+"
CONFLICT_NOTE = f"Min svåger äger bolaget ({uuid.uuid4().hex[:6]})."


async def _apply(page: Page, stack: Stack) -> dict[str, Any]:
    """An application sent to intake's API, with its id and case number."""
    intake = stack.service_url("intake")
    body = application_body()
    sent = await page.request.post(f"{intake}/api/v1/applications", data=body)
    assert sent.status == 201, await sent.text()
    status = await page.request.get((await sent.json())["status_url"])
    view = await status.json()
    return {**body, "id": view["id"], "case_number": view["case_number"]}


async def _open_case(page: Page, stack: Stack, case_number: str) -> str:
    """Find the case in the council's queue once council has read the application; its URL."""
    queue = f"{stack.service_url('council')}/staff/cases"
    link = page.locator("a[href*='/staff/cases/']", has_text=case_number)
    for _ in range(60):
        await assert_page_is_sound(page, await page.goto(queue))
        if await link.count():
            break
        await page.wait_for_timeout(1000)
    async with page.expect_navigation() as opened:
        await link.click()
    await assert_page_is_sound(page, await opened.value)
    return page.url


async def _score(page: Page, score: int) -> None:
    for criterion in CRITERIA:
        await page.locator(f"#score_{criterion}_{score}").check()
        await page.locator(f"#comment_{criterion}").fill(f"Bedömning av {criterion}.")
    async with page.expect_navigation() as saved:
        await page.locator("form[action*='/scores'] button[type=submit]").click()
    await assert_page_is_sound(page, await saved.value)


async def _as(page: Page, stack: Stack, email: str, case_url: str) -> None:
    """Sign in afresh as ``email`` and open the case."""
    await page.context.clear_cookies()
    await sign_in(page, stack, email)
    await assert_page_is_sound(page, await page.goto(case_url))


async def _declare_conflict(page: Page) -> None:
    await page.locator("form[action*='/conflicts'] #reason").fill(CONFLICT_NOTE)
    async with page.expect_navigation() as asked:
        await page.locator("form[action*='/conflicts'] button[type=submit]").click()
    await assert_page_is_sound(page, await asked.value)
    # The confirm step, with the note carried over: nothing is recorded yet.
    await expect(page.locator("input[name=confirm]")).to_have_value("yes")
    await expect(page.locator("#reason")).to_have_value(CONFLICT_NOTE)
    async with page.expect_navigation() as confirmed:
        await page.locator("form[action*='/conflicts'] button[type=submit]").click()
    await assert_page_is_sound(page, await confirmed.value)
    await expect(page.locator("table.scores")).to_have_count(0)  # they see nothing now
    await expect(page.locator("form[action*='/scores']")).to_have_count(0)


async def _decide(page: Page) -> None:
    await page.locator("#decision-granted").check()
    await page.locator("#support-innovation_forum").check()
    await page.locator("#note_innovation_forum").fill("En workshop med Region Värmland.")
    await page.locator("#motivation").fill("Ett tydligt behov och en hållbar affärsmodell.")
    async with page.expect_navigation() as decided:
        await page.locator("form[action*='/decision'] button[type=submit]").click()
    await assert_page_is_sound(page, await decided.value)
    await expect(page.locator(".status-decided")).to_be_visible()
    await expect(page.locator("form[action*='/decision']")).to_have_count(0)


async def test_the_council_assesses_and_decides_and_the_letter_books_the_workshop(
    stack: Stack, context: BrowserContext
) -> None:
    page = await context.new_page()
    application = await _apply(page, stack)
    case_number = application["case_number"]
    await sign_in(page, stack, "coordinator@example.org")
    workshop_title = f"Workshop {uuid.uuid4().hex[:6]}"
    workshop_url = await schedule_session(
        page, stack, workshop_title, kind="innovation_forum", capacity=4
    )

    await page.context.clear_cookies()
    await sign_in(page, stack, "member1@example.org")
    case_url = await _open_case(page, stack, case_number)
    await _score(page, 4)
    await _as(page, stack, "member2@example.org", case_url)
    await _declare_conflict(page)
    await _as(page, stack, "chair@example.org", case_url)
    await _score(page, 5)
    await expect(page.locator("main")).to_contain_text(CONFLICT_NOTE)  # the chair sees the note
    await _decide(page)

    # The applicant, signed out, follows the letter's link to the workshop's booking form.
    await page.context.clear_cookies()
    mail = MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)
    email = application["contact"]["email"]
    subject = f"Beslut: stöd beviljas till {application['title']}"
    booking_link = await link_in_mail(mail, email, subject, WORKSHOP_LINK)
    await assert_page_is_sound(page, await page.goto(booking_link))
    await expect(page.locator("main")).to_contain_text(case_number)
    session_id = workshop_url.rsplit("/", 1)[1]
    async with page.expect_navigation() as opened:
        await page.locator(f"a[href*='/sessions/{session_id}'][href$='#book']").click()
    await assert_page_is_sound(page, await opened.value)
    await expect(page.locator("#application_id")).to_have_value(case_number)
    await page.locator("#name").fill(application["contact"]["name"])
    await page.locator("#email").fill(email)
    async with page.expect_navigation() as booked:
        await page.locator("form[action*='/book'] button[type=submit]").click()
    await assert_page_is_sound(page, await booked.value)
    assert "done=booked" in page.url, page.url

    # The status page offers the same link while the workshop can be booked.
    status_page = f"{stack.service_url('intake')}/applications/{application['id']}"
    await assert_page_is_sound(page, await page.goto(status_page))
    token = re.search(r"token=([^&]+)", booking_link)
    assert token is not None
    await expect(page.locator(f"a[href*='{token.group(1)}']")).to_have_count(1)

    await _administrator_reads_the_delivery_log(page, stack, application["id"])


async def _administrator_reads_the_delivery_log(
    page: Page, stack: Stack, application_id: str
) -> None:
    """The decision letter is in the log, its text there for the administrator, its links dead."""
    await sign_in(page, stack, "admin@example.org")
    log_url = f"{stack.service_url('notify')}/staff/emails?application_id={application_id}"
    await assert_page_is_sound(page, await page.goto(log_url))
    letter = page.locator("tr", has=page.locator("code", has_text="decision_granted"))
    await expect(letter).to_have_count(1)
    receipt = page.locator("tr", has=page.locator("code", has_text="application_received"))
    await expect(receipt).to_have_count(1)
    detail = await letter.locator("a[href*='/api/v1/emails/']").get_attribute("href")
    assert detail is not None
    shown = await page.request.get(f"{stack.service_url('notify')}{detail}")
    text = (await shown.json())["text"]
    assert "/workshops/" in text
    assert "token=[hidden]" in text
    assert not re.search(r"token=v2\.", text), text
