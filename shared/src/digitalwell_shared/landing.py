"""The "/" page of a service that has no pages of its own: what it is and where its interfaces are.

Swedish first, English on the switch, in the site's layout, like every other page a person can
open; the interfaces' own names (HTTP API, AsyncAPI) are the same in both languages.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from digitalwell_shared.contracts import Language
from digitalwell_shared.pages import other_language, page_path
from digitalwell_shared.site import request_language, site_page, statement_url_of
from digitalwell_shared.site_text import site_text


def landing_page(
    title: str, descriptions: dict[Language, str], *, asyncapi_page: bool
) -> Callable[[Request], Awaitable[Response]]:
    """The route answering "/": ``title``, the description in the reader's language, the links.

    A language without a description of its own gets the shared sentence saying what the page
    is.
    """
    links = (
        ("/docs", "link_http_api"),
        ("/asyncapi" if asyncapi_page else "/asyncapi.json", "link_events"),
        ("/readyz", "link_readiness"),
        ("/metrics", "link_metrics"),
    )

    async def landing(request: Request) -> Response:
        language = request_language(request)
        switch = other_language(language)
        items = "".join(
            f'<li><a href="{html.escape(page_path(request, path))}" style="color:#005a70">'
            f"{html.escape(site_text(language, key))}</a></li>"
            for path, key in links
        )
        description = descriptions.get(language) or site_text(language, "landing_text")
        main = (
            f'<p><a href="?lang={switch.value}" hreflang="{switch.value}" lang="{switch.value}" '
            f'style="color:#005a70">{html.escape(site_text(language, "switch_language"))}</a></p>'
            f"<h1>{html.escape(title)}</h1><p>{html.escape(description)}</p>"
            f"<h2>{html.escape(site_text(language, 'landing_links'))}</h2><ul>{items}</ul>"
        )
        return site_page(language, statement_url_of(request.scope), (title, main))

    return landing
