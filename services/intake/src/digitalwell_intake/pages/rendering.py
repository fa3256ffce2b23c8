"""A page in the reader's language: the applicant's pages and the staff pages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request, status
from fastapi.responses import HTMLResponse

from digitalwell_intake.page_text import PAGE_TEXT, STAFF_TEXT
from digitalwell_intake.views import format_time
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.kinds import support_kind_name
from digitalwell_shared.local_time import local_time
from digitalwell_shared.pages import SECURITY_HEADERS, other_language
from digitalwell_shared.site import page_templates, request_language
from digitalwell_shared.site_text import role_name

TEMPLATES = page_templates(Path(__file__).parent.parent / "templates")
_STAFF_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}


def public_page(
    request: Request,
    template: str,
    language: Language,
    context: dict[str, Any],
    status_code: int = status.HTTP_200_OK,
    *,
    switch_url: str | None = None,
) -> HTMLResponse:
    """An applicant's page in ``language``, switching to the other one at ``switch_url``."""
    switch_to = other_language(language)
    if switch_url is None:
        # A page shown in answer to a POST cannot be fetched again: switch on the form.
        here = request.url if request.method == "GET" else request.url.replace(path="/", query="")
        switch_url = str(here.include_query_params(lang=switch_to.value))
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "lang": language.value,
            "t": partial(PAGE_TEXT.translate, language),
            "kind_name": lambda kind: support_kind_name(SupportKind(kind), language),
            "format_time": partial(format_time, language),
            "switch_url": switch_url,
            "switch_lang": switch_to.value,
            **context,
        },
        status_code=status_code,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def staff_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = status.HTTP_200_OK
) -> HTMLResponse:
    """A staff page in the reader's language (``?lang=``, else the browser's, else Swedish)."""
    language = request_language(request)
    switch = other_language(language)
    here = request.url if request.method == "GET" else request.url.replace(path="/staff")
    context = {
        "lang": language.value,
        "t": partial(STAFF_TEXT.translate, language),
        "local": lambda moment: local_time(moment, language),
        "role_list": lambda roles: ", ".join(sorted(role_name(str(r), language) for r in roles)),
        "switch_lang": switch.value,
        "switch_url": str(here.include_query_params(lang=switch.value)),
        **context,
    }
    return TEMPLATES.TemplateResponse(
        request, name, context, status_code=status_code, headers=_STAFF_HEADERS
    )


def staff_words(request: Request, key: str, **values: object) -> str:
    """A staff page's text ``key`` in the reader's language."""
    return STAFF_TEXT.translate(request_language(request), key, **values)
