"""One trace from a request through the outbox, Kafka and the next service's effect."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
from fastapi import APIRouter
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.tracing import Tracing
from tests.support.events import application_submitted
from tests.support.kafka import collect, headers_of
from tests.support.runtime import app_of, make_runtime, running
from tests.support.waiting import until_true

TOPIC = ApplicationSubmitted.topic
CALLERS_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def _in_memory(exporter: InMemorySpanExporter) -> TracerProvider:
    """A tracer provider that keeps its spans in memory instead of sending them to a collector."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def _trace_id(traceparent: str) -> int:
    return int(traceparent.split("-")[1], 16)


async def _submit(runtime: Runtime, event: ApplicationSubmitted) -> Envelope:
    envelope = runtime.envelope_for(event)

    async def write(_transaction: Transaction) -> Written[None]:
        return Written(None, [(event, envelope)])

    await runtime.commit_with_events(write)
    return envelope


async def _stored_headers(runtime: Runtime, envelope: Envelope) -> dict[str, str]:
    entry = await runtime.database["outbox"].find_one({"event_id": envelope.id})
    assert entry is not None
    return dict(entry["headers"])


async def test_an_event_written_in_a_span_is_stored_with_that_spans_trace_context(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    provider = _in_memory(InMemorySpanExporter())
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, tracing=Tracing(provider))
    tracer = provider.get_tracer("test")

    with tracer.start_as_current_span("submit") as span:
        envelope = await _submit(runtime, application_submitted())
    headers = await _stored_headers(runtime, envelope)

    assert _trace_id(headers["traceparent"]) == span.get_span_context().trace_id


async def test_an_event_written_in_a_request_continues_the_callers_trace(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    provider = _in_memory(InMemorySpanExporter())
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, tracing=Tracing(provider))
    written: list[Envelope] = []
    router = APIRouter()

    @router.post("/submit")
    async def submit() -> dict[str, str]:
        written.append(await _submit(runtime, application_submitted()))
        return {"status": "submitted"}

    app = app_of(runtime, routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/submit", headers={"traceparent": f"00-{CALLERS_TRACE_ID}-00f067aa0ba902b7-01"}
        )
    headers = await _stored_headers(runtime, written[0])

    assert response.status_code == 200
    assert _trace_id(headers["traceparent"]) == int(CALLERS_TRACE_ID, 16)


async def test_with_tracing_off_events_go_out_without_trace_context(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    event = application_submitted()

    async with running(runtime):
        envelope = await _submit(runtime, event)
        records = await collect(
            kafka_bootstrap_servers,
            TOPIC,
            matching=lambda record: record.key == event.application_id.encode(),
            count=1,
        )
        stored = await _stored_headers(runtime, envelope)

    assert runtime.tracing.enabled is False
    assert "traceparent" not in stored
    assert len(records) == 1
    assert "traceparent" not in headers_of(records[0])
    assert "tracestate" not in headers_of(records[0])


async def test_one_trace_follows_an_event_through_the_next_service_and_what_it_causes(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    exporter = InMemorySpanExporter()
    intake = make_runtime(
        kafka_bootstrap_servers,
        mongodb_url,
        publishes=(ApplicationSubmitted,),
        tracing=Tracing(_in_memory(exporter)),
    )
    council = make_runtime(
        kafka_bootstrap_servers,
        mongodb_url,
        publishes=(ApplicationSubmitted,),
        tracing=Tracing(_in_memory(exporter)),
    )
    first = application_submitted()
    # council's effect answers the first event with one of its own: the next hop of the trace.
    answer = application_submitted().model_copy(update={"title": f"answer to {first.title}"})

    @council.consume_batch(ApplicationSubmitted, description="answers the first event")
    async def respond(
        items: Sequence[tuple[ApplicationSubmitted, Envelope]], transaction: Transaction
    ) -> None:
        caused = [
            (answer, envelope.caused(answer, source=council.source))
            for event, envelope in items
            if event.application_id == first.application_id
        ]
        await council.outbox.add(caused, transaction)

    tracer = _in_memory(exporter).get_tracer("test")
    async with running(intake), running(council):
        with tracer.start_as_current_span("submit") as submitted:
            await _submit(intake, first)
        trace_id = submitted.get_span_context().trace_id

        def applied() -> list[ReadableSpan]:
            return [
                span
                for span in exporter.get_finished_spans()
                if span.name == f"{TOPIC} apply"
                and span.context is not None
                and span.context.trace_id == trace_id
            ]

        async def both_applied() -> bool:
            return len(applied()) == 2

        await until_true(both_applied)
        answered = await council.database["outbox"].find_one({"key": answer.application_id})

    applied_ids = {span.attributes["messaging.message.id"] for span in applied() if span.attributes}
    assert answered is not None
    assert _trace_id(answered["headers"]["traceparent"]) == trace_id
    assert answered["event_id"] in applied_ids  # council applied its own answer in the same trace
