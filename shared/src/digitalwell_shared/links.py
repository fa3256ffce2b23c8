"""Signed links: a capability in a URL (withdraw, unsubscribe, cancel a booking) without a login.

One service signs a link that another serves (notify writes the withdrawal link that intake
answers), so every service is given the same ``<PREFIX>LINK_SECRET``.

A token is ``v2.<expiry>.<mac>``: the expiry (Unix seconds, or ``-`` for a link that only its
subject's state ends) is covered by the HMAC with the purpose and subject, so nobody can move
it. Tokens of the first format (``v1``, a bare MAC, in e-mails sent before links expired) are
still read; what one is worth is the checker's decision (``v1_expires_at``, docs/decisions.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

_V1 = b"digitalwell-link:v1:"
_V2 = b"digitalwell-link:v2:"
_V2_PREFIX = "v2."
_NO_EXPIRY = "-"
_SEPARATOR = b"\x1f"


class LinkCheck(StrEnum):
    """What a link's token is worth now."""

    VALID = "valid"
    EXPIRED = "expired"
    """Genuine, but its time is up: say so (410), rather than call it broken."""
    INVALID = "invalid"
    """Forged, damaged, or for another purpose or subject (403)."""


def _mac(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _v1_token(secret: str, purpose: str, subject: str) -> str:
    return _mac(secret, _V1 + purpose.encode() + _SEPARATOR + subject.encode())


def _v2_mac(secret: str, purpose: str, subject: str, expiry: str) -> str:
    return _mac(
        secret,
        _V2 + purpose.encode() + _SEPARATOR + subject.encode() + _SEPARATOR + expiry.encode(),
    )


def link_token(secret: str, purpose: str, subject: str, *, expires_at: datetime | None) -> str:
    """The token that lets its holder do ``purpose`` to ``subject`` until ``expires_at``.

    ``expires_at`` None is for a link that its subject's state ends (a decided application can
    no longer be withdrawn); every other link names when it stops working. The expiry is kept
    to the second, rounded down.
    """
    expiry = _NO_EXPIRY if expires_at is None else str(int(expires_at.timestamp()))
    return f"{_V2_PREFIX}{expiry}.{_v2_mac(secret, purpose, subject, expiry)}"


def check_link_token(
    secret: str,
    purpose: str,
    subject: str,
    token: str,
    *,
    now: datetime | None = None,
    v1_expires_at: datetime | None = None,
) -> LinkCheck:
    """Whether ``token`` opens ``purpose`` on ``subject`` now; the MAC in constant time.

    A v1 token has no expiry of its own: ``v1_expires_at`` is the one the checker gives it
    (None: it lasts while its subject's state allows). Only a genuine token can be EXPIRED,
    so a forged one never learns more than INVALID.
    """
    now = now or datetime.now(UTC)
    if token.startswith(_V2_PREFIX):
        expiry, _, mac = token.removeprefix(_V2_PREFIX).partition(".")
        if not (expiry == _NO_EXPIRY or (expiry.isascii() and expiry.isdigit())):
            return LinkCheck.INVALID
        expected = _v2_mac(secret, purpose, subject, expiry)
        expires_at = None if expiry == _NO_EXPIRY else datetime.fromtimestamp(int(expiry), UTC)
    else:
        mac, expected, expires_at = token, _v1_token(secret, purpose, subject), v1_expires_at
    # Bytes, because compare_digest refuses str with characters outside ASCII.
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return LinkCheck.INVALID
    if expires_at is not None and now >= expires_at:
        return LinkCheck.EXPIRED
    return LinkCheck.VALID


def link_token_is_valid(secret: str, purpose: str, subject: str, token: str) -> bool:
    """True when ``token`` opens ``purpose`` on ``subject`` now (a v1 token: while state allows)."""
    return check_link_token(secret, purpose, subject, token) is LinkCheck.VALID


# The links one service writes and another answers. Keeping purpose and path together here
# means the writer and the reader cannot drift apart.
WITHDRAW_APPLICATION = "withdraw"
CANCEL_BOOKING = "cancel-booking"
ACCEPT_SEAT = "accept-seat"
UNSUBSCRIBE = "unsubscribe"
BOOK_WORKSHOP = "book-workshop"

WORKSHOP_BOOKING_DAYS = 365
"""How long after the decision an Innovation Forum grant's booking link works.

A constant here rather than a setting: the decision letter (notify) and the status page
(intake) must write the same link from the same decision, and two settings could drift.
"""


def booking_links_expire_at(session_ends_at: datetime, grace_hours: float) -> datetime:
    """When a booking's links stop working: ``grace_hours`` after its session (its last date)."""
    return session_ends_at + timedelta(hours=grace_hours)


def workshop_booking_expires_at(decided_at: datetime) -> datetime:
    """When a grant's link to book its Innovation Forum workshop stops working."""
    return decided_at + timedelta(days=WORKSHOP_BOOKING_DAYS)


def unsubscribe_link_expires_at(email_created_at: datetime, days: int) -> datetime:
    """When an e-mail's unsubscribe link stops working: ``days`` after the e-mail was written."""
    return email_created_at + timedelta(days=days)


def _url(base_url: str, path: str, token: str, language: str | None = None) -> str:
    query = {"token": token} | ({"lang": language} if language else {})
    return f"{base_url.rstrip('/')}{path}?{urlencode(query)}"


def withdraw_application_url(
    intake_url: str, secret: str, application_id: str, language: str | None = None
) -> str:
    """Intake's page where the applicant confirms withdrawing their application.

    The link has no time limit: it ends when the application is decided or withdrawn.
    """
    token = link_token(secret, WITHDRAW_APPLICATION, application_id, expires_at=None)
    return _url(intake_url, f"/applications/{application_id}/withdraw", token, language)


def cancel_booking_url(
    forum_url: str,
    secret: str,
    booking_id: str,
    language: str | None = None,
    *,
    expires_at: datetime,
) -> str:
    """Forum's page where an attendee cancels a booking, or declines a seat offered."""
    token = link_token(secret, CANCEL_BOOKING, booking_id, expires_at=expires_at)
    return _url(forum_url, f"/bookings/{booking_id}/cancel", token, language)


def accept_seat_url(
    forum_url: str,
    secret: str,
    booking_id: str,
    language: str | None = None,
    *,
    expires_at: datetime,
) -> str:
    """Forum's page where a person on the waitlist takes the seat offered to them."""
    token = link_token(secret, ACCEPT_SEAT, booking_id, expires_at=expires_at)
    return _url(forum_url, f"/bookings/{booking_id}/accept", token, language)


def book_workshop_url(
    forum_url: str,
    secret: str,
    application_id: str,
    language: str | None = None,
    *,
    decided_at: datetime,
) -> str:
    """Forum's page of workshops to book for an application granted one, the form filled in.

    The same link in the decision letter and on the status page: both are made from the
    decision's time, so they expire together.
    """
    expires_at = workshop_booking_expires_at(decided_at)
    token = link_token(secret, BOOK_WORKSHOP, application_id, expires_at=expires_at)
    return _url(forum_url, f"/workshops/{application_id}", token, language)


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
