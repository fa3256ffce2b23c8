"""Signed links: a capability in a URL (withdraw, unsubscribe, cancel a booking) without a login.

One service signs a link that another serves (notify writes the withdrawal link that intake
answers), so every service is given the same ``<PREFIX>LINK_SECRET``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from urllib.parse import urlencode

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


# The links one service writes and another answers. Keeping purpose and path together here
# means the writer and the reader cannot drift apart.
WITHDRAW_APPLICATION = "withdraw"
CANCEL_BOOKING = "cancel-booking"
ACCEPT_SEAT = "accept-seat"
UNSUBSCRIBE = "unsubscribe"


def _url(base_url: str, path: str, token: str, language: str | None = None) -> str:
    query = {"token": token} | ({"lang": language} if language else {})
    return f"{base_url.rstrip('/')}{path}?{urlencode(query)}"


def withdraw_application_url(
    intake_url: str, secret: str, application_id: str, language: str | None = None
) -> str:
    """Intake's page where the applicant confirms withdrawing their application."""
    token = link_token(secret, WITHDRAW_APPLICATION, application_id)
    return _url(intake_url, f"/applications/{application_id}/withdraw", token, language)


def cancel_booking_url(
    forum_url: str, secret: str, booking_id: str, language: str | None = None
) -> str:
    """Forum's page where an attendee cancels a booking, or declines a seat offered."""
    token = link_token(secret, CANCEL_BOOKING, booking_id)
    return _url(forum_url, f"/bookings/{booking_id}/cancel", token, language)


def accept_seat_url(
    forum_url: str, secret: str, booking_id: str, language: str | None = None
) -> str:
    """Forum's page where a person on the waitlist takes the seat offered to them."""
    token = link_token(secret, ACCEPT_SEAT, booking_id)
    return _url(forum_url, f"/bookings/{booking_id}/accept", token, language)


# A link's token is its ``token`` query parameter, whatever the version; it ends at the next
# parameter, a space, a quote or an angle bracket (as in an HTML attribute or a text's <url>).
_TOKEN_IN_URL = re.compile(r"([?&](?:amp;)?token=)[^&\s\"'<>]+")
MASKED_TOKEN = "[hidden]"  # noqa: S105 - what replaces a token, not one


def mask_link_tokens(text: str) -> str:
    """``text`` with every signed link's token replaced by ``[hidden]``: the link no longer works.

    For what staff are shown of a stored e-mail: reading the delivery log must not hand anyone
    the power to withdraw an application or cancel a booking.
    """
    return _TOKEN_IN_URL.sub(rf"\1{MASKED_TOKEN}", text)
