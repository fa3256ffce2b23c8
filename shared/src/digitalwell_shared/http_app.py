"""A service's HTTP app: its routes, /healthz, /readyz, /metrics and /asyncapi, and the lifespan.

``create_http_app`` wires a ``Runtime`` (runtime.py) into a FastAPI app whose lifespan
connects, starts the consumer and the relay, and on shutdown lets in-flight work finish before
it closes anything; the middleware gives each request a correlation id, limits bodies and sets
the response headers. ``serve`` runs the app under uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import structlog
import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from faststream.specification import AsyncAPI, get_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from digitalwell_shared.api_docs import add_api_docs
from digitalwell_shared.contracts import Language
from digitalwell_shared.error_pages import http_error_handler
from digitalwell_shared.http_guard import BodySizeLimit, ResponseHeaders, validation_error_handler
from digitalwell_shared.landing import landing_page
from digitalwell_shared.logging import OutageLog, configure_logging, get_logger
from digitalwell_shared.readiness import connect_broker
from digitalwell_shared.runtime import Runtime
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.site import CORRELATION_SCOPE_KEY, server_error_handler
from digitalwell_shared.staff import StaffPageRefusalError, page_refusal_handler, sign_out_router
from digitalwell_shared.throttle import Throttle

log = get_logger(__name__)
CORRELATION_HEADER = "X-Correlation-ID"
# Short, so a scrape during an outage answers in seconds (each hook waits this at most).
_SCRAPE_QUERY_SECONDS = 1.0
_SCRAPE_OUTAGE = OutageLog(log, "refreshing metrics")


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
    # FastAPI's own /docs and /redoc load their scripts from a CDN: ours come from a package.
    app = FastAPI(
        title=title,
        description=description,
        lifespan=_lifespan(runtime, throttle),
        docs_url=None,
        redoc_url=None,
    )
    add_api_docs(app, title)
    _add_middleware(app, runtime)
    app.add_exception_handler(StaffPageRefusalError, page_refusal_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    # Anything else a route raises: an apology page with the request's id (JSON under /api/).
    app.add_exception_handler(Exception, server_error_handler)
    app.state.runtime = runtime
    app.state.staff = runtime.staff
    app.state.throttle = throttle
    for router in routers:
        app.include_router(router)
    app.include_router(sign_out_router)
    app.include_router(_operations_router(runtime, title=title, description=description))
    if not any(getattr(route, "path", None) == "/" for route in app.routes):
        descriptions = {Language.EN: description, Language.SV: description_sv}
        app.add_api_route(
            "/",
            landing_page(title, descriptions, asyncapi_page=_asyncapi_page_served(runtime)),
            response_class=HTMLResponse,
            include_in_schema=False,
        )
    return app


def _add_middleware(app: FastAPI, runtime: Runtime) -> None:
    """Correlation ids, tracing, response headers and body limits, outermost last."""
    app.add_middleware(_CorrelationMiddleware)
    runtime.tracing.instrument(app)
    # Added last, so outermost: a body over the limit is refused before anything reads it.
    app.add_middleware(ResponseHeaders)
    app.add_middleware(
        BodySizeLimit,
        json_limit=runtime.settings.max_json_body_bytes,
        form_limit=runtime.settings.max_form_body_bytes,
    )


def _lifespan(
    runtime: Runtime, throttle: Throttle
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    """Start: indexes, the service's hooks, readiness, the broker in the background; stop it all."""
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
            await _stop(runtime, metrics_server)

    return lifespan


async def _stop(runtime: Runtime, metrics_server: MetricsServer | None) -> None:
    """Stop in order: consumers first (in-flight handlers finish and commit), then the relay."""
    await runtime.readiness.stop()
    await runtime.broker.stop()
    await runtime.relay.stop()  # its last batch
    if metrics_server is not None:
        await metrics_server.stop()
    for hook in runtime.shutdown_hooks:
        await hook()
    await runtime.mongo.close()
    log.info("service stopped")


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
