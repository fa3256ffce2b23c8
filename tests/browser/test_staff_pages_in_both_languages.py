"""Every staff page in Swedish first and in English through the switch, each checked by axe;
and the 401/403 pages, which say in words whom a page is for and how to go on."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import BrowserContext, Page, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound, sign_in
from tests.support.council import all_scores
from tests.support.intake import application_body
from tests.support.stack import demo_sign_in
from tests.support.waiting import until_true

pytestmark = pytest.mark.browser

# Who reads each service's pages, the pages, and words of the English UI that must not be left
# on the Swedish page.
STAFF_PAGES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "intake": (
        "admin@example.org",
        ("/staff", "/staff/applications", "/staff/accounts", "/staff/password", "/staff/totp"),
        ("Sign out", "Welcome", "Register of applications", "Staff accounts", "Password"),
    ),
    "council": (
        "chair@example.org",
        ("/staff/cases", "/staff/meeting", "/staff/reports", "/staff/cases/case-none"),
        ("Sign out", "Signed in as", "Cases", "Reports", "Meeting", "Skip to content"),
    ),
    "forum": (
        "coordinator@example.org",
        ("/staff/sessions", "/staff/report"),
        ("Sign out", "Sessions", "Schedule a session", "Attendance report"),
    ),
    "notify": (
        "admin@example.org",
        ("/staff/emails",),
        ("Sign out", "E-mail delivery log", "Recipient", "Filter", "Skip to content"),
    ),
}


async def _visible_text(page: Page) -> str:
    return await page.locator("body").inner_text()


@pytest.mark.parametrize("service", list(STAFF_PAGES))
async def test_every_staff_page_is_swedish_first_and_english_through_the_switch(
    stack: Stack, context: BrowserContext, service: str
) -> None:
    who, paths, english_words = STAFF_PAGES[service]
    page = await context.new_page()
    await sign_in(page, stack, who)
    for path in paths:
        response = await page.goto(f"{stack.service_url(service)}{path}")
        await assert_page_is_sound(page, response)
        assert await page.locator("html").get_attribute("lang") == "sv", path
        shown = await _visible_text(page)
        left = [words for words in english_words if re.search(rf"\b{words}\b", shown)]
        assert left == [], (path, left)

        async with page.expect_navigation() as switched:
            await page.locator("a[hreflang=en]").first.click()
        await assert_page_is_sound(page, await switched.value)
        assert await page.locator("html").get_attribute("lang") == "en", path
        english = await _visible_text(page)
        assert any(re.search(rf"\b{words}\b", english) for words in english_words), path


async def test_the_401_and_403_pages_say_whom_the_page_is_for_in_the_readers_language(
    stack: Stack, context: BrowserContext
) -> None:
    meeting = f"{stack.service_url('council')}/staff/meeting"
    page = await context.new_page()

    response = await page.goto(meeting)
    assert response is not None
    assert response.status == 401
    await assert_page_is_sound(page, response)
    await expect(page.locator("h1")).to_have_text("Logga in för att fortsätta")
    await expect(page.get_by_role("link", name="Logga in", exact=True)).to_be_visible()

    response = await page.goto(f"{meeting}?lang=en")
    assert response is not None
    assert response.status == 401
    await assert_page_is_sound(page, response)
    await expect(page.locator("h1")).to_have_text("Sign in to continue")

    await sign_in(page, stack, "coordinator@example.org")
    response = await page.goto(meeting)
    assert response is not None
    assert response.status == 403
    await assert_page_is_sound(page, response)
    await expect(page.locator("main p").first).to_contain_text(
        "Den här sidan är för rådets ordförande"
    )
    await expect(page.get_by_role("link", name="Logga in som någon annan")).to_be_visible()
    await expect(page.get_by_role("link", name="Till startsidan")).to_be_visible()

    response = await page.goto(f"{meeting}?lang=en")
    assert response is not None
    assert response.status == 403
    await assert_page_is_sound(page, response)
    await expect(page.locator("main p").first).to_contain_text("This page is for the council chair")
    async with page.expect_navigation():
        await page.get_by_role("link", name="Sign in as someone else").click()
    assert "/staff/sign-in" in page.url
    assert await page.locator("html").get_attribute("lang") == "en"


CASE_PAGE_ENGLISH = (
    "Case number",
    "Submitted",
    "The application",
    "Assessment",
    "Quorum",
    "Audit trail",
    "Conflict of interest",
    "Financial viability",
    "Under assessment",
)


async def _scored_case(stack: Stack) -> str:
    """A case opened from an application sent to intake, scored by one member."""
    council = stack.service_url("council")
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        submitted = await http.post(
            f"{stack.service_url('intake')}/api/v1/applications", json=application_body()
        )
        assert submitted.status_code == 201, submitted.text
        member = await demo_sign_in(http, stack, "member1@example.org")
        found: list[str] = []

        async def case_opened() -> bool:
            listed = await http.get(
                f"{council}/api/v1/cases",
                params={"application_id": submitted.json()["id"]},
                headers=member,
            )
            found[:] = [case["id"] for case in listed.json()["cases"]]
            return bool(found)

        await until_true(case_opened, seconds=60)
        scored = await http.post(
            f"{council}/api/v1/cases/{found[0]}/scores", json=all_scores(4), headers=member
        )
        assert scored.status_code == 200, scored.text
    return found[0]


async def test_a_case_page_with_scores_is_swedish_first_and_english_through_the_switch(
    stack: Stack, context: BrowserContext
) -> None:
    case_id = await _scored_case(stack)
    page = await context.new_page()
    await sign_in(page, stack, "chair@example.org")

    response = await page.goto(f"{stack.service_url('council')}/staff/cases/{case_id}")
    await assert_page_is_sound(page, response)
    shown = await _visible_text(page)
    assert [words for words in CASE_PAGE_ENGLISH if words in shown] == []
    assert "Beslutförhet" in shown
    assert " kl. " in shown  # Swedish time, in Swedish words

    async with page.expect_navigation() as switched:
        await page.locator("a[hreflang=en]").first.click()
    await assert_page_is_sound(page, await switched.value)
    english = await _visible_text(page)
    assert [words for words in CASE_PAGE_ENGLISH if words not in english] == []
