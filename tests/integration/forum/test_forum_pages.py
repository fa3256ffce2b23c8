"""forum's pages: the public list and booking form, a booking's page, and the coordinator's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from digitalwell_shared.links import cancel_booking_url
from digitalwell_shared.staff import SESSION_COOKIE, StaffAuth
from tests.support.forum import RunningForum, coordinator_token, person

pytestmark = pytest.mark.integration


def path_of(url: str, forum: RunningForum) -> str:
    return url.removeprefix(forum.settings.base_url)


async def test_the_list_shows_upcoming_sessions_with_seats_left_in_both_languages(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=4, title="Frukostmöte om välfärdsteknik")
    await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())

    swedish = await forum.client.get("/")
    english = await forum.client.get("/?lang=en")

    assert "Frukostmöte om välfärdsteknik" in swedish.text
    assert "3 av 4 platser kvar" in swedish.text
    assert "3 of 4 places left" in english.text
    assert swedish.headers["content-security-policy"].startswith("default-src 'none'")


async def test_booking_from_the_form_leads_to_the_bookings_page_where_it_can_be_cancelled(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=2)
    form = {"lang": "en", "name": "Bo Ek", "email": person()["email"], "language": "en"}

    booked = await forum.client.post(f"/sessions/{session_id}/book", data=form)
    page = await forum.client.get(path_of(booked.headers["location"], forum))
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token is not None
    booking_id = booked.headers["location"].split("/")[4]
    cancelled = await forum.client.post(
        f"/bookings/{booking_id}/cancel", data={"token": token.group(1), "lang": "en"}
    )
    after = await forum.client.get(path_of(cancelled.headers["location"], forum))

    assert booked.status_code == 303
    assert "Done! You have a place." in page.text
    assert page.headers["cache-control"] == "no-store"
    assert ".ics" in page.text
    assert cancelled.status_code == 303
    assert "Your booking is cancelled" in after.text
    assert "Cancelled" in after.text


async def test_the_form_shows_what_is_wrong_and_books_nothing(forum: RunningForum) -> None:
    session_id = await forum.schedule()

    refused = await forum.client.post(
        f"/sessions/{session_id}/book", data={"lang": "sv", "name": "", "email": "nope"}
    )

    assert refused.status_code == 422
    assert "Fyll i fältet." in refused.text
    assert "Skriv en e-postadress i rätt format" in refused.text
    # The language switch leads to the session's page, not to the form's POST address.
    assert f'href="{forum.settings.base_url}/sessions/{session_id}?lang=en"' in refused.text
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 0


async def test_a_workshop_form_without_a_grant_says_why(forum: RunningForum) -> None:
    session_id = await forum.schedule(kind="innovation_forum")

    refused = await forum.client.post(
        f"/sessions/{session_id}/book",
        data={"lang": "en", "name": "Bo", "email": person()["email"], "application_id": "app_x"},
    )

    # forum knows no decision on app_x: the form says so rather than "not granted".
    assert refused.status_code == 422
    assert "We know of no decision on an application with that case number" in refused.text


async def test_the_cancel_page_refuses_a_forged_link(forum: RunningForum) -> None:
    session_id = await forum.schedule()
    booked = (
        await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())
    ).json()

    genuine = await forum.client.get(
        path_of(
            cancel_booking_url(
                forum.settings.base_url,
                "another-secret",
                booked["id"],
                expires_at=datetime.now(UTC) + timedelta(days=1),
            ),
            forum,
        )
    )

    assert genuine.status_code == 403
    assert "Länken fungerar inte" in genuine.text


async def test_a_coordinator_schedules_from_the_staff_page_with_its_csrf_token(
    forum: RunningForum,
) -> None:
    token = coordinator_token(forum.settings)
    auth = StaffAuth(forum.settings)
    csrf = auth.csrf_token(auth.verify(token))
    forum.client.cookies.set(SESSION_COOKIE, token)
    starts = (datetime.now(UTC) + timedelta(days=20)).strftime("%Y-%m-%dT09:00")
    form = {
        "lang": "en",
        "kind": "training",
        "title": "Service design for welfare",
        "description": "",
        "starts_at": starts,
        "ends_at": starts.replace("T09:00", "T16:00"),
        "later_dates": "2031-05-06 09:00-16:00",
        "location": "Karlstads universitet",
        "capacity": "15",
        "public_sector_participants": "Region Värmland\nKarlstads kommun",
        "registration_deadline": "",
        "coordinator_language": "en",
    }
    try:
        without_csrf = await forum.client.post("/staff/sessions", data=form)
        bad_capacity = await forum.client.post(
            "/staff/sessions", data=form | {"csrf_token": csrf, "capacity": "0"}
        )
        swedish = await forum.client.post(
            "/staff/sessions",
            data=form
            | {"csrf_token": csrf, "lang": "sv", "capacity": "0", "starts_at": "2020-01-01T09:00"},
        )
        scheduled = await forum.client.post("/staff/sessions", data=form | {"csrf_token": csrf})
        page = await forum.client.get(scheduled.headers["location"])
        listing = await forum.client.get("/staff/sessions?lang=en")
    finally:
        forum.client.cookies.clear()
    signed_out = await forum.client.get("/staff/sessions")

    assert without_csrf.status_code == 403
    assert bad_capacity.status_code == 422
    assert "Enter a number within the allowed range." in bad_capacity.text
    assert swedish.status_code == 422  # a Swedish page tells pydantic's rules in Swedish
    assert "Skriv ett tal inom det tillåtna intervallet." in swedish.text
    assert "Tillfället måste börja i framtiden." in swedish.text
    assert "greater than" not in swedish.text
    assert "must start" not in swedish.text
    assert scheduled.status_code == 303
    assert "Service design for welfare" in page.text
    assert "Karlstads kommun" in page.text
    assert "Service design for welfare" in listing.text
    assert signed_out.status_code == 401
