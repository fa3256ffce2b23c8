"""The HTML pages of the HTTP errors a page or a form can meet: 400, 404, 405, 413, 422, 429.

Under /api/ every error stays FastAPI's JSON (the contracts describe it); outside it a person
reads a page in the site's look and their language that says what went wrong in words and
how to go on. The status code and its headers (Allow, Retry-After) are the same either way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from fastapi.exception_handlers import http_exception_handler
from starlette import status
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from digitalwell_shared.contracts import Language
from digitalwell_shared.site import (
    is_api_request,
    message_page,
    not_found_page,
    request_language,
    statement_url_of,
)
from digitalwell_shared.site_text import site_text

_MINUTE = 60
_HOUR = 3600


async def http_error_handler(request: Request, refusal: Exception) -> Response:
    """An HTTPException: a page for 400, 404, 405, 413, 429 outside /api/, else FastAPI's JSON."""
    if not isinstance(refusal, HTTPException):  # registered for this class only
        raise refusal
    if not is_api_request(request.scope):
        page = _page_for(request, refusal)
        if page is not None:
            return page
    return await http_exception_handler(request, refusal)


def _page_for(request: Request, refusal: HTTPException) -> Response | None:
    language = request_language(request)
    statement_url = statement_url_of(request.scope)
    code = refusal.status_code
    if code == status.HTTP_404_NOT_FOUND:
        return not_found_page(language, statement_url)
    if code == status.HTTP_405_METHOD_NOT_ALLOWED:
        message = (
            site_text(language, "method_not_allowed_title"),
            site_text(language, "method_not_allowed_text"),
        )
    elif code == status.HTTP_429_TOO_MANY_REQUESTS:
        wait = _retry_after(refusal)
        message = (
            site_text(language, "too_many_title"),
            site_text(language, "too_many_text", wait=wait_in_words(wait, language)),
        )
    elif code == status.HTTP_413_CONTENT_TOO_LARGE:
        return too_large_page(request.scope, _limit_of(refusal))
    elif code == status.HTTP_400_BAD_REQUEST:  # FastAPI's "error parsing the body" of a form
        return unreadable_form_page(request, (), code)
    else:
        return None
    return message_page(
        language, statement_url, message, _home(language), code, headers=dict(refusal.headers or {})
    )


def too_large_page(scope: Scope, limit: int) -> Response:
    """413 on a page or form: the body was over ``limit`` bytes."""
    language = request_language(Request(scope))
    size = f"{max(1, limit // 1024)} kB"
    return message_page(
        language,
        statement_url_of(scope),
        (site_text(language, "too_large_title"), site_text(language, "too_large_text", size=size)),
        _home(language),
        status.HTTP_413_CONTENT_TOO_LARGE,
        # The rest of the body is never read, so the connection cannot carry another request.
        headers={"Connection": "close"},
    )


def unreadable_form_page(
    request: Request,
    fields: Sequence[str],
    status_code: int = status.HTTP_422_UNPROCESSABLE_CONTENT,
) -> Response:
    """422 from FastAPI itself (before the page's own checks): which fields it could not take."""
    language = request_language(request)
    text = site_text(language, "unreadable_form_text")
    if fields:
        text += " " + site_text(language, "unreadable_form_fields", fields=", ".join(fields))
    return message_page(
        language,
        statement_url_of(request.scope),
        (site_text(language, "unreadable_form_title"), text),
        _home(language),
        status_code,
    )


def wait_in_words(seconds: int, language: Language) -> str:
    """``seconds`` as a person says it: "45 sekunder", "3 minuter", "2 timmar" (rounded up)."""
    if seconds < _MINUTE:
        count, unit = max(1, seconds), "second"
    elif seconds < _HOUR:
        count, unit = math.ceil(seconds / _MINUTE), "minute"
    else:
        count, unit = math.ceil(seconds / _HOUR), "hour"
    word = site_text(language, f"unit_{unit}" if count == 1 else f"unit_{unit}s")
    return f"{count} {word}"


def _retry_after(refusal: HTTPException) -> int:
    told = (refusal.headers or {}).get("Retry-After", "")
    return int(told) if told.isdigit() else _MINUTE


def _limit_of(refusal: HTTPException) -> int:
    limit = getattr(refusal, "limit", 0)
    return limit if isinstance(limit, int) else 0


def _home(language: Language) -> tuple[str, str]:
    return f"/?lang={language.value}", site_text(language, "go_home")
