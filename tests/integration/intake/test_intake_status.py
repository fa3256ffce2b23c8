"""An application's status and timeline: from what intake stores and the decisions it consumes."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.links import book_workshop_url
from tests.support.events import grant_decided
from tests.support.intake import RunningIntake, application_body
from tests.support.kafka import publish_raw
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

# The first event after a consumer group forms waits for the group to join (Tansu: 5-15 s).
DECISION_SECONDS = 90.0


async def _submit(intake: RunningIntake, **changes: Any) -> dict[str, Any]:
    response = await intake.client.post("/api/v1/applications", json=application_body(**changes))
    assert response.status_code == 201
    result: dict[str, Any] = response.json()
    return result


def _decision(application_id: str, decision: str = "granted") -> GrantDecided:
    return grant_decided(
        application_id,
        decision=decision,
        kinds=("coaching",),
        note="tio timmar",
        motivation="Ekonomiskt hållbar och passar kommunernas system.",
    )


async def _publish(bootstrap_servers: str, event: GrantDecided, envelope: Envelope) -> None:
    await publish_raw(
        bootstrap_servers,
        GrantDecided.topic,
        event.model_dump_json().encode(),
        key=event.application_id,
        headers=envelope.to_headers(),
    )


def _envelope(event: GrantDecided) -> Envelope:
    return Envelope.for_event(event, source="/digitalwell/council")


async def _handled(intake: RunningIntake, envelope: Envelope) -> bool:
    return await intake.database["inbox"].find_one({"_id": f"intake:{envelope.id}"}) is not None


async def test_a_new_application_shows_as_submitted_without_personal_data(
    intake: RunningIntake,
) -> None:
    body = application_body()
    submitted = await intake.client.post("/api/v1/applications", json=body)

    response = await intake.client.get(submitted.headers["Location"])

    view = response.json()
    assert response.status_code == 200
    assert view["status"] == "submitted"
    assert view["title"] == body["title"]
    assert view["organisation_name"] == body["organisation"]["name"]
    assert [item["kind"] for item in view["timeline"]] == ["submitted"]
    text = response.text
    for personal in (body["contact"]["email"], body["contact"]["name"], "+46701234567"):
        assert personal not in text


@pytest.mark.parametrize("application_id", ["app_aaaaaaaaaaaaaaaaaaaaaaaa", "nonsense", "app_"])
async def test_an_unknown_id_is_a_clear_404(intake: RunningIntake, application_id: str) -> None:
    response = await intake.client.get(f"/api/v1/applications/{application_id}")
    page = await intake.client.get(f"/applications/{application_id}", params={"lang": "en"})

    assert response.status_code == 404
    assert "No application has this id" in response.json()["detail"]
    assert page.status_code == 404
    assert "Application not found" in page.text


async def test_a_decision_from_the_council_shows_in_status_and_timeline_once(
    intake: RunningIntake, intake_kafka: str
) -> None:
    application = await _submit(intake)
    decided = _decision(application["id"])
    envelope = _envelope(decided)
    later = _decision(application["id"], "rejected")  # a second decision is not taken
    later_envelope = _envelope(later)

    await _publish(intake_kafka, decided, envelope)
    await _publish(intake_kafka, decided, envelope)  # redelivered: the inbox skips it
    await _publish(intake_kafka, later, later_envelope)
    # One key, one partition: once the last is handled, so are the two before it.
    await until_true(lambda: _handled(intake, later_envelope), seconds=DECISION_SECONDS)

    view = (await intake.client.get(application["status_url"])).json()
    assert view["status"] == "granted"
    assert [item["kind"] for item in view["timeline"]] == ["submitted", "decided"]
    decision = view["timeline"][1]
    assert decision["decision"] == "granted"
    assert decision["support_granted"] == [{"kind": "coaching", "note": "tio timmar"}]
    assert decision["motivation"] == decided.motivation
    page = await intake.client.get(application["status_page_url"])
    assert "Beviljad" in page.text
    assert "tio timmar" in page.text
    token_url = application["withdraw_url"]
    too_late = await intake.client.post(token_url, json={"reason": "för sent"})
    assert too_late.status_code == 409
    assert "granted" in too_late.json()["detail"]
    # The receipt's link: the decision has ended it, and the page says so in the layout.
    expired = await intake.client.get(application["withdraw_page_url"])
    expired_en = await intake.client.get(
        re.sub(r"lang=\w+", "lang=en", application["withdraw_page_url"])
    )
    assert expired.status_code == 410
    assert "Länken har gått ut" in expired.text
    assert "har fattat beslut om ansökan" in expired.text
    assert expired_en.status_code == 410
    assert "This link has expired" in expired_en.text


async def test_the_status_page_says_how_long_assessment_takes_then_links_to_the_workshop(
    intake: RunningIntake, intake_kafka: str
) -> None:
    application = await _submit(intake)
    waiting_sv = await intake.client.get(application["status_page_url"])
    waiting_en = await intake.client.get(application["status_page_url"], params={"lang": "en"})
    decided = grant_decided(application["id"], kinds=("innovation_forum", "coaching"))
    envelope = _envelope(decided)
    await _publish(intake_kafka, decided, envelope)
    await until_true(lambda: _handled(intake, envelope), seconds=DECISION_SECONDS)

    view = (await intake.client.get(application["status_url"])).json()
    page = await intake.client.get(application["status_page_url"])

    # INTAKE_ASSESSMENT_WEEKS is 6 by default: said in words, in each language.
    assert "brukar ta ungefär sex veckor" in waiting_sv.text
    assert "usually takes about six weeks" in waiting_en.text
    assert "/workshops/" not in waiting_sv.text  # nothing to book before a grant
    secret = intake.settings.link_secret.get_secret_value()
    expected = book_workshop_url(
        intake.settings.forum_url, secret, application["id"], decided_at=decided.decided_at
    )
    assert view["workshop_booking_url"] == expected
    assert html.escape(f"{expected}&lang=sv") in page.text  # the letter's link, in Swedish
    assert "Boka din workshop i Innovationsforum" in page.text
    assert "sex veckor" not in page.text  # assessed: no more waiting to tell of


async def test_a_grant_without_a_workshop_or_a_long_past_one_has_no_booking_link(
    intake: RunningIntake, intake_kafka: str
) -> None:
    coaching, old = await _submit(intake), await _submit(intake)
    long_ago = datetime.now(UTC) - timedelta(days=400)
    events = [
        grant_decided(coaching["id"], kinds=("coaching",)),
        grant_decided(old["id"], kinds=("innovation_forum",), decided_at=long_ago),
    ]
    for event in events:
        envelope = _envelope(event)
        await _publish(intake_kafka, event, envelope)
        await until_true(
            lambda envelope=envelope: _handled(intake, envelope), seconds=DECISION_SECONDS
        )

    for application in (coaching, old):
        view = (await intake.client.get(application["status_url"])).json()
        assert view["status"] == "granted"
        assert "workshop_booking_url" not in view  # None is left out, as elsewhere


async def test_a_decision_about_an_unknown_application_is_marked_handled_and_skipped(
    intake: RunningIntake, intake_kafka: str
) -> None:
    stranger = _decision(f"app_{uuid.uuid4().hex[:24]}")
    envelope = _envelope(stranger)

    await _publish(intake_kafka, stranger, envelope)

    await until_true(lambda: _handled(intake, envelope), seconds=DECISION_SECONDS)
    assert await intake.count("applications", {"_id": stranger.application_id}) == 0
