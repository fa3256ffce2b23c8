"""End to end with tracing on: one application's trace runs from intake's request to the
effects in council and notify, through the outbox and Kafka."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from digitalwell_devstack.stack import Stack
from tests.support.intake import application_body
from tests.support.otlp import Collector, otlp_collector
from tests.support.stack import running_stack
from tests.support.waiting import until_true

pytestmark = pytest.mark.e2e
TRACED = ("intake", "council", "notify")  # forum consumes only GrantDecided


@pytest.fixture(scope="module")
def collector() -> Iterator[Collector]:
    with otlp_collector() as running:
        yield running


@pytest.fixture(scope="module")
async def stack(collector: Collector) -> AsyncIterator[Stack]:
    """A system of its own, with tracing on, sending spans to the test's collector."""
    tracing = {f"{name.upper()}_OTEL_ENABLED": "true" for name in TRACED}
    tracing |= {
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
        "OTEL_BSP_SCHEDULE_DELAY": "200",  # send spans within a fraction of a second
    }
    async with running_stack(TRACED, env_overrides=tracing) as system:
        yield system


async def test_a_submissions_trace_continues_through_council_and_notify(
    stack: Stack, collector: Collector
) -> None:
    trace_id = secrets.token_hex(16)  # the caller's trace, which intake continues

    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        submitted = await http.post(
            f"{stack.service_url('intake')}/api/v1/applications",
            json=application_body(),
            headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
        )
    assert submitted.status_code == 201, submitted.text
    topic = "intake.application-submitted.v1"

    def applied_by() -> set[str]:
        return {
            span.service for span in collector.in_trace(trace_id) if span.name == f"{topic} apply"
        }

    async def council_and_notify_applied_it() -> bool:
        return applied_by() == {"digitalwell-council", "digitalwell-notify"}

    await until_true(council_and_notify_applied_it, seconds=60)
    spans = collector.in_trace(trace_id)
    (request,) = [span for span in spans if span.name == "POST /api/v1/applications"]
    (created,) = [span for span in spans if span.name == f"{topic} create"]

    assert request.service == "digitalwell-intake"
    assert created.service == "digitalwell-intake"
    assert {span.parent_span_id for span in spans if span.name == f"{topic} apply"} == {
        created.span_id
    }
