"""Dead letters say what was wrong with an event, never what it held: on the real broker."""

from __future__ import annotations

import json
import uuid

import pytest

from digitalwell_shared.contracts import ApplicationSubmitted, dead_letter_topic
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from tests.support.events import application_submitted
from tests.support.kafka import collect, headers_of, publish_raw
from tests.support.logs import captured_logs
from tests.support.runtime import make_runtime, running
from tests.support.waiting import until_true

TOPIC = ApplicationSubmitted.topic


async def test_a_dead_letter_names_fields_and_rules_but_not_the_events_personal_data(
    kafka_bootstrap_servers: str, mongodb_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    key = f"private-{uuid.uuid4().hex}"
    event = application_submitted(application_id=key)
    email, phone = event.contact.email, event.contact.phone
    # Two faults whose pydantic text repeats the input: a wrong type and a missing field.
    invalid = json.loads(event.model_dump_json())
    invalid["contact"]["name"] = [event.contact.name]
    del invalid["title"]
    # And a handler whose error message quotes the contact.
    failing = event.model_copy(update={"application_id": f"{key}-x", "title": "fails"})
    headers = Envelope.for_event(event, source="/test").to_headers()

    with captured_logs(capsys, "test") as logs:
        runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)

        @runtime.consume(ApplicationSubmitted, description="test effect")
        async def refuse(event: ApplicationSubmitted, _envelope: Envelope, _: Transaction) -> None:
            raise RuntimeError(f"no mailbox {event.contact.email} (phone {event.contact.phone})")

        async with running(runtime):
            for value, ce_id in (
                (json.dumps(invalid).encode(), f"{key}-invalid"),
                (failing.model_dump_json().encode(), f"{key}-failing"),
            ):
                await publish_raw(
                    kafka_bootstrap_servers,
                    TOPIC,
                    value,
                    key=key,
                    headers=headers | {"ce_id": ce_id},
                )
            dead = await collect(
                kafka_bootstrap_servers,
                dead_letter_topic(TOPIC),
                matching=lambda record: record.key == key.encode(),
                count=2,
            )
            await until_true(lambda: logs.has("event dead-lettered", count=2))

    errors = {headers_of(record)["ce_id"]: headers_of(record)["dlq_error"] for record in dead}
    assert set(errors) == {f"{key}-invalid", f"{key}-failing"}
    assert "contact.name: Input should be a valid string [string_type]" in errors[f"{key}-invalid"]
    assert "title: Field required [missing]" in errors[f"{key}-invalid"]
    assert errors[f"{key}-failing"] == "no mailbox [redacted] (phone [redacted])"
    # This test's two only: the new group reads the topic from its beginning, where earlier
    # tests left poison events that it dead-letters too.
    ours = {
        (int(headers_of(r)["dlq_original_partition"]), int(headers_of(r)["dlq_original_offset"]))
        for r in dead
    }
    logged = [
        line
        for line in logs.lines
        if line["event"] == "event dead-lettered" and (line["partition"], line["offset"]) in ours
    ]
    assert {line["error"] for line in logged} == set(errors.values())
    for text in (*errors.values(), logs.text):
        for personal in (email, phone, event.contact.name):
            assert personal not in text
    # The dead letter is the event as it came, so a replay after a fix still has everything.
    assert {record.value for record in dead} == {
        json.dumps(invalid).encode(),
        failing.model_dump_json().encode(),
    }
