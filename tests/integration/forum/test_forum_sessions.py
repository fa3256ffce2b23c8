"""Scheduling and cancelling sessions, reminders and the calendar feed, against real servers."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from digitalwell_shared.contracts import (
    ForumBookingCancelled,
    ForumReminderDue,
    ForumSessionCancelled,
    ForumSessionScheduled,
)
from digitalwell_shared.staff import Role
from tests.support.forum import (
    RunningForum,
    coordinator_token,
    person,
    running_forum,
    session_body,
    staff_headers,
)

pytestmark = pytest.mark.integration


def bodies(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [json.loads(entry["body"]) for entry in entries]


async def test_a_coordinator_schedules_a_session_and_it_is_announced(forum: RunningForum) -> None:
    body = session_body(capacity=12)

    created = await forum.client.post(
        "/api/v1/sessions", json=body, headers=staff_headers(forum.settings)
    )

    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    (event,) = bodies(await forum.outbox(ForumSessionScheduled.topic, session_id))
    assert (event["title"], event["capacity"]) == (body["title"], 12)
    shown = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()
    assert shown["seats_left"] == 12
    assert shown["registration_open"] is True
    assert shown["public_sector_participants"] == ["Region Värmland"]


async def test_scheduling_needs_a_forum_coordinator(forum: RunningForum) -> None:
    anonymous = await forum.client.post("/api/v1/sessions", json=session_body())
    officer = await forum.client.post(
        "/api/v1/sessions",
        json=session_body(),
        headers={
            "Authorization": "Bearer "
            + coordinator_token(forum.settings, roles=(Role.INTAKE_OFFICER,))
        },
    )

    assert anonymous.status_code == 401
    assert officer.status_code == 403
    assert "forum_coordinator" in officer.json()["detail"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"capacity": 0}, "capacity", "greater than or equal to 1"),
        ({"kind": "picnic"}, "kind", "innovation_forum"),
        ({"title": ""}, "title", "at least 1"),
    ],
    ids=["no-seats", "unknown-kind", "no-title"],
)
async def test_a_bad_session_is_refused_naming_the_field_and_nothing_is_stored(
    forum: RunningForum, changes: dict[str, Any], field: str, words: str
) -> None:
    before = await forum.database["sessions"].count_documents({})

    refused = await forum.client.post(
        "/api/v1/sessions", json=session_body(**changes), headers=staff_headers(forum.settings)
    )

    assert refused.status_code == 422
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["body", field]
    assert words in error["msg"]
    assert await forum.database["sessions"].count_documents({}) == before


async def test_a_session_that_ends_before_it_starts_is_refused(forum: RunningForum) -> None:
    body = session_body()
    body["ends_at"] = (datetime.fromisoformat(body["starts_at"]) - timedelta(hours=1)).isoformat()

    refused = await forum.client.post(
        "/api/v1/sessions", json=body, headers=staff_headers(forum.settings)
    )

    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "ends_at"]
    assert "end after it starts" in refused.json()["detail"][0]["msg"]


async def test_times_without_an_offset_are_swedish_time(forum: RunningForum) -> None:
    session_id = await forum.schedule(
        starts_at="2031-07-01T09:00", ends_at="2031-07-01T11:00", registration_deadline=None
    )

    shown = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()

    assert shown["starts_at"] == "2031-07-01T07:00:00Z"  # summer time, UTC+2
    assert shown["registration_deadline"] == shown["starts_at"]


async def test_a_training_can_be_a_series_of_dates_booked_as_one(forum: RunningForum) -> None:
    session_id = await forum.schedule(
        kind="training",
        starts_at="2031-03-04T09:00",  # Swedish time, read as such
        ends_at="2031-03-04T16:00",
        later_dates=[
            {"starts_at": "2031-03-11T09:00", "ends_at": "2031-03-11T16:00"},
            {"starts_at": "2031-04-01T09:00", "ends_at": "2031-04-01T16:00"},
        ],
    )
    breakfast_series = await forum.client.post(
        "/api/v1/sessions",
        json=session_body(
            later_dates=[{"starts_at": "2031-03-11T09:00", "ends_at": "2031-03-11T10:00"}]
        ),
        headers=staff_headers(forum.settings),
    )
    booked = (
        await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())
    ).json()

    shown = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()
    ics = await forum.client.get(booked["calendar_url"].removeprefix(forum.settings.base_url))

    assert [d["starts_at"] for d in shown["dates"]] == [
        "2031-03-04T08:00:00Z",
        "2031-03-11T08:00:00Z",
        "2031-04-01T07:00:00Z",  # after the switch to summer time
    ]
    assert shown["ends_at"] == "2031-04-01T14:00:00Z"
    assert breakfast_series.status_code == 422
    assert "only a training" in breakfast_series.text
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    starts = [event.decoded("dtstart") for event in events]
    assert [(s.hour, str(s.tzinfo)) for s in starts] == [(9, "Europe/Stockholm")] * 3


async def test_cancelling_a_session_ends_every_booking_and_tells_everyone(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=1)
    booked = [
        (await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())).json()
        for _ in range(2)
    ]

    cancelled = await forum.client.post(
        f"/api/v1/sessions/{session_id}/cancel",
        json={"reason": "Kursledaren är sjuk."},
        headers=staff_headers(forum.settings),
    )
    again = await forum.client.post(
        f"/api/v1/sessions/{session_id}/cancel", headers=staff_headers(forum.settings)
    )
    late_booking = await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())

    assert cancelled.json()["bookings_ended"] == 2
    (announced,) = bodies(await forum.outbox(ForumSessionCancelled.topic, session_id))
    assert announced["reason"] == "Kursledaren är sjuk."
    ended = bodies(await forum.outbox(ForumBookingCancelled.topic, session_id))
    assert sorted(e["booking_id"] for e in ended) == sorted(b["id"] for b in booked)
    assert {(e["reason"], e["note"]) for e in ended} == {
        ("session_cancelled", "Kursledaren är sjuk.")
    }
    assert again.status_code == 409
    assert late_booking.json()["reason"] == "session_cancelled"
    listed = (await forum.client.get("/api/v1/sessions")).json()["sessions"]
    assert session_id not in {s["id"] for s in listed}


async def test_a_reminder_goes_out_once_even_with_two_forum_processes_racing(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(capacity=10)
    for _ in range(5):
        await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())
    # A day before: move the reminders' due time rather than wait nine days.
    await forum.database["bookings"].update_many(
        {"session_id": session_id},
        {"$set": {"reminder_due_at": datetime.now(UTC) - timedelta(minutes=1)}},
    )

    # A second process on the same database, as a second replica would be.
    async with running_forum(forum.settings) as second:
        await asyncio.gather(forum.jobs.run_once(), second.jobs.run_once(), forum.jobs.run_once())
    await forum.jobs.run_once()  # after a restart, nothing is due again

    reminders = bodies(await forum.outbox(ForumReminderDue.topic, session_id))
    assert len(reminders) == 5
    assert len({r["booking_id"] for r in reminders}) == 5


async def test_the_calendar_feed_lists_upcoming_sessions_in_swedish_time(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule(starts_at="2031-12-01T09:00", ends_at="2031-12-01T10:30")

    feed = await forum.client.get("/calendar.ics")

    calendar = Calendar.from_ical(feed.content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Stockholm"
    (event,) = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(session_id)]
    start = event.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 0, "Europe/Stockholm")
    assert feed.headers["content-type"].startswith("text/calendar")
