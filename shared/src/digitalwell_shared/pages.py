"""What every service's HTML pages send: headers that keep them self-contained and private."""

from __future__ import annotations

from starlette.requests import Request

from digitalwell_shared.contracts import Language

# Inline CSS only, nothing from elsewhere, forms post to the page's own service, and no
# referrer, because several pages' addresses hold a link token (withdraw, unsubscribe).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def page_path(request: Request, path: str) -> str:
    """``path`` of this service as the browser must ask for it.

    Behind a proxy that serves the service under a prefix (``/council``), that is with the
    prefix, which the app knows as its root_path.
    """
    return f"{request.scope.get('root_path', '')}{path}"


def public_url(request: Request) -> str:
    """The URL the browser asked for, with the prefix a proxy cut off put back."""
    root = request.scope.get("root_path", "")
    if root and not request.url.path.startswith(root):
        return str(request.url.replace(path=f"{root}{request.url.path}"))
    return str(request.url)


def language_of(text: str | None, default: Language = Language.SV) -> Language:
    """The language a ``lang`` parameter asks for; ``default`` when it names none we have."""
    try:
        return Language(text) if text else default
    except ValueError:
        return default


def other_language(language: Language) -> Language:
    """The language a page's switch offers."""
    return Language.EN if language is Language.SV else Language.SV
