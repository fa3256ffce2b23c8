"""forum's bookings against the real database and broker: seats, waitlist, offers, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from digitalwell_shared.contracts import (
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumSeatOffered,
    ForumSessionFillingUp,
)
from digitalwell_shared.links import link_token
from tests.support.events import grant_decided
from tests.support.forum import RunningForum, person, staff_headers
from tests.support.kafka import publish_event
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration


async def book(forum: RunningForum, session_id: str, body: dict[str, Any]) -> Any:
    return await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=body)


def bodies(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(entry["body"]) for entry in entries]


def token(forum: RunningForum, purpose: str, booking_id: str) -> str:
    # Far enough off for any session these tests schedule.
    expires_at = datetime.now(UTC) + timedelta(days=365)
    secret = forum.settings.link_secret.get_secret_value()
    return link_token(secret, purpose, booking_id, expires_at=expires_at)


async def test_a_booking_is_confirmed_while_seats_remain_and_announced(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=3)

    booked = await book(forum, session_id, person(name="Åsa Öberg", language="en"))

    assert booked.status_code == 201, booked.text
    assert booked.json()["status"] == "confirmed"
    (event,) = bodies(await forum.outbox(ForumBooked.topic, session_id))
    assert event["booking_id"] == booked.json()["id"]
    assert event["attendee"]["name"] == "Åsa Öberg"
    assert event["attendee"]["language"] == "en"
    assert event["session"]["kind"] == "breakfast_meeting"
    listed = (await forum.client.get("/api/v1/sessions")).json()["sessions"]
    (mine,) = [s for s in listed if s["id"] == session_id]
    assert mine["seats_left"] == 2


async def test_a_full_session_puts_the_next_booking_on_the_waitlist_in_order(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=1)
    await book(forum, session_id, person())

    second = await book(forum, session_id, person())
    third = await book(forum, session_id, person())

    assert (second.json()["status"], second.json()["position"]) == ("waitlisted", 1)
    assert (third.json()["status"], third.json()["position"]) == ("waitlisted", 2)
    waitlisted = bodies(await forum.outbox(ForumBookingWaitlisted.topic, session_id))
    assert [event["position"] for event in waitlisted] == [1, 2]


async def test_the_same_person_booking_again_gets_their_existing_booking(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=5)
    body = person()

    first = await book(forum, session_id, body)
    again = await book(forum, session_id, body | {"email": body["email"].upper()})

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert "cancel_url" not in again.json()  # an address alone does not hand over the booking
    session = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()
    assert session["seats_left"] == 4
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 1


async def test_cancelling_through_the_signed_link_offers_the_seat_to_the_first_waiting(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=1)
    holder = (await book(forum, session_id, person())).json()
    first_waiting = (await book(forum, session_id, person())).json()
    await book(forum, session_id, person())

    forged = await forum.client.post(
        f"/api/v1/bookings/{holder['id']}/cancel", params={"token": "forged"}
    )
    cancelled = await forum.client.post(
        f"/api/v1/bookings/{holder['id']}/cancel",
        params={"token": token(forum, "cancel-booking", holder["id"])},
    )

    assert forged.status_code == 403
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    (ended,) = bodies(await forum.outbox(ForumBookingCancelled.topic, session_id))
    assert (ended["booking_id"], ended["reason"]) == (holder["id"], "attendee_cancelled")
    (offer,) = bodies(await forum.outbox(ForumSeatOffered.topic, session_id))
    assert offer["booking_id"] == first_waiting["id"]
    expires = datetime.fromisoformat(offer["offer_expires_at"])
    offered = datetime.fromisoformat(offer["offered_at"])
    assert expires - offered == timedelta(hours=48)
    session = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()
    assert (session["seats_left"], session["waitlisted"]) == (0, 1)  # the seat is held


async def test_accepting_an_offer_confirms_the_seat(forum: RunningForum) -> None:
    session_id = await forum.schedule(capacity=1)
    holder = (await book(forum, session_id, person())).json()
    waiting = (await book(forum, session_id, person())).json()
    await forum.client.post(
        f"/api/v1/bookings/{holder['id']}/cancel",
        params={"token": token(forum, "cancel-booking", holder["id"])},
    )

    accepted = await forum.client.post(
        f"/api/v1/bookings/{waiting['id']}/accept",
        params={"token": token(forum, "accept-seat", waiting["id"])},
    )
    again = await forum.client.post(
        f"/api/v1/bookings/{waiting['id']}/accept",
        params={"token": token(forum, "accept-seat", waiting["id"])},
    )

    assert accepted.json()["status"] == "confirmed"
    assert again.json()["status"] == "confirmed"
    confirmations = bodies(await forum.outbox(ForumBooked.topic, session_id))
    assert [event["booking_id"] for event in confirmations] == [holder["id"], waiting["id"]]


async def test_an_offer_not_taken_in_time_passes_to_the_next_in_line(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=1)
    holder = (await book(forum, session_id, person())).json()
    first = (await book(forum, session_id, person())).json()
    second = (await book(forum, session_id, person())).json()
    await forum.client.post(
        f"/api/v1/bookings/{holder['id']}/cancel",
        params={"token": token(forum, "cancel-booking", holder["id"])},
    )
    # The offer's time runs out: move it into the past rather than wait 48 hours.
    await forum.database["bookings"].update_one(
        {"_id": first["id"]}, {"$set": {"offer_expires_at": datetime.now(UTC) - timedelta(1)}}
    )

    await forum.jobs.run_once()
    late = await forum.client.post(
        f"/api/v1/bookings/{first['id']}/accept",
        params={"token": token(forum, "accept-seat", first["id"])},
    )

    ended = bodies(await forum.outbox(ForumBookingCancelled.topic, session_id))
    assert [(e["booking_id"], e["reason"]) for e in ended] == [
        (holder["id"], "attendee_cancelled"),
        (first["id"], "offer_expired"),
    ]
    offers = bodies(await forum.outbox(ForumSeatOffered.topic, session_id))
    assert [offer["booking_id"] for offer in offers] == [first["id"], second["id"]]
    assert late.status_code == 409
    assert late.json()["reason"] == "no_offer"


async def test_the_coordinator_is_told_at_80_and_100_percent_once_each(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=5)

    for _ in range(6):
        await book(forum, session_id, person())

    alerts = bodies(await forum.outbox(ForumSessionFillingUp.topic, session_id))
    assert [(a["percent"], a["seats_taken"]) for a in alerts] == [(80, 4), (100, 5)]
    assert alerts[0]["coordinator"]["email"] == "coordinator@example.org"


@pytest.mark.parametrize(
    ("changes", "status_code", "reason"),
    [
        ({"status": "cancelled"}, 409, "session_cancelled"),
        ({"starts_at": datetime.now(UTC) - timedelta(hours=1)}, 409, "session_started"),
        (
            {"registration_deadline": datetime.now(UTC) - timedelta(hours=1)},
            409,
            "registration_closed",
        ),
    ],
    ids=["cancelled", "past", "after-deadline"],
)
async def test_a_session_that_takes_no_bookings_refuses_and_stores_nothing(
    forum: RunningForum, changes: dict[str, Any], status_code: int, reason: str
) -> None:
    session_id = await forum.schedule()
    await forum.database["sessions"].update_one({"_id": session_id}, {"$set": changes})

    refused = await book(forum, session_id, person())

    assert refused.status_code == status_code
    assert refused.json()["reason"] == reason
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 0
    assert await forum.outbox(ForumBooked.topic, session_id) == []


async def test_an_unknown_session_or_a_malformed_address_is_refused(forum: RunningForum) -> None:
    session_id = await forum.schedule()

    unknown = await book(forum, "ses_0000000000000000", person())
    malformed = await book(forum, session_id, person(email="not-an-address"))

    assert unknown.status_code == 404
    assert unknown.json()["reason"] == "session_not_found"
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "email"]
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 0


async def test_a_workshop_is_only_for_an_application_granted_one_and_one_at_a_time(
    forum: RunningForum,
) -> None:
    workshop = await forum.schedule(kind="innovation_forum")
    another = await forum.schedule(kind="innovation_forum")
    granted = grant_decided(
        f"app_{workshop[-8:]}granted", kinds=("innovation_forum",), case_number="DW-2026-7311"
    )
    other_kind = grant_decided(f"app_{workshop[-8:]}coaching", kinds=("coaching",))
    for event in (granted, other_kind):
        await publish_event(forum.settings.kafka_bootstrap_servers, event)

    async def known() -> bool:
        answer = await forum.client.get(f"/api/v1/eligibility/{granted.application_id}")
        return bool(answer.json()["innovation_forum"])

    await until_true(known, seconds=60)
    without_id = await book(forum, workshop, person())
    not_granted = await book(forum, workshop, person(application_id=other_kind.application_id))
    booked = await book(forum, workshop, person(application_id=granted.application_id))
    second_workshop = await book(forum, another, person(application_id=granted.application_id))

    assert (without_id.status_code, without_id.json()["reason"]) == (422, "application_required")
    assert (not_granted.status_code, not_granted.json()["reason"]) == (403, "not_granted")
    assert booked.status_code == 201
    assert (second_workshop.status_code, second_workshop.json()["reason"]) == (
        409,
        "application_already_booked",
    )
    (event,) = bodies(await forum.outbox(ForumBooked.topic, workshop))
    assert event["application_id"] == granted.application_id
    # forum keeps the case number it read, so the applicant may type it instead of the id.
    kept = await forum.database["grants"].find_one({"_id": granted.application_id})
    assert kept is not None
    assert kept["case_number"] == "DW-2026-7311"
    assert await forum.database["bookings"].count_documents({"session_id": another}) == 0


async def test_a_confirmed_booking_has_a_calendar_file_behind_its_own_token(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule()
    booked = (await book(forum, session_id, person())).json()

    ics = await forum.client.get(booked["calendar_url"].removeprefix(forum.settings.base_url))
    forged = await forum.client.get(f"/bookings/{booked['id']}.ics", params={"token": "x"})

    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VTIMEZONE" in ics.text
    assert "TZID=Europe/Stockholm" in ics.text
    assert f"UID:{booked['id']}@" in ics.text
    assert forged.status_code == 403


async def test_attendance_is_marked_after_the_session_and_reported_per_session_and_kind(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=3)
    came = (await book(forum, session_id, person())).json()
    await book(forum, session_id, person())
    too_early = await forum.client.put(
        f"/api/v1/sessions/{session_id}/attendance",
        json={"attended": [came["id"]]},
        headers=staff_headers(forum.settings),
    )
    await forum.database["sessions"].update_one(
        {"_id": session_id}, {"$set": {"starts_at": datetime.now(UTC) - timedelta(hours=1)}}
    )

    marked = await forum.client.put(
        f"/api/v1/sessions/{session_id}/attendance",
        json={"attended": [came["id"]]},
        headers=staff_headers(forum.settings),
    )
    unknown = await forum.client.put(
        f"/api/v1/sessions/{session_id}/attendance",
        json={"attended": ["bkg_unknown"]},
        headers=staff_headers(forum.settings),
    )
    report = await forum.client.get(
        "/api/v1/reports/attendance", headers=staff_headers(forum.settings)
    )

    assert too_early.status_code == 409
    assert marked.status_code == 200, marked.text
    assert (marked.json()["attended"], marked.json()["no_shows"]) == (1, 1)
    assert unknown.status_code == 422
    assert "bkg_unknown" in unknown.json()["detail"]
    (row,) = [r for r in report.json()["sessions"] if r["session_id"] == session_id]
    assert row["marked"] is True
    assert report.json()["kinds"]["breakfast_meeting"]["no_shows"] >= 1
