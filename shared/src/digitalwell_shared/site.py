"""What every service's pages share around their content: footer, unknown-address and error pages.

The footer links to the accessibility statement; an unknown address and a server error get an
HTML page in the reader's language, but JSON under /api/.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path

from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from starlette import status
from starlette.requests import Request
from starlette.types import Scope

from digitalwell_shared.contracts import Language
from digitalwell_shared.local_time import local_time
from digitalwell_shared.logging import get_logger
from digitalwell_shared.pages import SECURITY_HEADERS, language_of, other_language
from digitalwell_shared.site_text import site_text
from digitalwell_shared.wording import Wording

_API_PREFIX = "/api/"
CORRELATION_SCOPE_KEY = "digitalwell.correlation_id"
"""Where the correlation middleware leaves a request's id, for the error page outside it."""

log = get_logger(__name__)


def site_footer(language: Language, statement_url: str) -> Markup:
    """The footer of every public page: the accessibility statement, in the page's language."""
    link, label = site_text(language, "accessibility"), site_text(language, "footer_label")
    href = html.escape(f"{statement_url}?lang={language.value}")
    return Markup(  # noqa: S704 - every value in it is escaped above or a constant
        f'<footer class="site-footer" aria-label="{label}" style="border-top:2px solid #b1b4b6;'
        'max-width:46rem;margin:0 auto;padding:1rem 1rem 3rem">'
        f'<a href="{href}" style="color:#005a70">{link}</a></footer>'
    )


SHARED_TEMPLATES = Path(__file__).parent / "templates"
"""``layout.html``, the one layout every service's ``base.html`` extends."""

PRIVATE_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
"""Headers of a page that holds people's data or a link's token: never kept in a cache."""


def page_templates(directory: Path) -> Jinja2Templates:
    """A service's page templates, over the shared layout, with the layout's helpers.

    ``site_footer(request, lang)`` writes the footer, ``site(lang, key)`` a word the layout
    shares with every service (``site_text``).
    """
    templates = Jinja2Templates(directory=directory)
    templates.env.loader = ChoiceLoader(
        [FileSystemLoader(directory), FileSystemLoader(SHARED_TEMPLATES)]
    )
    templates.env.globals["site_footer"] = _footer_of
    templates.env.globals["site"] = _site_word
    return templates


class PageRenderer:
    """How every service renders a page: its words, the language switch, the right headers.

    Each template gets ``lang``, ``t`` (the service's ``Wording`` in the page's language),
    ``local`` (a time as people in Sweden read it), ``switch_url`` / ``switch_lang``,
    ``csrf_token`` (when a staff guard set one), what ``helpers`` adds for the language, and
    the page's own ``context``.
    """

    def __init__(
        self,
        directory: Path,
        wording: Wording,
        *,
        helpers: Callable[[Language], Mapping[str, object]] | None = None,
    ) -> None:
        self.templates = page_templates(directory)
        self._wording = wording
        self._helpers = helpers

    def render(
        self,
        request: Request,
        template: str,
        language: Language,
        context: Mapping[str, object] | None = None,
        *,
        status_code: int = status.HTTP_200_OK,
        private: bool = False,
        switch_url: str | None = None,
    ) -> HTMLResponse:
        """``template`` in ``language``; ``private`` pages are never cached."""
        switch_to = other_language(language)
        if switch_url is None:
            # A page shown in answer to a POST cannot be fetched again: switch on its address.
            here = request.url if request.method == "GET" else request.url.replace(query="")
            switch_url = str(here.include_query_params(lang=switch_to.value))
        values: dict[str, object] = {
            "lang": language.value,
            "t": partial(self._wording.translate, language),
            "local": partial(_local_time_in, language),
            "switch_url": switch_url,
            "switch_lang": switch_to.value,
            "csrf_token": getattr(request.state, "csrf_token", ""),
        }
        if self._helpers is not None:
            values.update(self._helpers(language))
        values.update(context or {})
        response = self.templates.TemplateResponse(
            request, template, values, status_code=status_code
        )
        response.headers.update(PRIVATE_PAGE_HEADERS if private else SECURITY_HEADERS)
        return response


def _local_time_in(language: Language, moment: datetime | None) -> str:
    return "" if moment is None else local_time(moment, language)


def _site_word(lang: str, key: str, **values: object) -> str:
    return site_text(language_of(lang), key, **values)


def _footer_of(request: Request, lang: str) -> Markup:
    return site_footer(language_of(lang), _statement_url(request))


def _statement_url(request: Request) -> str:
    return statement_url_of(request.scope)


def request_language(request: Request) -> Language:
    """The language a request asks for: ``?lang=``, else the browser's first choice, else sv."""
    asked = request.query_params.get("lang")
    if asked:
        return language_of(asked)
    accepted = request.headers.get("Accept-Language", "").strip().lower()
    return Language.EN if accepted.startswith("en") else Language.SV


def not_found_page(language: Language, statement_url: str) -> HTMLResponse:
    """An unknown address, told in the site's look and the reader's language."""
    return message_page(
        language,
        statement_url,
        (site_text(language, "not_found_title"), site_text(language, "not_found_text")),
        (f"/?lang={language.value}", site_text(language, "go_home")),
        status.HTTP_404_NOT_FOUND,
    )


def message_page(
    language: Language,
    statement_url: str,
    message: tuple[str, str],
    link: tuple[str, str],
    status_code: int = status.HTTP_200_OK,
    *,
    refresh: str = "",
    also: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A short page in the site's look: a heading, a sentence and where to go next.

    ``refresh`` is a URL the browser goes on to at once (a new navigation, so a page reached
    from a form can lead to another origin, which the form's own redirect could not). ``also``
    is a second way on (home, say, beside signing in).
    """
    title, text = (html.escape(part) for part in message)
    links = "".join(
        f'<p><a href="{html.escape(href)}" style="color:#005a70">{html.escape(label)}</a></p>'
        for href, label in (link, also or ("", ""))
        if label
    )
    onwards = (
        f'<meta http-equiv="refresh" content="0;url={html.escape(refresh)}">' if refresh else ""
    )
    return site_page(
        language,
        statement_url,
        (message[0], f"<h1>{title}</h1><p>{text}</p>{links}"),
        status_code,
        head=onwards,
        headers=headers,
    )


def site_page(
    language: Language,
    statement_url: str,
    content: tuple[str, str],
    status_code: int = status.HTTP_200_OK,
    *,
    head: str = "",
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page in the site's layout: header, ``content`` (a plain title, HTML main), footer.

    The main part is HTML the caller has escaped; the title is escaped here.
    """
    title, main = content
    body = (
        f'<!DOCTYPE html><html lang="{language.value}"><head><meta charset="utf-8">{head}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} \N{EN DASH} DigitalWell Arena</title></head>"
        '<body style="margin:0;font:1.1875rem/1.5 system-ui,sans-serif;color:#1b1b1b">'
        '<header style="background:#005a70"><div style="max-width:46rem;margin:0 auto;'
        'padding:0.75rem 1rem"><a href="/" style="color:#fff;font-weight:700;'
        'text-decoration:none">DigitalWell Arena</a></div></header>'
        '<main style="max-width:46rem;margin:0 auto;padding:1.5rem 1rem 4rem">'
        f"{main}</main>"
        f"{site_footer(language, statement_url)}</body></html>"
    )
    sent = SECURITY_HEADERS | {"Cache-Control": "no-store"} | (headers or {})
    return HTMLResponse(body, status_code, headers=sent)


def is_api_request(scope: Scope) -> bool:
    """Whether a request is for the API (answered in JSON), not a page or a form."""
    path = str(scope.get("path", ""))
    return path.removeprefix(str(scope.get("root_path", ""))).startswith(_API_PREFIX)


def statement_url_of(scope: Scope) -> str:
    """The accessibility statement's address, from the app serving ``scope`` ("" without one)."""
    runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
    return "" if runtime is None else str(runtime.settings.accessibility_statement_url)


async def server_error_handler(request: Request, error: Exception) -> Response:
    """An error nobody handled: logged with the request's id, answered with a short apology.

    The id is shown on the page (and sent as X-Correlation-ID), so what a person reads out can
    be found in every service's logs. Under /api/ the answer is JSON with the same id. Starlette
    raises the error on after this answer, so the server logs its traceback as well.
    """
    trace_id = str(request.scope.get(CORRELATION_SCOPE_KEY) or uuid.uuid4())
    log.error(
        "unhandled error answering a request",
        correlation_id=trace_id,
        method=request.method,
        path=request.url.path,
        error=type(error).__name__,
        exc_info=error,
    )
    id_header = {"X-Correlation-ID": trace_id}
    if is_api_request(request.scope):
        return JSONResponse(
            {"detail": "internal server error", "trace_id": trace_id},
            status.HTTP_500_INTERNAL_SERVER_ERROR,
            headers=id_header | {"Cache-Control": "no-store"},
        )
    language = request_language(request)
    return message_page(
        language,
        _statement_url(request),
        (
            site_text(language, "server_error_title"),
            site_text(language, "server_error_text", trace_id=trace_id),
        ),
        (f"/?lang={language.value}", site_text(language, "go_home")),
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        headers=id_header,
    )
