"""The accessibility statement (tillgänglighetsredogörelse) DOS-lagen asks a public site for.

In Swedish and English, linked from every public page's footer.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from digitalwell_intake.deps import WebDep
from digitalwell_intake.pages.rendering import public_page
from digitalwell_shared.pages import language_of

DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"
"""Agency for Digital Government's form for reporting a public site that is not accessible."""

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/accessibility")
async def accessibility_statement(
    request: Request, web: WebDep, lang: Annotated[str | None, Query(description="sv or en")] = None
) -> HTMLResponse:
    """The statement, in the language the person reads."""
    return public_page(
        request,
        "accessibility.html",
        language_of(lang),
        {
            "contact_email": web.settings.accessibility_contact_email,
            "reviewed": web.settings.accessibility_reviewed,
            "digg_url": DIGG_REPORT_URL,
        },
    )
