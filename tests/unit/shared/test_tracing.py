"""Trace context in event headers: added when tracing is on, continued by the consumer."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode, Tracer

from digitalwell_shared.runtime import create_runtime
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.tracing import Tracing, event_span


def _tracing() -> tuple[Tracing, Tracer, InMemorySpanExporter]:
    """Tracing on, its spans kept in memory; and a tracer for the test's own spans."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Tracing(provider), provider.get_tracer("test"), exporter


def _trace_id(traceparent: str) -> int:
    return int(traceparent.split("-")[1], 16)


def _span_id(traceparent: str) -> int:
    return int(traceparent.split("-")[2], 16)


def _middlewares(settings: ServiceSettings) -> tuple[Tracing, list[str]]:
    runtime = create_runtime("intake", settings)
    return runtime.tracing, [type(middleware).__name__ for middleware in runtime.broker.middlewares]


def test_tracing_is_off_unless_the_setting_turns_it_on() -> None:
    tracing, middlewares = _middlewares(ServiceSettings(mongodb_database="test", http_port=0))

    assert tracing.enabled is False
    assert "KafkaTelemetryMiddleware" not in middlewares


def test_the_setting_traces_kafka_and_exports_under_the_services_name() -> None:
    tracing, middlewares = _middlewares(
        ServiceSettings(mongodb_database="test", http_port=0, otel_enabled=True)
    )

    assert tracing.provider is not None
    assert tracing.provider.resource.attributes["service.name"] == "digitalwell-intake"
    assert "KafkaTelemetryMiddleware" in middlewares


def test_with_tracing_off_no_trace_context_is_added_even_inside_a_span() -> None:
    _, tracer, _ = _tracing()
    headers: dict[str, str] = {}
    with tracer.start_as_current_span("request"):
        Tracing().inject(headers, causation_id=None)

    assert headers == {}


def test_with_tracing_on_the_current_span_goes_into_the_headers() -> None:
    tracing, tracer, _ = _tracing()
    headers: dict[str, str] = {}
    with tracer.start_as_current_span("request") as span:
        tracing.inject(headers, causation_id="a-request-id")

    assert _trace_id(headers["traceparent"]) == span.get_span_context().trace_id
    assert _span_id(headers["traceparent"]) == span.get_span_context().span_id


def test_an_applied_event_continues_the_trace_it_was_published_in() -> None:
    tracing, tracer, exporter = _tracing()
    published: dict[str, str] = {}
    with tracer.start_as_current_span("publisher") as publisher:
        tracing.inject(published, causation_id=None)

    with (
        tracing.applying("a.topic.v1", [("event-1", published, {"messaging.system": "kafka"})]),
        event_span("event-1"),
    ):
        current = trace.get_current_span()

    (applied,) = exporter.get_finished_spans()[1:]
    assert applied.name == "a.topic.v1 apply"
    assert applied.context is not None
    assert applied.parent is not None
    assert applied.context.trace_id == publisher.get_span_context().trace_id
    assert applied.parent.span_id == publisher.get_span_context().span_id
    assert current.get_span_context() == applied.context


def test_an_event_caused_by_one_of_a_batch_continues_its_causes_trace() -> None:
    tracing, tracer, exporter = _tracing()
    first: dict[str, str] = {}
    second: dict[str, str] = {}
    with tracer.start_as_current_span("first request"):
        tracing.inject(first, causation_id=None)
    with tracer.start_as_current_span("second request"):
        tracing.inject(second, causation_id=None)

    caused: dict[str, str] = {}
    # A batch effect handles both events in one call: the cause picks the trace, not the order.
    with tracing.applying("a.topic.v1", [("event-1", first, {}), ("event-2", second, {})]):
        tracing.inject(caused, causation_id="event-1")

    (first_applied,) = [
        span
        for span in exporter.get_finished_spans()
        if span.parent is not None and span.parent.span_id == _span_id(first["traceparent"])
    ]
    assert first_applied.context is not None
    assert _trace_id(caused["traceparent"]) == _trace_id(first["traceparent"])
    assert _span_id(caused["traceparent"]) == first_applied.context.span_id


def test_a_failed_effect_marks_the_spans_of_its_events_as_failed() -> None:
    tracing, _, exporter = _tracing()

    with (
        pytest.raises(RuntimeError),
        tracing.applying("a.topic.v1", [("event-1", {}, {}), ("event-2", {}, {})]),
    ):
        raise RuntimeError("the database went away")

    spans = exporter.get_finished_spans()
    assert len(spans) == 2
    assert all(span.status.status_code is StatusCode.ERROR for span in spans)


def test_the_relay_publishes_in_the_context_an_event_was_written_in() -> None:
    tracing, tracer, _ = _tracing()
    stored: dict[str, str] = {}
    with tracer.start_as_current_span("request") as request:
        tracing.inject(stored, causation_id=None)

    with tracing.publishing(stored):
        during_publish = trace.get_current_span().get_span_context()

    assert during_publish.trace_id == request.get_span_context().trace_id
    assert not trace.get_current_span().get_span_context().is_valid
