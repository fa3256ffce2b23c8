"""Staff sign in through intake's sign-in page and sign out on every service, each service its
own origin as under `make run`: the sign-out form's answer must stay on the form's origin, or
the pages' ``form-action 'self'`` stops the browser from following it and nothing happens."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import BrowserContext, expect

from digitalwell_devstack.stack import Stack
from digitalwell_shared.staff import SESSION_COOKIE
from tests.support.browser import assert_page_is_sound, sign_in
from tests.support.waiting import until_true

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

    session = next(c["value"] for c in await context.cookies() if c["name"] == SESSION_COOKIE)
    intake = stack.service_url("intake")
    async with page.expect_navigation() as signed_out:
        await page.locator('form[action$="/staff/sign-out"] button').click()
    # The form's answer stays on its own origin (form-action 'self'); that page goes on to
    # intake, which ends the session everywhere and says so.
    first = await signed_out.value
    assert first is not None
    assert first.url.startswith(stack.service_url(service)), first.url
    await page.wait_for_url(f"{intake}/staff/signed-out*")
    signed_out_page = page.url
    await assert_page_is_sound(page, await page.goto(signed_out_page))
    await assert_page_is_sound(page, await page.goto(first.url.split("?")[0]))
    await expect(page.locator("h1")).to_have_text(re.compile("Du är utloggad|You are signed out"))

    async def the_old_token_is_refused() -> bool:
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.get(
                f"{stack.service_url(service)}{STAFF_PAGES[service]}",
                cookies={SESSION_COOKIE: session},
            )
        return answer.status_code == 401

    await until_true(the_old_token_is_refused, seconds=60)

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
