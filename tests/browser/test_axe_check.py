"""The accessibility check itself: axe-core gets into a page under the pages' strict CSP and
reports what is wrong, so a journey that finds nothing has really looked."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Route

from digitalwell_shared.pages import SECURITY_HEADERS
from tests.support.browser import accessibility_violations

pytestmark = pytest.mark.browser

BROKEN_PAGE = (
    "<!doctype html><html><head><title>x</title></head><body><img src='a.png'></body></html>"
)


async def test_axe_reports_violations_on_a_page_served_with_the_strict_policy(
    context: BrowserContext,
) -> None:
    async def serve(route: Route) -> None:
        await route.fulfill(body=BROKEN_PAGE, content_type="text/html", headers=SECURITY_HEADERS)

    page = await context.new_page()
    await page.route("http://broken.test/", serve)
    await page.goto("http://broken.test/")
    # The policy holds for the page's own scripts: nothing inline runs.
    await page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.head.append(s); }"
    )
    assert await page.evaluate("() => window.ran") is None

    found = {violation["id"] for violation in await accessibility_violations(page)}

    assert {"html-has-lang", "image-alt"} <= found
