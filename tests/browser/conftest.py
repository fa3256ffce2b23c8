"""The browser and the running system the browser journeys share: both start once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext

from digitalwell_devstack.stack import Stack
from tests.support.browser import chromium
from tests.support.stack import running_stack


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, launched once for the run."""
    async with chromium() as launched:
        yield launched


@pytest.fixture(scope="package")
async def stack() -> AsyncIterator[Stack]:
    """The four services as processes with their broker, database and mail sink."""
    async with running_stack() as system:
        yield system


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile per test: no cookies from another journey."""
    fresh = await browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    fresh.set_default_timeout(30_000)
    try:
        yield fresh
    finally:
        await fresh.close()
