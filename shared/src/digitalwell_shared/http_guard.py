"""What every service's HTTP side does to any request: a body size limit, safe headers, safe 422s.

Pure ASGI middleware rather than Starlette's BaseHTTPMiddleware: the limit must see the body
as it streams in, before anything buffers it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import HTTPException, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from digitalwell_shared.error_pages import too_large_page, unreadable_form_page
from digitalwell_shared.site import is_api_request

# A message or a location part longer than this is cut: enough to say what is wrong, too short
# to carry back what someone sent.
EXCERPT_MAX = 120
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_PRIVATE = "digitalwell.private"


class BodyTooLargeError(HTTPException):
    """A request body over its limit; raised from ``receive`` so the app's body parsing stops."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE, f"The request body is over {limit} bytes"
        )
        self.limit = limit


class BodySizeLimit:
    """Refuses a body over its limit with 413, before reading the rest of it.

    The limit is the form limit for form posts and the JSON limit for anything else. A declared
    Content-Length over it is refused before a byte is read; a chunked body is counted as it
    arrives and refused as soon as the count passes the limit.
    """

    def __init__(self, app: ASGIApp, *, json_limit: int, form_limit: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.form_limit = form_limit

    def limit_for(self, content_type: str) -> int:
        """The limit of a body of ``content_type``."""
        media_type = content_type.split(";", 1)[0].strip().lower()
        return self.form_limit if media_type in _FORM_TYPES else self.json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a ``receive`` that counts, or answer 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(headers.get("content-type", ""))
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(limit, scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
            return message

        async def noted_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, noted_send)
        except BodyTooLargeError:
            if started:  # too late for a status; the server closes the connection
                raise
            await _too_large(limit, scope, receive, send)


async def _too_large(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    if not is_api_request(scope):
        await too_large_page(scope, limit)(scope, receive, send)
        return
    response = JSONResponse(
        {"detail": f"The request body is over {limit} bytes"},
        status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        # The rest of the body is never read, so the connection cannot carry another request.
        headers={"Connection": "close", "X-Content-Type-Options": "nosniff"},
    )
    await response(scope, receive, send)


class ResponseHeaders:
    """``nosniff`` on every response, ``no-store`` on the answers of staff routes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to its response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if scope.get(_PRIVATE):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def keep_private(request: Request) -> None:
    """Have this request's response, whatever it is, stored by no cache (a staff answer)."""
    request.scope[_PRIVATE] = True


async def validation_error_handler(request: Request, exc: Exception) -> Response:
    """A 422 that names each bad field (``loc``) and rule (``type``, ``msg``), not the values.

    FastAPI's own answer repeats the input and the rule's context, so a 200 KiB text or a
    password would come straight back (and land in whatever logs the answer). Outside /api/
    (a form FastAPI refused before the page's own checks) it is a page naming the fields.
    """
    errors: Sequence[Any] = exc.errors() if isinstance(exc, RequestValidationError) else ()
    if not is_api_request(request.scope):
        return unreadable_form_page(request, _field_names(errors))
    detail = [
        {
            "type": excerpt(str(error.get("type", "invalid"))),
            "loc": [
                part if isinstance(part, int) else excerpt(str(part))
                for part in error.get("loc", ())
            ],
            "msg": excerpt(str(error.get("msg", ""))),
        }
        for error in errors
    ]
    return JSONResponse(
        jsonable_encoder({"detail": detail}), status_code=status.HTTP_422_UNPROCESSABLE_CONTENT
    )


def _field_names(errors: Sequence[Any]) -> list[str]:
    """The names of the fields in ``errors`` (the last named part of each ``loc``), once each."""
    names: list[str] = []
    for error in errors:
        named = [str(part) for part in error.get("loc", ()) if isinstance(part, str)]
        name = excerpt(named[-1]) if named else ""
        if name and name not in names:
            names.append(name)
    return names


def excerpt(text: str) -> str:
    """``text``, or its start when it is longer than an error message should repeat."""
    return text if len(text) <= EXCERPT_MAX else f"{text[: EXCERPT_MAX - 1]}…"
