"""The README's example subscriber, run as a regional system would run it."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from functools import partial

from digitalwell_ops.broker import create_topics
from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.envelope import Envelope
from tests.support.events import grant_decided
from tests.support.kafka import publish_raw
from tests.support.repository import ROOT
from tests.support.signing import signed_by, signed_by_owner


async def _send(
    bootstrap: str,
    topic: str,
    decision: GrantDecided,
    envelope: Envelope,
    *,
    sign: Callable[..., dict[str, str]] = signed_by_owner,
) -> None:
    """Publish on ``topic`` (a test's own) what council would publish on GrantDecided's topic."""
    body = decision.model_dump_json().encode()
    # Signed for the real topic: the example verifies as a mirror's reader would.
    headers = sign(GrantDecided.topic, decision.key(), body, envelope.to_headers())
    await publish_raw(bootstrap, topic, body, key=decision.key(), headers=headers, sign=False)


async def _publish(bootstrap: str, topic: str) -> tuple[GrantDecided, Envelope]:
    decision = grant_decided(f"app_{uuid.uuid4().hex}")
    envelope = Envelope.for_event(decision, source="/digitalwell/council")
    await _send(bootstrap, topic, decision, envelope)
    return decision, envelope


async def _run(bootstrap: str, topic: str, group: str, max_events: int) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "examples" / "subscriber.py"),
        *("--bootstrap-servers", bootstrap, "--group", group, "--topic", topic),
        *("--max-events", str(max_events)),
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    return output.decode()


async def test_the_example_subscriber_skips_a_redelivery_and_resumes_after_what_it_committed(
    kafka_bootstrap_servers: str,
) -> None:
    topic = f"test-example-{uuid.uuid4().hex[:10]}.v1"
    group = f"test-region-{uuid.uuid4().hex[:8]}"
    await create_topics(kafka_bootstrap_servers, {topic: 1})
    first, first_envelope = await _publish(kafka_bootstrap_servers, topic)
    await _send(kafka_bootstrap_servers, topic, first, first_envelope)  # delivered twice
    second, _ = await _publish(kafka_bootstrap_servers, topic)

    before_restart = await _run(kafka_bootstrap_servers, topic, group, max_events=2)
    third, _ = await _publish(kafka_bootstrap_servers, topic)
    after_restart = await _run(kafka_bootstrap_servers, topic, group, max_events=1)

    assert before_restart.count(first.application_id) == 1
    assert f"{second.case_number} {second.application_id}: granted" in before_restart
    assert f"(event {first_envelope.id}," in before_restart
    assert third.application_id in after_restart
    assert first.application_id not in after_restart
    assert second.application_id not in after_restart


async def test_the_example_subscriber_refuses_a_decision_council_did_not_sign(
    kafka_bootstrap_servers: str,
) -> None:
    topic = f"test-example-{uuid.uuid4().hex[:10]}.v1"
    group = f"test-region-{uuid.uuid4().hex[:8]}"
    await create_topics(kafka_bootstrap_servers, {topic: 1})
    forged = grant_decided(f"app_{uuid.uuid4().hex}")
    forged_envelope = Envelope.for_event(forged, source="/digitalwell/council")
    await _send(
        kafka_bootstrap_servers, topic, forged, forged_envelope, sign=partial(signed_by, "intake")
    )
    genuine, _ = await _publish(kafka_bootstrap_servers, topic)

    output = await _run(kafka_bootstrap_servers, topic, group, max_events=1)

    assert f"refused {forged_envelope.id}: not signed by a published council key" in output
    assert forged.application_id not in output
    assert f"{genuine.application_id}: granted" in output
