"""A wrong method on a page is a page a person can read and leave, and the start page of a
service without pages of its own (notify) is Swedish first with English on the switch."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound

pytestmark = pytest.mark.browser


async def test_a_wrong_method_is_a_page_leading_to_a_start_page_in_both_languages(
    stack: Stack, context: BrowserContext
) -> None:
    page = await context.new_page()
    notify = stack.service_url("notify")

    # The sign-out address takes only a sent form; opening it is the wrong method.
    refused = await page.goto(f"{notify}/staff/sign-out")
    assert refused is not None
    assert refused.status == 405
    await assert_page_is_sound(page, refused)
    await expect(page.locator("html")).to_have_attribute("lang", "sv")
    await expect(page.locator("h1")).to_have_text("Sidan kan inte användas så")
    await expect(page.locator("footer").get_by_role("link", name="Tillgänglighet")).to_be_visible()

    async with page.expect_navigation() as home:
        await page.get_by_role("link", name="Till startsidan").click()
    await assert_page_is_sound(page, await home.value)
    await expect(page.locator("h1")).to_have_text("DigitalWell notify")
    await expect(page.get_by_role("link", name="Driftstatus")).to_be_visible()

    async with page.expect_navigation() as switched:
        await page.get_by_role("link", name="In English").click()
    await assert_page_is_sound(page, await switched.value)
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.get_by_role("link", name="Readiness")).to_be_visible()
    await expect(page.get_by_role("link", name="På svenska")).to_be_visible()
