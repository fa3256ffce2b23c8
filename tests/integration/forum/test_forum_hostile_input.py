"""Input that cannot hurt forum: control characters refused by field, in the API and the form."""

from __future__ import annotations

import pytest

from tests.support.forum import RunningForum, person, session_body, staff_headers

pytestmark = pytest.mark.integration

HEADER_INJECTION = "Eve\r\nBcc: x@example.net"


async def test_a_booking_name_with_a_line_break_is_refused_naming_the_field(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule()

    response = await forum.client.post(
        f"/api/v1/sessions/{session_id}/bookings", json=person(name=HEADER_INJECTION)
    )

    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", "name"], "single_line")
    ]
    assert "Bcc" not in response.text
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 0


async def test_the_booking_form_answers_422_naming_the_field_in_the_page_language(
    forum: RunningForum,
) -> None:
    session_id = await forum.schedule()

    refused = await forum.client.post(
        f"/sessions/{session_id}/book", data=person(name=HEADER_INJECTION) | {"lang": "en"}
    )

    assert refused.status_code == 422
    assert "Write this on a single line, without control characters." in refused.text
    assert await forum.database["bookings"].count_documents({"session_id": session_id}) == 0


async def test_a_session_keeps_its_description_lines_and_refuses_a_title_or_location_break(
    forum: RunningForum,
) -> None:
    headers = staff_headers(forum.settings)
    bad = session_body(title="Frukost\nBcc: x", location="Sommargatan\u2028101")
    kept = session_body(description="Program:\r\n\t09.00 Kaffe\r\n\t09.30 Samtal")

    refused = await forum.client.post("/api/v1/sessions", json=bad, headers=headers)
    scheduled = await forum.client.post("/api/v1/sessions", json=kept, headers=headers)

    assert refused.status_code == 422
    assert {tuple(e["loc"]) for e in refused.json()["detail"]} == {
        ("body", "title"),
        ("body", "location"),
    }
    assert refused.headers["Cache-Control"] == "no-store"
    assert scheduled.status_code == 201, scheduled.text
    stored = await forum.database["sessions"].find_one({"_id": scheduled.json()["id"]})
    assert stored is not None
    assert stored["description"] == "Program:\n\t09.00 Kaffe\n\t09.30 Samtal"
