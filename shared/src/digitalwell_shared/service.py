"""The skeleton every service shares: broker, database, outbox relay, HTTP app, health and metrics.

``create_runtime`` builds the parts without I/O; ``create_http_app`` wires them
into a FastAPI app whose lifespan connects, starts the consumers and the relay,
and on shutdown lets in-flight work finish before it closes anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, KafkaMessage, KafkaRouter
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from faststream.specification import AsyncAPI, get_asyncapi_html
from faststream.types import BrokerMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from digitalwell_shared.api_docs import add_api_docs
from digitalwell_shared.committing import Written
from digitalwell_shared.consumer import BatchConsumer, Consumption, DeadLetterPolicy
from digitalwell_shared.contracts import IntegrationEvent, Language
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.error_pages import http_error_handler
from digitalwell_shared.http_guard import BodySizeLimit, ResponseHeaders, validation_error_handler
from digitalwell_shared.inbox import Inbox
from digitalwell_shared.kafka_client import METADATA_MAX_AGE_MS, refuse_topic_auto_creation
from digitalwell_shared.kafka_security import broker_security
from digitalwell_shared.landing import landing_page
from digitalwell_shared.logging import OutageLog, configure_logging, get_logger
from digitalwell_shared.metrics import ConsumerMetrics, LagMetrics, OutboxMetrics
from digitalwell_shared.mongo import Client, Database, Transaction, create_client, in_transaction
from digitalwell_shared.outbox import Outbox, OutboxRelay
from digitalwell_shared.readiness import ReadinessProbe, connect_broker
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.site import CORRELATION_SCOPE_KEY, server_error_handler
from digitalwell_shared.staff import StaffAuth, StaffPageRefusal, page_refusal_handler
from digitalwell_shared.throttle import Throttle
from digitalwell_shared.tracing import Tracing

log = get_logger(__name__)
E = TypeVar("E", bound=IntegrationEvent)
T = TypeVar("T")
Effect = Callable[[E, Envelope, Transaction], Awaitable[None]]
BatchEffect = Callable[[Sequence[tuple[E, Envelope]], Transaction], Awaitable[None]]
CORRELATION_HEADER = "X-Correlation-ID"
# Short, so a scrape during an outage answers in seconds (each hook waits this at most).
_SCRAPE_QUERY_SECONDS = 1.0
_SCRAPE_OUTAGE = OutageLog(log, "refreshing metrics")


async def _leave_undecoded(_message: Any) -> dict[str, Any]:
    """FastStream's decoder for our consumer: nothing, since the handler reads the records."""
    return {}


@dataclass
class Runtime:
    """A service's connections and plumbing, created without I/O."""

    name: str
    settings: ServiceSettings
    broker: KafkaBroker
    router: KafkaRouter
    mongo: Client
    database: Database
    outbox: Outbox
    relay: OutboxRelay
    registry: CollectorRegistry
    dead_letters: DeadLetterPolicy
    staff: StaffAuth
    tracing: Tracing
    readiness: ReadinessProbe
    effects: dict[str, Consumption] = field(default_factory=dict)
    startup_hooks: list[Callable[[], Awaitable[object]]] = field(default_factory=list)
    shutdown_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Called after an event's effect committed, e.g. to wake a worker that acts on it.
    after_effect: list[Callable[[], None]] = field(default_factory=list)
    # Called before /metrics answers, to set gauges that need a query (outbox backlog, lag).
    scrape_hooks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    @property
    def broker_connected(self) -> bool:
        """Whether the broker started in the background (create_http_app's lifespan)."""
        return self.readiness.broker_connected

    @property
    def source(self) -> str:
        """The CloudEvents source of what this service publishes."""
        return f"/digitalwell/{self.name}"

    def consume(self, event_type: type[E], *, description: str) -> Callable[[Effect[E]], Effect[E]]:
        """Have this service's consumer act on ``event_type``, with an effect run once per event.

        The decorated function is the effect: it gets the event, its envelope and
        a session, and whatever it writes with that session commits together
        with the inbox mark, so a redelivered event changes nothing.
        """

        def register(effect: Effect[E]) -> Effect[E]:
            self.effects[event_type.topic] = Consumption(event_type, description, effect=effect)
            return effect

        return register

    def consume_batch(
        self, event_type: type[E], *, description: str
    ) -> Callable[[BatchEffect[E]], BatchEffect[E]]:
        """Like ``consume``, for an effect that takes all of a batch's new events at once."""

        def register(effect: BatchEffect[E]) -> BatchEffect[E]:
            self.effects[event_type.topic] = Consumption(
                event_type, description, batch_effect=effect
            )
            return effect

        return register

    def subscribe(self) -> None:
        """Subscribe one batch consumer to every topic an effect was registered for.

        One consumer, not one per topic: each member that joins a consumer group makes the
        group rebalance, and a service that joined once per topic would take that many
        rebalances to start.
        """
        if not self.effects:
            return

        def committed() -> None:
            self.relay.wake()  # the effects may have added to the outbox
            for callback in self.after_effect:
                callback()

        consumer = BatchConsumer(
            client=self.mongo,
            inbox=Inbox(self.database, consumer=self.name),
            effects=self.effects,
            dead_letters=self.dead_letters,
            verifier=self.settings.event_verifier(),
            on_committed=committed,
            metrics=ConsumerMetrics(self.registry),
            tracing=self.tracing,
        )

        async def handle(message: KafkaMessage) -> None:
            await consumer.handle(message.raw_message)  # a batch subscriber: a tuple of records

        subscriber = self.router.subscriber(
            *self.effects,
            group_id=self.name,
            batch=True,
            max_records=self.settings.consumer_batch_size,
            batch_timeout_ms=self.settings.consumer_batch_wait_ms,
            # The consumer reads the records itself, so a body that is not JSON is a dead letter
            # rather than an error before the handler runs (which would be committed and lost).
            decoder=_leave_undecoded,
            # Commit only after the effects are stored: FastStream's default commits first.
            ack_policy=AckPolicy.ACK,
            auto_offset_reset="earliest",
            title=f"{self.name}:events",
            description="; ".join(
                f"{topic}: {consumption.description}" for topic, consumption in self.effects.items()
            ),
        )
        subscriber(handle)
        lag = LagMetrics(self.name, self.registry)

        def kafka_consumer() -> Any:
            """Aiokafka's consumer, there while the broker runs: its assignment is ours."""
            return getattr(subscriber, "consumer", None)

        self.scrape_hooks.append(lambda: lag.refresh(kafka_consumer()))
        self.readiness.watch(list(self.effects), kafka_consumer)

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope that continues the current request's or the causing event's correlation."""
        if cause is not None:
            return cause.caused(event, source=self.source)
        correlation_id = structlog.contextvars.get_contextvars().get("correlation_id")
        return Envelope.for_event(event, source=self.source, correlation_id=correlation_id)

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Written[T]]]) -> T:
        """Run ``write`` in a transaction that also stores its events in the outbox.

        Returns the write's value once the transaction has committed, and wakes the relay.
        """

        async def write_and_enqueue(transaction: Transaction) -> T:
            written = await write(transaction)
            if not isinstance(written, Written):  # the form before Written; gone when all moved
                await self.outbox.add(written, transaction)
                return None
            await self.outbox.add(written.events, transaction)
            return written.value

        value = await in_transaction(self.mongo, write_and_enqueue)
        self.relay.wake()
        return value


def create_runtime(
    name: str,
    settings: ServiceSettings,
    *,
    publishes: Sequence[type[IntegrationEvent]] = (),
    tracing: Tracing | None = None,
) -> Runtime:
    """Build a service's broker, router, database client, outbox and relay; no I/O happens.

    Tracing is what ``settings.otel_enabled`` asks for, unless ``tracing`` is given (a test's
    tracer that keeps its spans in memory, say).
    """
    if tracing is None:
        tracing = Tracing.export_to_otlp(name) if settings.otel_enabled else Tracing()
    refuse_topic_auto_creation()
    registry = CollectorRegistry()
    middlewares: list[BrokerMiddleware[Any, Any]] = [
        KafkaPrometheusMiddleware(registry=registry, app_name=name)
    ]
    if tracing.enabled:
        middlewares.append(KafkaTelemetryMiddleware(tracer_provider=tracing.provider))
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        security=broker_security(settings),
        client_id=f"digitalwell-{name}",
        graceful_timeout=settings.shutdown_grace_seconds,
        middlewares=middlewares,
        logger=logging.getLogger("digitalwell.broker"),
        # Per-message "Received"/"Processed" lines only at DEBUG: our handlers log what matters.
        log_level=logging.DEBUG,
        # Topics come from create-topics with their partition counts, never from a client.
        allow_auto_create_topics=False,
        metadata_max_age_ms=METADATA_MAX_AGE_MS,
    )
    publishers = {
        event.topic: broker.publisher(
            event.topic,
            title=f"{event.topic}:publish",
            description=(event.__doc__ or "").strip(),
            schema=event,
        )
        for event in publishes
    }

    mongo = create_client(settings.mongodb_url, app_name=f"digitalwell-{name}")
    database = mongo[settings.mongodb_database]
    readiness = ReadinessProbe(group=name, database=database, broker=broker)

    async def publish(topic: str, key: str, body: bytes, headers: dict[str, str]) -> None:
        target = publishers.get(topic)
        try:
            with tracing.publishing(headers):  # in the trace the event was written in
                if target is None:  # dead-letter topics are not part of the documented contract
                    await broker.publish(body, topic, key=key.encode(), headers=headers)
                else:
                    await target.publish(body, key=key.encode(), headers=headers)
        except Exception as error:
            readiness.publish_failed(error)  # /readyz says so until a publish works again
            raise
        readiness.published()

    dead_letters = DeadLetterPolicy(
        consumer_group=name,
        publish=publish,
        registry=registry,
        max_attempts=settings.consumer_max_attempts,
    )
    router = KafkaRouter()
    outbox_metrics = OutboxMetrics(database, registry)
    return Runtime(
        name=name,
        settings=settings,
        broker=broker,
        router=router,
        mongo=mongo,
        database=database,
        outbox=Outbox(database, settings.event_signer(name), tracing),
        relay=OutboxRelay(
            database,
            publish,
            poll_seconds=settings.outbox_poll_seconds,
            lease_seconds=settings.outbox_lease_seconds,
        ),
        registry=registry,
        dead_letters=dead_letters,
        staff=StaffAuth(settings),
        tracing=tracing,
        readiness=readiness,
        scrape_hooks=[outbox_metrics.refresh],
    )


class _CorrelationMiddleware:
    """Gives every request a correlation id (from the caller's header, or a new one).

    Pure ASGI: Starlette's BaseHTTPMiddleware reads the body in a task group, which wraps an
    error raised while reading (a body over its limit) in an ExceptionGroup nobody handles.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        correlation_id = Headers(scope=scope).get(CORRELATION_HEADER) or str(uuid.uuid4())
        scope[CORRELATION_SCOPE_KEY] = correlation_id  # for the error page, which runs outside

        async def with_correlation_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[CORRELATION_HEADER] = correlation_id
            await send(message)

        with structlog.contextvars.bound_contextvars(correlation_id=correlation_id):
            await self.app(scope, receive, with_correlation_id)


def create_http_app(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter] = (),
    description_sv: str = "",
) -> FastAPI:
    """The service's FastAPI app: its routes plus /healthz, /readyz, /metrics and /asyncapi.

    ``description`` (English) and ``description_sv`` say what the service is on its generated
    "/" page, when it has no "/" of its own.
    """
    runtime.subscribe()
    runtime.broker.include_router(runtime.router)

    throttle = Throttle(runtime.database, runtime.settings)
    metrics_server = MetricsServer(runtime) if runtime.settings.metrics_port else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.outbox.ensure_indexes()
        await throttle.ensure_indexes()
        for hook in runtime.startup_hooks:
            await hook()
        # HTTP does not wait for Kafka: the pages and API that need only the database answer
        # while the broker connects and the consumer group joins in the background (/readyz
        # says not ready until then), and a broker that is away at start is tried again.
        await runtime.readiness.start()
        connecting = asyncio.create_task(
            connect_broker(
                runtime.broker,
                runtime.settings,
                list(runtime.effects),
                runtime.readiness,
                # The relay publishes only once there is a broker to publish to.
                then=runtime.relay.start,
            ),
            name="connect-broker",
        )
        if metrics_server is not None:
            await metrics_server.start()
        log.info("service started", url=runtime.settings.base_url)
        try:
            yield
        finally:
            connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await connecting
            await runtime.readiness.stop()
            # Consumers first (in-flight handlers finish and commit), then the relay's last batch.
            await runtime.broker.stop()
            await runtime.relay.stop()
            if metrics_server is not None:
                await metrics_server.stop()
            for hook in runtime.shutdown_hooks:
                await hook()
            await runtime.mongo.close()
            log.info("service stopped")

    # FastAPI's own /docs and /redoc load their scripts from a CDN: ours come from a package.
    app = FastAPI(
        title=title, description=description, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    add_api_docs(app, title)
    app.add_middleware(_CorrelationMiddleware)
    runtime.tracing.instrument(app)
    # Added last, so outermost: a body over the limit is refused before anything reads it.
    app.add_middleware(ResponseHeaders)
    app.add_middleware(
        BodySizeLimit,
        json_limit=runtime.settings.max_json_body_bytes,
        form_limit=runtime.settings.max_form_body_bytes,
    )
    app.add_exception_handler(StaffPageRefusal, page_refusal_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    # Anything else a route raises: an apology page with the request's id (JSON under /api/).
    app.add_exception_handler(Exception, server_error_handler)
    app.state.runtime = runtime
    app.state.staff = runtime.staff
    app.state.throttle = throttle
    for router in routers:
        app.include_router(router)
    app.include_router(runtime.staff.sign_out_router())
    app.include_router(_operations_router(runtime, title=title, description=description))
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        descriptions = {Language.EN: description, Language.SV: description_sv}
        app.add_api_route(
            "/",
            landing_page(
                title,
                descriptions,
                asyncapi_page=_asyncapi_page_served(runtime),
            ),
            response_class=HTMLResponse,
            include_in_schema=False,
        )
    return app


def _asyncapi_page_served(runtime: Runtime) -> bool:
    """Whether /asyncapi is served; in production only its document, /asyncapi.json, is.

    FastStream's page loads its script from a CDN, and no package on PyPI ships it.
    """
    return runtime.settings.environment != "production"


def _operations_router(runtime: Runtime, *, title: str, description: str) -> APIRouter:
    router = APIRouter(tags=["operations"])
    asyncapi = AsyncAPI(runtime.broker, title=title, description=description, version="1.0.0")

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="The broker, the database and the consumer group are there")
    async def readyz() -> JSONResponse:
        # The background probe's last answer: this never waits on what may be away.
        answer = runtime.readiness.current()
        return JSONResponse(
            {
                "status": "ready" if answer.ready else "not ready",
                "checks": answer.checks,
                "problems": answer.problems,
            },
            status_code=200 if answer.ready else 503,
        )

    if not runtime.settings.metrics_port:  # else the metrics server of its own answers it

        @router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
        async def metrics() -> Response:
            return await metrics_response(runtime)

    @router.get("/asyncapi.json", summary="The service's AsyncAPI 3 document")
    async def asyncapi_json() -> Response:
        return Response(asyncapi.to_specification().to_json(), media_type="application/json")

    if _asyncapi_page_served(runtime):

        @router.get("/asyncapi", response_class=HTMLResponse, include_in_schema=False)
        async def asyncapi_page() -> str:
            return get_asyncapi_html(asyncapi.to_specification(), try_it_out_path=None)

    return router


async def metrics_response(runtime: Runtime) -> Response:
    """The Prometheus text of the runtime's registry, its query-based gauges refreshed first."""
    failure: BaseException | None = None
    for refresh in runtime.scrape_hooks:
        try:
            await asyncio.wait_for(refresh(), _SCRAPE_QUERY_SECONDS)
        except Exception as error:  # noqa: BLE001 - the other metrics still answer
            failure = error  # this gauge stays as it was
    if failure is None:
        _SCRAPE_OUTAGE.succeeded()
    else:  # the database or broker is away: a line now and then, no traceback per scrape
        _SCRAPE_OUTAGE.failed(failure)
    return Response(generate_latest(runtime.registry), media_type=CONTENT_TYPE_LATEST)


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server inside the service's process: the main server handles the signals."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MetricsServer:
    """/metrics on a port of its own, so the Ingress, which exposes the main port, never has it."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listen on METRICS_PORT; a taken port stops the service's start."""
        settings = self._runtime.settings
        if not port_is_free(settings.http_host, settings.metrics_port):
            raise RuntimeError(f"the metrics port {settings.metrics_port} is already in use")

        async def metrics(_request: Request) -> Response:
            return await metrics_response(self._runtime)

        app = Starlette(routes=[Route("/metrics", metrics)])
        config = uvicorn.Config(
            app,
            host=settings.http_host,
            port=settings.metrics_port,
            lifespan="off",
            log_config=None,
            access_log=False,
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started and not self._task.done():  # noqa: ASYNC110 - uvicorn sets a flag, no event
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop listening and wait for the server to end."""
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port``.

    SO_REUSEADDR as the servers themselves set it: connections of a just-stopped run lingering
    in TIME_WAIT do not make the port taken, a listener does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def serve(name: str, settings: ServiceSettings, build_app: Callable[[], Any]) -> None:
    """Configure logging and run the app under uvicorn; a taken port is one line, not a trace."""
    configure_logging(name, settings.log_format, settings.log_level)
    if not port_is_free(settings.http_host, settings.http_port):
        sys.stderr.write(
            f"digitalwell-{name}: port {settings.http_port} is already in use on "
            f"{settings.http_host}; set {name.upper()}_HTTP_PORT to another port\n"
        )
        raise SystemExit(1)
    uvicorn.run(
        build_app(),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        # Behind a proxy that serves the service under a prefix and cuts it off, the root path
        # puts the prefix back into the URLs its pages write (request.scope["root_path"]).
        root_path=settings.base_path,
    )
