"""What forum's pages share: the templates, the language switch, and the message pages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import Query, Request, status
from fastapi.responses import HTMLResponse
from starlette.datastructures import URL

from digitalwell_forum.domain import BookingRefusedError
from digitalwell_forum.page_text import WORDING, format_span, format_time, kind_name, translate
from digitalwell_forum.views import REFUSAL_STATUS
from digitalwell_shared.contracts import Language
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.pages import other_language
from digitalwell_shared.site import PageRenderer

TEMPLATES = Path(__file__).parent.parent / "templates"
LanguageParameter = Annotated[str | None, Query(description="sv or en")]
TokenParameter = Annotated[str, Query(max_length=200, description="the link's token")]


class Form(dict[str, str]):
    """Form values or errors for a template: a missing field reads as empty."""

    def __missing__(self, key: str) -> str:
        return ""


def text(value: object) -> str:
    """A posted form value as text; a file where text belongs counts as nothing."""
    return value if isinstance(value, str) else ""


def render(
    request: Request,
    template: str,
    language: Language,
    context: dict[str, Any],
    status_code: int = status.HTTP_200_OK,
    *,
    private: bool = False,
) -> HTMLResponse:
    """The page ``template`` in ``language``; ``private`` for one that holds a token or names."""
    switch_url = None
    if request.method != "GET":
        switch_to = other_language(language)
        switch_url = str(_page_after_post(request).include_query_params(lang=switch_to.value))
    return _pages.render(
        request,
        template,
        language,
        context,
        status_code=status_code,
        private=private,
        switch_url=switch_url,
    )


def _forum_helpers(language: Language) -> dict[str, object]:
    return {
        "format_time": partial(format_time, language),
        "format_span": partial(format_span, language),
        "kind_name": partial(kind_name, language),
    }


_pages = PageRenderer(TEMPLATES, WORDING, helpers=_forum_helpers)


def _page_after_post(request: Request) -> URL:
    """Where the language switch of a page shown in answer to a POST leads: a page to GET.

    The booking form is on the session's page, the staff forms on the session's staff page;
    anything else (a booking's pages need their token) goes to the list of sessions.
    """
    path = request.url.path
    if path.endswith("/book"):
        path = path.removesuffix("/book")
    elif path.startswith("/staff/sessions/"):
        path = "/".join(path.split("/")[:4])
    elif path != "/staff/sessions":
        path = "/"
    return request.url.replace(path=path, query="")


def message(
    request: Request, language: Language, title: str, body: str, status_code: int
) -> HTMLResponse:
    """A page that says one thing: a title and a sentence, by their keys."""
    return render(
        request,
        "message.html",
        language,
        {"title": translate(language, title), "body": translate(language, body)},
        status_code,
    )


def not_found(request: Request, language: Language) -> HTMLResponse:
    """No session or booking has that id."""
    return message(
        request, language, "not_found_title", "not_found_body", status.HTTP_404_NOT_FOUND
    )


def refused(request: Request, language: Language, refusal: BookingRefusedError) -> HTMLResponse:
    """The page that says why a rule refused the request."""
    return message(
        request,
        language,
        "refused_title",
        f"refusal_{refusal.reason.value}",
        REFUSAL_STATUS[refusal.reason],
    )


def link_refused(request: Request, language: Language, check: LinkCheck) -> HTMLResponse | None:
    """The page for a link that does not work (403) or no longer works (410); else None."""
    if check is LinkCheck.EXPIRED:
        return message(
            request, language, "expired_link_title", "expired_link_body", status.HTTP_410_GONE
        )
    if check is LinkCheck.VALID:
        return None
    return message(request, language, "bad_link_title", "bad_link_body", status.HTTP_403_FORBIDDEN)
