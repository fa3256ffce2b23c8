"""OpenTelemetry tracing, off unless a service's ``<PREFIX>OTEL_ENABLED`` turns it on.

When on, a service sends its spans to the OTLP/HTTP endpoint the SDK reads from the standard
``OTEL_*`` variables; FastStream's middleware traces publishing and consuming, FastAPI's
instrumentation traces requests, and the W3C ``traceparent``/``tracestate`` headers travel in
every event. The outbox stores them with the event, so the relay publishes it later in the
context it was written in, and a consumer applies each event in a span that continues it: one
application's trace goes from intake's request through every service it reaches.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING

from opentelemetry import context, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes

if TYPE_CHECKING:
    from fastapi import FastAPI

# Only W3C trace context travels in events (not baggage): the headers the contract names.
_W3C = TraceContextTextMapPropagator()
# The spans of the events a consumer is applying now, by event id: an event that one of them
# caused continues its trace, even when one batch effect handles many events in one call.
_applying: ContextVar[Mapping[str, Span] | None] = ContextVar("digitalwell_applying", default=None)
_NOT_TRACED = "/healthz$,/readyz$,/metrics$"  # probes and scrapes: noise, not requests


class Tracing:
    """A service's tracer, or none: every method does nothing while tracing is off."""

    def __init__(self, provider: TracerProvider | None = None) -> None:
        self.provider = provider
        self._tracer = provider.get_tracer(__name__) if provider is not None else None

    @classmethod
    def export_to_otlp(cls, service: str) -> Tracing:
        """Spans batched to the OTLP/HTTP endpoint the SDK's standard ``OTEL_*`` variables name."""
        # Imported only when tracing is on: the exporter takes a tenth of a second to import.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        resource = Resource.create({SERVICE_NAME: f"digitalwell-{service}"})
        # The provider sends what is still buffered when the process exits (shutdown_on_exit).
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        return cls(provider)

    @property
    def enabled(self) -> bool:
        """True when spans are recorded and trace context goes out with events."""
        return self.provider is not None

    def instrument(self, app: FastAPI) -> None:
        """Trace the app's requests, continuing a caller's ``traceparent``."""
        if self.provider is None:
            return
        # Imported only when tracing is on, like the exporter.
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor  # noqa: PLC0415

        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=self.provider,
            excluded_urls=_NOT_TRACED,
            exclude_spans=["receive", "send"],  # one span per request, not per ASGI message
        )

    def inject(self, headers: MutableMapping[str, str], *, causation_id: str | None) -> None:
        """Add the trace context an event is written in to its headers.

        That is the span of its cause, when the cause is an event being applied now (a batch
        effect handles many at once), else the current span: the request's, say.
        """
        if self.provider is None:
            return
        cause = _applying.get() or {}
        span = cause.get(causation_id) if causation_id is not None else None
        _W3C.inject(headers, context=trace.set_span_in_context(span) if span is not None else None)

    def publishing(self, headers: Mapping[str, str]) -> AbstractContextManager[object]:
        """Make the context stored with an event current while the relay publishes it.

        FastStream's middleware then starts its producer spans in that context and sends their
        ``traceparent`` with the event, in place of the stored one: the same trace, one step on.
        """
        if self.provider is None:
            return nullcontext()
        return _attached(_W3C.extract(headers))

    @contextmanager
    def applying(
        self, topic: str, events: Sequence[tuple[str, Mapping[str, str], Attributes]]
    ) -> Iterator[None]:
        """A span for each of ``events`` (event id, headers, attributes) while they are applied.

        Each span's parent is the context its event was published in; each links to the span
        of the whole batch (FastStream's, current now). ``event_span`` makes one of them current
        for an effect that takes one event at a time.
        """
        if self._tracer is None:
            yield
            return
        batch = trace.get_current_span().get_span_context()
        links = [Link(batch)] if batch.is_valid else []
        spans = {
            event_id: self._tracer.start_span(
                f"{topic} apply",
                context=_W3C.extract(headers),
                kind=SpanKind.CONSUMER,
                attributes=attributes,
                links=links,
            )
            for event_id, headers, attributes in events
        }
        token = _applying.set(spans)
        try:
            yield
        except Exception as error:
            # The events of one transaction fail together: none of them took effect.
            for span in spans.values():
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
            raise
        finally:
            _applying.reset(token)
            for span in spans.values():
                span.end()


def event_span(event_id: str) -> AbstractContextManager[object]:
    """Make the span of an event being applied the current one, while its effect runs."""
    span = (_applying.get() or {}).get(event_id)
    if span is None:
        return nullcontext()
    # ``applying`` records a failure on every span of the transaction, and ends them.
    return trace.use_span(span, record_exception=False, set_status_on_exception=False)


@contextmanager
def _attached(parent: context.Context) -> Iterator[None]:
    token = context.attach(parent)
    try:
        yield
    finally:
        context.detach(token)
