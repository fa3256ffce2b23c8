"""An applicant in a browser: applies with mistakes, then correctly, follows the status page and
withdraws through the link in the receipt; every page passes axe-core's WCAG 2.1 A and AA checks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.async_api import BrowserContext, Page, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound
from tests.support.intake import application_body
from tests.support.mail import MailSinkClient, sent_to

pytestmark = pytest.mark.browser


async def test_an_applicant_corrects_the_form_follows_the_status_and_withdraws(
    stack: Stack, context: BrowserContext
) -> None:
    body = application_body()
    email = body["contact"]["email"]
    page = await context.new_page()
    intake = stack.service_url("intake")

    await assert_page_is_sound(page, await page.goto(f"{intake}/"))
    await expect(page.locator("html")).to_have_attribute("lang", "sv")

    # A first try with the e-mail address mistyped and the rest left empty.
    await page.get_by_label("Organisationens namn").fill(body["organisation"]["name"])
    await page.locator("#contact_email").fill("asa.example.org")
    async with page.expect_navigation() as sent:
        await page.get_by_role("button", name="Skicka ansökan").click()
    await assert_page_is_sound(page, await sent.value)
    summary = page.locator(".error-summary")
    await expect(summary).to_be_visible()
    await expect(summary).to_be_focused()
    swedish_summary = await summary.locator("h2").inner_text()
    await expect(page.locator("#contact_email")).to_have_value("asa.example.org")
    await expect(page.locator("#org_name")).to_have_value(body["organisation"]["name"])

    await _switch_language_and_back(page, body, swedish_summary)

    # The error summary's link leads to the field.
    await summary.get_by_role("link", name=re.compile("E-post")).click()
    await expect(page.locator("#contact_email")).to_be_focused()

    # Then correctly.
    await _fill_in_the_rest(page, body)
    async with page.expect_navigation() as sent:
        await page.get_by_role("button", name="Skicka ansökan").click()
    await assert_page_is_sound(page, await sent.value)
    await expect(page.locator("h1")).to_contain_text(body["title"])
    case_number = re.search(r"DW-\d{4}-\d{4}", await page.locator("main").inner_text())
    assert case_number is not None, await page.locator("main").inner_text()

    # The receipt's withdrawal link, read from the mail sink.
    mail = MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)
    receipt = await mail.wait_for_message(sent_to(email), query=f"to:{email}", timeout=60)
    assert case_number.group(0) in receipt["Text"]
    withdraw_link = re.search(r"https?://\S+/withdraw\?\S+", receipt["Text"])
    assert withdraw_link is not None, receipt["Text"]
    status_link = re.search(r"https?://\S+/applications/app_\w+(\?\S*)?(?=\s)", receipt["Text"])
    assert status_link is not None, receipt["Text"]

    await assert_page_is_sound(page, await page.goto(status_link.group(0)))
    await expect(page.locator("h1")).to_contain_text(body["title"])

    await assert_page_is_sound(page, await page.goto(withdraw_link.group(0)))
    await page.locator("#reason").fill("Vi har fått finansiering på annat håll.")
    async with page.expect_navigation() as sent:
        await page.locator("button[type=submit]").click()
    await assert_page_is_sound(page, await sent.value)
    await expect(page.locator(".status")).to_contain_text(re.compile("[Åå]terkallad"))


async def _fill_in_the_rest(page: Page, body: dict[str, Any]) -> None:
    """The fields the first try left empty or wrong, as in the JSON body."""
    email = body["contact"]["email"]
    await page.locator("#org_number").fill(body["organisation"]["org_number"])
    await page.locator("#contact_name").fill(body["contact"]["name"])
    await page.locator("#contact_email").fill(email)
    await page.locator("#contact_phone").fill(body["contact"]["phone"])
    await page.locator("#title").fill(body["title"])
    await page.locator("#summary").fill(body["summary"])
    await page.locator("#need").fill(body["need"])
    await page.locator("#target_groups").fill("\n".join(body["target_groups"]))
    await page.locator("#stage-prototype").check()
    await page.locator("#business_model").fill(body["business_model"])
    await page.locator("#support_requested-test_environment").check()
    await page.locator("#consent").check()


async def test_every_public_page_links_to_the_accessibility_statement_in_both_languages(
    stack: Stack, context: BrowserContext
) -> None:
    page = await context.new_page()
    for service in ("intake", "forum"):
        await assert_page_is_sound(page, await page.goto(f"{stack.service_url(service)}/"))
        async with page.expect_navigation() as followed:
            await page.locator("footer").get_by_role("link", name="Tillgänglighet").click()
        await assert_page_is_sound(page, await followed.value)
        await expect(page.locator("h1")).to_have_text("Tillgänglighetsredogörelse")
        await expect(page.get_by_role("link", name="kontakta Digg")).to_have_attribute(
            "href", re.compile(r"^https://www\.digg\.se/")
        )
    await expect(page.locator("main")).to_contain_text("tillganglighet@")
    async with page.expect_navigation() as switched:
        await page.get_by_role("link", name="In English").click()
    await assert_page_is_sound(page, await switched.value)
    await expect(page.locator("h1")).to_have_text("Accessibility statement")


@pytest.mark.parametrize("service", ["intake", "council", "forum", "notify"])
async def test_an_unknown_address_is_a_page_in_the_readers_language_and_json_under_api(
    stack: Stack, context: BrowserContext, service: str
) -> None:
    page = await context.new_page()
    response = await page.goto(f"{stack.service_url(service)}/no-such-page?lang=en")
    assert response is not None
    assert response.status == 404
    await assert_page_is_sound(page, response)
    await expect(page.locator("h1")).to_have_text("Page not found")
    await expect(page.locator("footer").get_by_role("link", name="Accessibility")).to_be_visible()

    api = await page.request.get(f"{stack.service_url(service)}/api/v1/no-such-thing")
    assert api.status == 404
    assert await api.json() == {"detail": "Not Found"}


async def _switch_language_and_back(page: Page, body: dict[str, Any], swedish_summary: str) -> None:
    # Switching the language keeps what was typed, and tells the errors in the new language.
    async with page.expect_navigation() as switched:
        await page.get_by_role("button", name="In English").click()
    await assert_page_is_sound(page, await switched.value)
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator("#contact_email")).to_have_value("asa.example.org")
    await expect(page.locator(".error-summary h2")).not_to_have_text(swedish_summary)
    async with page.expect_navigation() as switched:
        await page.get_by_role("button", name="På svenska").click()
    await assert_page_is_sound(page, await switched.value)
    await expect(page.locator(".error-summary h2")).to_have_text(swedish_summary)
    await expect(page.locator("#org_name")).to_have_value(body["organisation"]["name"])
