"""End to end: the four services as processes; a granted applicant books a workshop and gets a
confirmation with a calendar file; a cancellation promotes the first on the waitlist, who is
told; a cancelled session tells everyone booked."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from digitalwell_devstack.stack import (
    Stack,
)
from tests.support.events import grant_decided
from tests.support.forum import COORDINATOR_EMAIL, person, session_body
from tests.support.intake import application_body
from tests.support.kafka import publish_event
from tests.support.mail import MailSinkClient, Message, sent_to
from tests.support.stack import demo_sign_in
from tests.support.waiting import until_true

pytestmark = pytest.mark.e2e

MAIL_WAIT = 90


def mail_of(stack: Stack) -> MailSinkClient:
    return MailSinkClient("127.0.0.1", stack.ports.smtp, stack.mail_ui_url)


async def wait_for(stack: Stack, address: str, subject_starts: str) -> Message:
    def matches(summary: Message) -> bool:
        return sent_to(address)(summary) and summary["Subject"].startswith(subject_starts)

    return await mail_of(stack).wait_for_message(matches, query=f"to:{address}", timeout=MAIL_WAIT)


def link_in(message: Message, path: str) -> str:
    found = re.search(rf"https?://\S+{path}\?\S+", message["Text"])
    assert found is not None, message["Text"]
    return found.group(0)


async def schedule(http: httpx.AsyncClient, stack: Stack, **changes: Any) -> str:
    created = await http.post(
        f"{stack.service_url('forum')}/api/v1/sessions",
        json=session_body(**changes),
        headers=await demo_sign_in(http, stack, COORDINATOR_EMAIL),
    )
    assert created.status_code == 201, created.text
    session_id: str = created.json()["id"]
    return session_id


async def book(http: httpx.AsyncClient, stack: Stack, session_id: str, body: dict[str, Any]) -> Any:
    booked = await http.post(
        f"{stack.service_url('forum')}/api/v1/sessions/{session_id}/bookings", json=body
    )
    assert booked.status_code == 201, booked.text
    return booked.json()


async def test_a_granted_applicant_books_a_workshop_and_gets_a_confirmation_with_a_calendar(
    stack: Stack,
) -> None:
    forum_url = stack.service_url("forum")
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        submitted = await http.post(
            f"{stack.service_url('intake')}/api/v1/applications", json=application_body()
        )
        application_id = submitted.json()["id"]
        await publish_event(stack.kafka_bootstrap_servers, grant_decided(application_id))

        async def eligible() -> bool:
            answer = await http.get(f"{forum_url}/api/v1/eligibility/{application_id}")
            return bool(answer.json()["innovation_forum"])

        await until_true(eligible, seconds=60)
        workshop = await schedule(http, stack, kind="innovation_forum", capacity=5)
        attendee = person(name="Åsa Öberg", application_id=application_id)
        booked = await book(http, stack, workshop, attendee)

    confirmation = await wait_for(stack, attendee["email"], "Bokningsbekräftelse")
    (attachment,) = confirmation["Attachments"]
    ics = await mail_of(stack).part(confirmation["ID"], attachment["PartID"])

    assert booked["status"] == "confirmed"
    assert booked["id"] in confirmation["Text"]
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["UID"]).startswith(booked["id"])
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Stockholm"


async def test_a_cancellation_offers_the_seat_to_the_first_waiting_who_is_told(
    stack: Stack,
) -> None:
    holder, first_waiting, second_waiting = person(), person(), person()
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        session_id = await schedule(http, stack, capacity=1)
        await book(http, stack, session_id, holder)
        for waiting in (first_waiting, second_waiting):
            assert (await book(http, stack, session_id, waiting))["status"] == "waitlisted"
        confirmation = await wait_for(stack, holder["email"], "Bokningsbekräftelse")
        # The link in the e-mail, signed by notify, opens forum's page and cancels there.
        cancel_url = link_in(confirmation, "/cancel")
        page = await http.get(cancel_url)
        token = re.search(r'name="token" value="([^"]+)"', page.text)
        assert token is not None, page.text
        cancelled = await http.post(
            cancel_url.split("?")[0], data={"token": token.group(1), "lang": "sv"}
        )

    offer = await wait_for(stack, first_waiting["email"], "En plats har blivit ledig")
    ended = await wait_for(stack, holder["email"], "Din bokning är avbokad")
    full = await wait_for(stack, COORDINATOR_EMAIL, "Fullbokat")

    assert page.status_code == 200
    assert cancelled.status_code == 303  # on to the booking's page, now cancelled
    assert "/accept?" in offer["Text"]
    assert ended["Subject"] == "Din bokning är avbokad: " + offer["Subject"].split(": ", 1)[1]
    assert "/staff/sessions/" in full["Text"]
    second_mail = await mail_of(stack).search(f"to:{second_waiting['email']}")
    assert [m["Subject"].split(":")[0] for m in second_mail] == ["Du står i kö"]


async def test_a_cancelled_session_tells_everyone_booked(stack: Stack) -> None:
    people = [person(), person(), person()]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        session_id = await schedule(http, stack, capacity=2)
        for someone in people:
            await book(http, stack, session_id, someone)
        cancelled = await http.post(
            f"{stack.service_url('forum')}/api/v1/sessions/{session_id}/cancel",
            json={"reason": "Lokalen är inte tillgänglig."},
            headers=await demo_sign_in(http, stack, COORDINATOR_EMAIL),
        )

    told = [await wait_for(stack, someone["email"], "Inställt") for someone in people]

    assert cancelled.json()["bookings_ended"] == 3
    assert all("Lokalen är inte tillgänglig." in message["Text"] for message in told)
