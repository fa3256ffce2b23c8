"""Signed links: a capability in a URL (withdraw, unsubscribe, cancel a booking) without a login.

One service signs a link that another serves (notify writes the withdrawal link that intake
answers), so every service is given the same ``<PREFIX>LINK_SECRET``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

_VERSION = b"digitalwell-link:v1:"


def link_token(secret: str, purpose: str, subject: str) -> str:
    """The token that lets its holder do ``purpose`` to ``subject``: HMAC-SHA256, base64url.

    Tokens do not expire; what they allow ends with the state they act on (a decided
    application can no longer be withdrawn).
    """
    message = _VERSION + purpose.encode() + b"\x1f" + subject.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def link_token_is_valid(secret: str, purpose: str, subject: str, token: str) -> bool:
    """True when ``token`` is the token of ``purpose`` on ``subject``; constant time."""
    # Bytes, because compare_digest refuses str with characters outside ASCII.
    return hmac.compare_digest(link_token(secret, purpose, subject).encode(), token.encode())
