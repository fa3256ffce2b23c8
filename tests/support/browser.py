"""A real browser for the tests: Debian's Chromium driven by Playwright, and axe-core's checks."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, Response, async_playwright, expect

from digitalwell_devstack.stack import DEMO_STAFF_PASSWORD, Stack
from digitalwell_shared.pages import SECURITY_HEADERS
from tests.support.mail import MailSinkClient, sent_to

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's package (`make browser` installs it); Playwright's own downloads are never used."""

CHROMIUM_FLAGS = (
    "--no-sandbox",  # the tests run as root in a container, where the sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
"""What DOS-lagen asks for through EN 301 549: WCAG 2.1 at levels A and AA."""


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Start the browser once; stop it after the block."""
    _require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_FLAGS)
        )
        try:
            yield browser
        finally:
            await browser.close()


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` (as root)")


@cache
def axe_source() -> str:
    """axe-core as axe-playwright-python bundles it."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text("utf-8")


async def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now.

    Playwright's evaluate runs through the DevTools protocol, which the page's Content Security
    Policy does not govern, so axe gets in without the pages serving a looser policy.
    """
    await page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}
    results: dict[str, Any] = await page.evaluate("options => axe.run(document, options)", options)
    return list(results["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """The violations as a reader can act on them: rule, help and the offending elements."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node['target']}: {node['html'][:160]}" for node in violation["nodes"])
    return "\n".join(lines)


async def assert_page_is_sound(page: Page, response: Response | None) -> None:
    """The page serves the strict policy every page serves, and axe finds no WCAG violation."""
    assert response is not None, f"no response for {page.url}"
    served = await response.all_headers()
    policy = SECURITY_HEADERS["Content-Security-Policy"]
    assert served.get("content-security-policy") == policy, (page.url, served)
    violations = await accessibility_violations(page)
    assert not violations, f"{page.url}\n{describe_violations(violations)}"


def dump(value: object) -> str:
    """A value for an assertion's message."""
    return json.dumps(value, indent=1, default=str)[:2000]


async def sign_in(page: Page, stack: Stack, email: str) -> None:
    """Sign in as a demo account on intake's sign-in page, as a person would."""
    response = await page.goto(f"{stack.service_url('intake')}/staff/sign-in")
    await assert_page_is_sound(page, response)
    await page.locator("#email").fill(email)
    await page.locator("#password").fill(DEMO_STAFF_PASSWORD)
    async with page.expect_navigation():
        await page.locator("form button[type=submit]").click()
    await expect(page.locator("#password")).to_have_count(0)


async def schedule_session(
    page: Page, stack: Stack, title: str, *, kind: str = "breakfast_meeting", capacity: int = 2
) -> str:
    """Schedule a session two weeks on, on forum's staff page, as a coordinator; its public URL.

    Fields are found by their ids, so the journeys hold whichever language the page speaks.
    """
    start = (datetime.now(ZoneInfo("Europe/Stockholm")) + timedelta(days=14)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    forum = stack.service_url("forum")
    await assert_page_is_sound(page, await page.goto(f"{forum}/staff/sessions"))
    await page.locator("#kind").select_option(kind)
    await page.locator("#title").fill(title)
    await page.locator("#description").fill("Ett tillfälle om välfärdsteknik.")
    await page.locator("#starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    await page.locator("#ends_at").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    await page.locator("#location").fill("Karlstad, Innovationshuset")
    await page.locator("#capacity").fill(str(capacity))
    async with page.expect_navigation() as scheduled:
        await page.locator("form[action$='/staff/sessions'] button[type=submit]").click()
    await assert_page_is_sound(page, await scheduled.value)
    session_id = re.search(r"/staff/sessions/([^/?]+)", page.url)
    assert session_id is not None, page.url
    return f"{forum}/sessions/{session_id.group(1)}"


async def link_in_mail(mail: MailSinkClient, email: str, subject: str, pattern: str) -> str:
    """The first link matching ``pattern`` in the text of the e-mail to ``email`` so titled."""
    message = await mail.wait_for_message(
        sent_to(email), query=f'to:{email} subject:"{subject}"', timeout=60
    )
    full = await mail.message(message["ID"])
    found = re.search(pattern, full["Text"])
    assert found is not None, full["Text"]
    return found.group(0)
