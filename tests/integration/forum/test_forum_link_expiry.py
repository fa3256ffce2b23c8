"""A booking's signed links work until a grace after its session, then say they have expired."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from digitalwell_shared.links import (
    ACCEPT_SEAT,
    CANCEL_BOOKING,
    accept_seat_url,
    cancel_booking_url,
    link_token,
)
from tests.support.forum import RunningForum, person

pytestmark = pytest.mark.integration

BOOKING_CALENDAR = "booking-calendar"


def path_of(url: str, forum: RunningForum) -> str:
    return url.removeprefix(forum.settings.base_url)


def secret_of(forum: RunningForum) -> str:
    return forum.settings.link_secret.get_secret_value()


def v1_token(secret: str, purpose: str, subject: str) -> str:
    """A token as links were signed before they carried an expiry (in e-mails already sent)."""
    message = b"digitalwell-link:v1:" + purpose.encode() + b"\x1f" + subject.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


async def booked(forum: RunningForum) -> tuple[str, dict[str, str], datetime]:
    """A new booking: its id, its links from the API answer, and its session's end."""
    session_id = await forum.schedule()
    answer = await forum.client.post(f"/api/v1/sessions/{session_id}/bookings", json=person())
    assert answer.status_code == 201, answer.text
    session = (await forum.client.get(f"/api/v1/sessions/{session_id}")).json()
    ends_at = datetime.fromisoformat(session["ends_at"])
    return answer.json()["id"], answer.json(), ends_at


def expiry_of(url: str) -> datetime:
    token = parse_qs(urlsplit(url).query)["token"][0]
    _, expiry, _ = token.split(".")
    return datetime.fromtimestamp(int(expiry), UTC)


async def test_a_bookings_links_work_until_the_grace_after_its_session_ends(
    forum: RunningForum,
) -> None:
    booking_id, links, ends_at = await booked(forum)
    grace = timedelta(hours=forum.settings.booking_link_grace_hours)

    page = await forum.client.get(path_of(links["booking_url"], forum))
    calendar = await forum.client.get(path_of(links["calendar_url"], forum))

    assert expiry_of(links["booking_url"]) == ends_at + grace
    assert expiry_of(links["calendar_url"]) == ends_at + grace
    assert page.status_code == 200
    assert calendar.status_code == 200
    assert booking_id in links["booking_url"]


async def test_an_expired_booking_link_gets_a_page_that_says_so_in_both_languages(
    forum: RunningForum,
) -> None:
    booking_id, _, _ = await booked(forum)
    secret, base = secret_of(forum), forum.settings.base_url
    # As notify writes them for a session that ended, and its grace, an hour ago.
    gone = datetime.now(UTC) - timedelta(hours=1)
    cancel = cancel_booking_url(base, secret, booking_id, expires_at=gone)
    accept = accept_seat_url(base, secret, booking_id, expires_at=gone)
    token = parse_qs(urlsplit(cancel).query)["token"][0]
    calendar_token = link_token(secret, BOOKING_CALENDAR, booking_id, expires_at=gone)

    swedish = await forum.client.get(path_of(cancel, forum))
    english = await forum.client.get(path_of(cancel, forum) + "&lang=en")
    offer = await forum.client.get(path_of(accept, forum))
    cancelling = await forum.client.post(
        f"/bookings/{booking_id}/cancel", data={"token": token, "lang": "sv"}
    )
    api = await forum.client.get(f"/api/v1/bookings/{booking_id}", params={"token": token})
    api_cancel = await forum.client.post(
        f"/api/v1/bookings/{booking_id}/cancel", params={"token": token}
    )
    calendar = await forum.client.get(
        f"/bookings/{booking_id}.ics", params={"token": calendar_token}
    )
    still_booked = await forum.database["bookings"].find_one({"_id": booking_id})

    assert swedish.status_code == 410
    assert "Länken har gått ut" in swedish.text
    assert '<html lang="sv"' in swedish.text
    assert english.status_code == 410
    assert "This link has expired" in english.text
    assert offer.status_code == 410
    assert cancelling.status_code == 410
    assert api.status_code == 410
    assert "expired" in api.json()["detail"]
    assert api_cancel.status_code == 410
    assert calendar.status_code == 410
    assert still_booked is not None
    assert still_booked["status"] == "confirmed"  # nothing was done through the expired link


async def test_a_forged_or_moved_expiry_is_refused_as_invalid_not_expired(
    forum: RunningForum,
) -> None:
    booking_id, links, _ = await booked(forum)
    token = parse_qs(urlsplit(links["booking_url"]).query)["token"][0]
    _, _expiry, mac = token.split(".")
    moved = f"v2.{int(datetime.now(UTC).timestamp()) + 10 * 365 * 86400}.{mac}"

    answer = await forum.client.get(f"/bookings/{booking_id}/cancel", params={"token": moved})
    api = await forum.client.get(f"/api/v1/bookings/{booking_id}", params={"token": moved})

    assert answer.status_code == 403
    assert "Länken fungerar inte" in answer.text
    assert api.status_code == 403


async def test_a_link_sent_before_links_expired_still_opens_the_booking(
    forum: RunningForum,
) -> None:
    booking_id, _, _ = await booked(forum)
    secret = secret_of(forum)

    page = await forum.client.get(
        f"/bookings/{booking_id}/cancel",
        params={"token": v1_token(secret, CANCEL_BOOKING, booking_id)},
    )
    api = await forum.client.get(
        f"/api/v1/bookings/{booking_id}",
        params={"token": v1_token(secret, ACCEPT_SEAT, booking_id)},
    )

    assert page.status_code == 200
    assert api.status_code == 200
