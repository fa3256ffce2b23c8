"""What every service's HTML pages send: headers that keep them self-contained and private."""

from __future__ import annotations

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
