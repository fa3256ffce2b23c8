"""A GrantDecided that council did not sign changes nothing in intake: it is a dead letter."""

from __future__ import annotations

import pytest

from digitalwell_shared.contracts import GrantDecided, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from tests.support.events import grant_decided
from tests.support.intake import RunningIntake, application_body
from tests.support.kafka import collect, headers_of, publish_raw
from tests.support.signing import forged

pytestmark = pytest.mark.integration


async def test_forged_unsigned_and_tampered_decisions_are_dead_letters_and_change_nothing(
    intake: RunningIntake, intake_kafka: str
) -> None:
    response = await intake.client.post("/api/v1/applications", json=application_body())
    assert response.status_code == 201
    application = response.json()
    decision = grant_decided(application["id"], decision="rejected")
    headers = Envelope.for_event(decision, source="/digitalwell/council").to_headers()
    forgeries = forged(
        GrantDecided.topic, decision.key(), decision.model_dump_json().encode(), headers
    )

    for body, forged_headers, _reason in forgeries.values():
        await publish_raw(
            intake_kafka,
            GrantDecided.topic,
            body,
            key=decision.key(),
            headers=forged_headers,
            sign=False,
        )

    ids = {forged_headers["ce_id"]: reason for _, forged_headers, reason in forgeries.values()}
    dead = await collect(
        intake_kafka,
        dead_letter_topic(GrantDecided.topic),
        matching=lambda record: (
            headers_of(record).get("ce_id") in ids
            and headers_of(record).get("dlq_consumer_group") == "intake"
        ),
        count=len(ids),
    )
    reasons = {headers_of(record)["ce_id"]: headers_of(record)["dlq_error"] for record in dead}
    assert set(reasons) == set(ids)
    for event_id, words in ids.items():
        assert words in reasons[event_id]
        assert (
            headers_of(next(r for r in dead if headers_of(r)["ce_id"] == event_id))[
                "dlq_error_type"
            ]
            == "SignatureError"
        )
    assert await intake.count("inbox", {"_id": {"$in": [f"intake:{i}" for i in ids]}}) == 0
    view = (await intake.client.get(application["status_url"])).json()
    assert view["status"] == "submitted"
    assert [item["kind"] for item in view["timeline"]] == ["submitted"]
