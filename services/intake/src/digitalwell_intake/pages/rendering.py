"""A page in the reader's language: the applicant's pages and the staff pages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Request, status
from fastapi.responses import HTMLResponse

from digitalwell_intake.page_text import STAFF_WORDING, WORDING
from digitalwell_intake.views import format_time
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.kinds import support_kind_name
from digitalwell_shared.pages import other_language
from digitalwell_shared.site import PageRenderer, request_language
from digitalwell_shared.site_text import role_name

TEMPLATES = Path(__file__).parent.parent / "templates"


def _applicant_helpers(language: Language) -> dict[str, object]:
    return {
        "kind_name": lambda kind: support_kind_name(SupportKind(kind), language),
        "format_time": partial(format_time, language),
    }


def _staff_helpers(language: Language) -> dict[str, object]:
    return {
        "role_list": lambda roles: ", ".join(sorted(role_name(str(r), language) for r in roles)),
    }


_applicant_pages = PageRenderer(TEMPLATES, WORDING, helpers=_applicant_helpers)
_staff_pages = PageRenderer(TEMPLATES, STAFF_WORDING, helpers=_staff_helpers)


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
    if switch_url is None and request.method != "GET":
        # A page shown in answer to a POST cannot be fetched again: switch on the form.
        switch_to = other_language(language)
        switch_url = str(
            request.url.replace(path="/", query="").include_query_params(lang=switch_to.value)
        )
    return _applicant_pages.render(
        request, template, language, context, status_code=status_code, switch_url=switch_url
    )


def staff_page(
    request: Request, name: str, context: dict[str, Any], status_code: int = status.HTTP_200_OK
) -> HTMLResponse:
    """A staff page in the reader's language (``?lang=``, else the browser's, else Swedish)."""
    language = request_language(request)
    switch_url = None
    if request.method != "GET":
        switch_to = other_language(language)
        switch_url = str(
            request.url.replace(path="/staff").include_query_params(lang=switch_to.value)
        )
    # Never cached: staff pages hold people's data.
    return _staff_pages.render(
        request,
        name,
        language,
        context,
        status_code=status_code,
        private=True,
        switch_url=switch_url,
    )


def staff_words(request: Request, key: str, **values: object) -> str:
    """A staff page's text ``key`` in the reader's language."""
    return STAFF_WORDING.translate(request_language(request), key, **values)
