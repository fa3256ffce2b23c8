"""Unsubscribe links and headers: a signed link per e-mail, and RFC 8058's two headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtplib.email import flatten_message

from digitalwell_notify.domain import (
    unsubscribe_link,
    unsubscribe_token_is_valid,
    unsubscribe_url,
)
from digitalwell_notify.records import Email
from digitalwell_notify.smtp import build_message
from digitalwell_shared.links import UNSUBSCRIBE, LinkCheck, link_token, link_token_is_valid

SECRET = "a-test-secret-that-is-long-enough-for-production"
EMAIL_ID = "0123456789abcdef0123456789abcdef"
IN_A_YEAR = datetime.now(UTC) + timedelta(days=365)


def stored_email(**fields: Any) -> Email:
    return Email.model_validate(
        {
            "id": EMAIL_ID,
            "message_id": f"<{EMAIL_ID}@digitalwell.example>",
            "event_id": "event-1",
            "template": "session_reminder",
            "recipient": "asa@example.org",
            "recipient_name": "Åsa Öberg",
            "subject": "Påminnelse: frukostmöte i morgon",
            "text": "Hej!",
            "html": "<p>Hej!</p>",
            "created_at": datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
            **fields,
        }
    )


def test_the_unsubscribe_url_is_notifys_page_for_the_email_with_its_token() -> None:
    url = unsubscribe_url(
        "https://notify.digitalwell.example/", SECRET, EMAIL_ID, expires_at=IN_A_YEAR
    )

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        f"https://notify.digitalwell.example/unsubscribe/{EMAIL_ID}"
    )
    expected = link_token(SECRET, UNSUBSCRIBE, EMAIL_ID, expires_at=IN_A_YEAR)
    assert parse_qs(parts.query) == {"token": [expected]}


def test_the_token_is_valid_only_for_its_email_and_secret() -> None:
    token = parse_qs(
        urlsplit(unsubscribe_url("http://n", SECRET, EMAIL_ID, expires_at=IN_A_YEAR)).query
    )["token"][0]

    assert unsubscribe_token_is_valid(SECRET, EMAIL_ID, token)
    assert not unsubscribe_token_is_valid(SECRET, "another-email", token)
    assert not unsubscribe_token_is_valid("another-secret-another-secret-32", EMAIL_ID, token)
    assert not unsubscribe_token_is_valid(SECRET, EMAIL_ID, token[:-1])
    assert not unsubscribe_token_is_valid(SECRET, EMAIL_ID, "åäö")


def test_an_unsubscribe_token_does_not_open_other_links() -> None:
    token = link_token(SECRET, UNSUBSCRIBE, EMAIL_ID, expires_at=IN_A_YEAR)

    assert not link_token_is_valid(SECRET, "withdraw", EMAIL_ID, token)


def test_a_non_essential_email_carries_one_click_unsubscribe_headers_unfolded() -> None:
    url = unsubscribe_url(
        "https://notify.digitalwell.example", SECRET, EMAIL_ID, expires_at=IN_A_YEAR
    )
    message = build_message(
        stored_email(unsubscribe_url=url, category="reminders"), "noreply@digitalwell.example"
    )

    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: on one line, not split into RFC 2047 encoded words that no client would follow.
    for utf8 in (False, True):
        raw = flatten_message(message, utf8=utf8)
        assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw


def test_an_essential_email_has_no_unsubscribe_headers() -> None:
    message = build_message(stored_email(unsubscribe_url=None), "noreply@digitalwell.example")

    assert "List-Unsubscribe" not in message
    assert "List-Unsubscribe-Post" not in message


def test_an_unsubscribe_url_that_would_break_the_header_is_refused() -> None:
    email = stored_email(unsubscribe_url="https://n/unsubscribe/x>\r\nBcc: someone@example.org")

    with pytest.raises(ValueError, match="unsubscribe URL"):
        build_message(email, "noreply@digitalwell.example")


def test_an_unsubscribe_link_written_before_links_expired_lasts_as_long_as_a_new_one() -> None:
    old_token = _v1(UNSUBSCRIBE, EMAIL_ID)
    sent = datetime(2025, 1, 10, tzinfo=UTC)

    a_year_on = unsubscribe_link(SECRET, EMAIL_ID, old_token, v1_expires_at=sent + timedelta(365))
    expired_new = link_token(SECRET, UNSUBSCRIBE, EMAIL_ID, expires_at=sent + timedelta(365))

    assert a_year_on is LinkCheck.EXPIRED  # sent in January 2025: a year has passed
    assert unsubscribe_link(SECRET, EMAIL_ID, old_token) is LinkCheck.VALID
    assert unsubscribe_link(SECRET, EMAIL_ID, expired_new) is LinkCheck.EXPIRED
    assert not unsubscribe_token_is_valid(SECRET, EMAIL_ID, expired_new)


def _v1(purpose: str, subject: str) -> str:
    """A token as links were signed before they carried an expiry (digitalwell-link:v1)."""
    message = b"digitalwell-link:v1:" + purpose.encode() + b"\x1f" + subject.encode()
    digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
