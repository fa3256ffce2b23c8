"""The accessibility statement (tillgänglighetsredogörelse) DOS-lagen asks a public site for.

In Swedish and English, linked from every public page's footer.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from digitalwell_intake.messages import translate
from digitalwell_intake.settings import Settings
from digitalwell_shared.pages import SECURITY_HEADERS, language_of, other_language
from digitalwell_shared.site import page_templates

TEMPLATES = Path(__file__).parent / "templates"
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
"""Agency for Digital Government's form for reporting a public site that is not accessible."""


def create_accessibility_router(settings: Settings) -> APIRouter:
    """GET /accessibility: the statement, in the language the person reads."""
    templates = page_templates(TEMPLATES)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @router.get("/accessibility")
    async def accessibility_statement(
        request: Request, lang: Annotated[str | None, Query(description="sv or en")] = None
    ) -> HTMLResponse:
        language = language_of(lang)
        switch_to = other_language(language)
        response = templates.TemplateResponse(
            request,
            "accessibility.html",
            {
                "lang": language.value,
                "t": partial(translate, language),
                "switch_url": str(request.url.include_query_params(lang=switch_to.value)),
                "switch_lang": switch_to.value,
                "contact_email": settings.accessibility_contact_email,
                "reviewed": settings.accessibility_reviewed,
                "digg_url": DIGG_REPORT_URL,
            },
        )
        response.headers.update(SECURITY_HEADERS)
        return response

    return router
