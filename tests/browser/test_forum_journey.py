"""A coordinator schedules a breakfast meeting in a browser, people book until it is full and two
queue, one cancels through the link in the confirmation and the first on the waitlist (not the
second) is offered the seat and accepts it; every page passes axe-core's WCAG 2.1 A and AA
checks."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import BrowserContext, Page, expect

from digitalwell_devstack.stack import Stack
from tests.support.browser import assert_page_is_sound, link_in_mail, schedule_session, sign_in
from tests.support.mail import MailSinkClient

pytestmark = pytest.mark.browser

LINK = r"https?://[^\s<>\"]+/bookings/[^\s<>\"/]+/{action}\?[^\s<>\"]+"


async def _book(page: Page, session_url: str, name: str, email: str, button: str) -> None:
    await assert_page_is_sound(page, await page.goto(session_url))
    await page.locator("#name").fill(name)
    await page.locator("#email").fill(email)
    await page.locator("#language-sv").check()
    async with page.expect_navigation() as booked:
        await page.get_by_role("button", name=button, exact=True).click()
    await assert_page_is_sound(page, await booked.value)


async def _link_in_mail(mail: MailSinkClient, email: str, subject: str, action: str) -> str:
    return await link_in_mail(mail, email, subject, LINK.format(action=action))


async def test_people_book_a_session_until_full_and_a_freed_seat_goes_to_the_first_waiting(
    stack: Stack, context: BrowserContext
) -> None:
    page = await context.new_page()
    await sign_in(page, stack, "coordinator@example.org")
    title = f"Frukost {uuid.uuid4().hex[:6]}"
    session_url = await schedule_session(page, stack, title)
    await context.clear_cookies()  # the rest are members of the public

    tag = uuid.uuid4().hex[:8]
    people = [(f"Person {n}", f"person{n}.{tag}@example.org") for n in range(1, 5)]
    await _book(page, session_url, *people[0], button="Boka")
    await _book(page, session_url, *people[1], button="Boka")
    await _book(page, session_url, *people[2], button="Ställ dig i kö")
    await _book(page, session_url, *people[3], button="Ställ dig i kö")
    await expect(page.locator("main")).to_contain_text(re.compile("kö", re.IGNORECASE))

    mail = MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)
    first_email = people[0][1]
    cancel = await _link_in_mail(mail, first_email, f"Bokningsbekräftelse: {title}", "cancel")
    await assert_page_is_sound(page, await page.goto(cancel))
    async with page.expect_navigation() as cancelled:
        await page.get_by_role("button", name="Avboka").click()
    await assert_page_is_sound(page, await cancelled.value)

    offered = f"En plats har blivit ledig: {title}"
    accept = await _link_in_mail(mail, people[2][1], offered, "accept")
    await assert_page_is_sound(page, await page.goto(accept))
    async with page.expect_navigation() as accepted:
        await page.get_by_role("button", name="Tacka ja till platsen").click()
    await assert_page_is_sound(page, await accepted.value)
    assert "done=accepted" in page.url, page.url
    # The seat went to the first in the queue only: the second is still waiting, unoffered.
    assert await mail.search(f'to:{people[3][1]} subject:"{offered}"') == []
