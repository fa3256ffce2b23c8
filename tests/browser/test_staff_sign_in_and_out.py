"""Staff sign in through intake's sign-in page and sign out on every service, each service its
own origin as under `make run`: the sign-out form's answer must stay on the form's origin, or
the pages' ``form-action 'self'`` stops the browser from following it and nothing happens."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import BrowserContext, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound, sign_in

pytestmark = pytest.mark.browser

# Pages an administrator may read, one per service.
STAFF_PAGES = {
    "intake": "/staff",
    "council": "/staff/reports",
    "forum": "/staff/sessions",
    "notify": "/staff/emails",
}


@pytest.mark.parametrize("service", list(STAFF_PAGES))
async def test_signing_out_on_a_service_ends_the_session_on_every_service(
    stack: Stack, context: BrowserContext, service: str
) -> None:
    page = await context.new_page()
    await sign_in(page, stack, "admin@example.org")
    staff_page = f"{stack.service_url(service)}{STAFF_PAGES[service]}"
    await assert_page_is_sound(page, await page.goto(staff_page))

    async with page.expect_navigation() as signed_out:
        await page.locator('form[action$="/staff/sign-out"] button').click()
    await assert_page_is_sound(page, await signed_out.value)
    assert page.url.startswith(stack.service_url(service)), page.url
    signed_out_page = page.url
    await expect(page.locator("h1")).to_have_text(re.compile("Du är utloggad|You are signed out"))

    # The cookie is the host's: no service knows the person any more.
    for other, path in STAFF_PAGES.items():
        response = await page.goto(f"{stack.service_url(other)}{path}")
        assert response is not None
        assert response.status == 401, (other, await page.content())

    # And the signed-out page leads back to signing in.
    await page.goto(signed_out_page)
    async with page.expect_navigation():
        await page.get_by_role("link", name=re.compile("Logga in igen|Sign in again")).click()
    assert page.url.startswith(f"{stack.service_url('intake')}/staff/sign-in"), page.url
