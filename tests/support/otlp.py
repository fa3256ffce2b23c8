"""A small OTLP/HTTP trace receiver, so a test can read the spans services send to a collector."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)


@dataclass(frozen=True)
class ReceivedSpan:
    """One span as a collector received it, with the service that sent it."""

    service: str
    trace_id: str
    span_id: str
    parent_span_id: str
    name: str


@dataclass
class Collector:
    """Where the services send their spans (``endpoint``), and what they sent."""

    endpoint: str
    _spans: list[ReceivedSpan] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, spans: list[ReceivedSpan]) -> None:
        """Keep spans the server thread decoded."""
        with self._lock:
            self._spans.extend(spans)

    def in_trace(self, trace_id: str) -> list[ReceivedSpan]:
        """The spans of one trace received so far."""
        with self._lock:
            return [span for span in self._spans if span.trace_id == trace_id]


def _decode(body: bytes) -> list[ReceivedSpan]:
    request = ExportTraceServiceRequest()
    request.ParseFromString(body)
    spans = []
    for resource_spans in request.resource_spans:
        attributes = {
            item.key: item.value.string_value for item in resource_spans.resource.attributes
        }
        for scope_spans in resource_spans.scope_spans:
            spans.extend(
                ReceivedSpan(
                    service=attributes.get("service.name", ""),
                    trace_id=span.trace_id.hex(),
                    span_id=span.span_id.hex(),
                    parent_span_id=span.parent_span_id.hex(),
                    name=span.name,
                )
                for span in scope_spans.spans
            )
    return spans


@contextmanager
def otlp_collector(host: str = "127.0.0.1") -> Iterator[Collector]:
    """Receive OTLP/HTTP traces (protobuf) on a free port while the block runs."""

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            collector.received(_decode(self.rfile.read(length)))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
            """Quiet: a test's output is for what went wrong."""

    server = ThreadingHTTPServer((host, 0), Receiver)
    collector = Collector(endpoint=f"http://{host}:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, name="otlp-collector", daemon=True)
    thread.start()
    try:
        yield collector
    finally:
        server.shutdown()
        server.server_close()
