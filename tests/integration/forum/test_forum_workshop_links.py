"""A granted application books its workshop by case number, or from its letter's signed link."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from digitalwell_forum.domain import grants_innovation_forum
from digitalwell_forum.records import Grant
from digitalwell_forum.stores import MongoGrantStore
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.links import book_workshop_url
from tests.support.events import grant_decided
from tests.support.forum import RunningForum, person

pytestmark = pytest.mark.integration


def case_number() -> str:
    return f"DW-2026-{uuid.uuid4().int % 10**6:06d}"


async def decided(forum: RunningForum, *kinds: str, decision: str = "granted") -> GrantDecided:
    """A decision on an application of its own case number, as forum keeps it once read.

    Stored as forum's consumer stores it rather than sent through the shared broker: a module
    that runs after test_forum_sessions waits longer than a test should for the consumer group
    (test_forum_bookings reads a GrantDecided from Kafka and checks the case number it keeps).
    """
    event = grant_decided(
        f"app_{uuid.uuid4().hex[:16]}", kinds=kinds, decision=decision, case_number=case_number()
    )
    grant = Grant(
        application_id=event.application_id,
        case_number=event.case_number,
        innovation_forum=grants_innovation_forum(event),
        decided_at=event.decided_at,
    )
    async with forum.database.client.start_session() as transaction:
        await MongoGrantStore(forum.database).record(grant, transaction)
    return event


def workshop_link(forum: RunningForum, event: GrantDecided, **changes: datetime) -> str:
    url = book_workshop_url(
        forum.settings.base_url,
        forum.settings.link_secret.get_secret_value(),
        event.application_id,
        "sv",
        decided_at=changes.get("decided_at", event.decided_at),
    )
    return url.removeprefix(forum.settings.base_url)


async def test_the_case_number_books_a_workshop_as_the_id_does(forum: RunningForum) -> None:
    workshop = await forum.schedule(kind="innovation_forum")
    granted = await decided(forum, "innovation_forum")
    coaching = await decided(forum, "coaching")

    booked = await forum.client.post(
        f"/api/v1/sessions/{workshop}/bookings",
        json=person(application_id=granted.case_number.lower()),
    )
    unknown = await forum.client.post(
        f"/api/v1/sessions/{workshop}/bookings", json=person(application_id="DW-1999-0001")
    )
    not_granted = await forum.client.post(
        f"/api/v1/sessions/{workshop}/bookings",
        json=person(application_id=coaching.case_number),
    )

    assert booked.status_code == 201
    stored = await forum.database["bookings"].find_one({"_id": booked.json()["id"]})
    assert stored is not None
    assert stored["application_id"] == granted.application_id  # the id, whatever was typed
    assert (unknown.status_code, unknown.json()["reason"]) == (422, "unknown_application")
    assert "DW-2026-0001" in unknown.json()["detail"]
    assert (not_granted.status_code, not_granted.json()["reason"]) == (403, "not_granted")


async def test_the_form_names_what_is_wrong_with_the_case_number(forum: RunningForum) -> None:
    workshop = await forum.schedule(kind="innovation_forum")
    coaching = await decided(forum, "coaching")
    form = {"lang": "sv", "name": "Bo Ek", "email": person()["email"], "language": "sv"}

    unknown = await forum.client.post(
        f"/sessions/{workshop}/book", data=form | {"application_id": "DW-1999-0001"}
    )
    not_granted = await forum.client.post(
        f"/sessions/{workshop}/book", data=form | {"application_id": coaching.case_number}
    )

    assert unknown.status_code == 422
    assert "något beslut om en ansökan med det diarienumret" in html.unescape(unknown.text)
    assert 'href="#application_id"' in unknown.text
    assert 'value="DW-1999-0001"' in unknown.text  # what was typed stays
    assert not_granted.status_code == 403
    assert "har inte beviljats en workshop" in html.unescape(not_granted.text)


async def test_the_letters_link_lists_the_workshops_and_fills_in_the_form(
    forum: RunningForum,
) -> None:
    workshop = await forum.schedule(kind="innovation_forum", title="Workshop med regionen")
    breakfast = await forum.schedule(kind="breakfast_meeting", title="Frukost för alla")
    granted = await decided(forum, "innovation_forum")

    listing = await forum.client.get(workshop_link(forum, granted))
    form_link = re.search(rf'href="(/sessions/{workshop}\?[^"#]+)#book"', listing.text)
    assert form_link is not None
    form_page = await forum.client.get(html.unescape(form_link.group(1)))
    booked = await forum.client.post(
        f"/sessions/{workshop}/book",
        data={
            "lang": "sv",
            "name": "Bo Ek",
            "email": person()["email"],
            "language": "sv",
            "application_id": granted.case_number,
        },
    )

    assert listing.status_code == 200
    assert listing.headers["cache-control"] == "no-store"
    assert granted.case_number in listing.text
    assert "Workshop med regionen" in listing.text
    assert breakfast not in listing.text  # only what the grant is for
    assert form_page.status_code == 200
    assert f'name="application_id" value="{granted.case_number}"' in form_page.text
    assert booked.status_code == 303


async def test_a_forged_or_expired_workshop_link_says_so(forum: RunningForum) -> None:
    workshop = await forum.schedule(kind="innovation_forum")
    granted = await decided(forum, "innovation_forum")
    rejected = await decided(forum, decision="rejected")
    long_ago = datetime.now(UTC) - timedelta(days=400)

    forged = await forum.client.get(f"/workshops/{granted.application_id}?token=v2.-.forged")
    expired = await forum.client.get(workshop_link(forum, granted, decided_at=long_ago))
    other = await forum.client.get(
        workshop_link(forum, granted).replace(granted.application_id, rejected.application_id, 1)
    )
    prefilled_forged = await forum.client.get(
        f"/sessions/{workshop}?application={granted.application_id}&token=v2.-.forged"
    )
    rejected_link = await forum.client.get(workshop_link(forum, rejected))

    assert forged.status_code == 403
    assert expired.status_code == 410
    assert other.status_code == 403
    assert prefilled_forged.status_code == 403
    assert rejected_link.status_code == 403
    assert "har inte beviljats en workshop" in html.unescape(rejected_link.text)
