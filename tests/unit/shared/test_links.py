"""Signed links: a token opens one purpose on one subject, until its expiry, and nothing else."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import ValidationError

from digitalwell_shared.links import (
    BOOK_WORKSHOP,
    WORKSHOP_BOOKING_DAYS,
    LinkCheck,
    book_workshop_url,
    booking_links_expire_at,
    check_link_token,
    link_token,
    link_token_is_valid,
    mask_link_tokens,
    unsubscribe_link_expires_at,
)
from digitalwell_shared.settings import ServiceSettings

SECRET = "k3PqL9vX2mN8rT5wY7zA1bC4dE6fG0hJ"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TOMORROW = NOW + timedelta(days=1)


def v1_token(purpose: str, subject: str, secret: str = SECRET) -> str:
    """A token as links were signed before they carried an expiry (in e-mails already sent)."""
    message = b"digitalwell-link:v1:" + purpose.encode() + b"\x1f" + subject.encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_a_token_opens_its_purpose_on_its_subject_until_it_expires() -> None:
    token = link_token(SECRET, "cancel-booking", "bkg_1", expires_at=TOMORROW)

    assert token.startswith("v2.")
    assert check_link_token(SECRET, "cancel-booking", "bkg_1", token, now=NOW) is LinkCheck.VALID
    just_before = TOMORROW - timedelta(seconds=1)
    assert check_link_token(SECRET, "cancel-booking", "bkg_1", token, now=just_before) is (
        LinkCheck.VALID
    )
    assert check_link_token(SECRET, "cancel-booking", "bkg_1", token, now=TOMORROW) is (
        LinkCheck.EXPIRED
    )


def test_a_token_without_an_expiry_lasts_while_state_allows() -> None:
    token = link_token(SECRET, "withdraw", "app_1", expires_at=None)

    far_future = NOW + timedelta(days=3650)
    assert check_link_token(SECRET, "withdraw", "app_1", token, now=far_future) is LinkCheck.VALID
    assert link_token_is_valid(SECRET, "withdraw", "app_1", token)


@pytest.mark.parametrize(
    ("secret", "purpose", "subject"),
    [
        ("another-secret-of-thirty-two-chars!", "withdraw", "app_1"),
        (SECRET, "unsubscribe", "app_1"),
        (SECRET, "withdraw", "app_2"),
    ],
)
def test_a_token_opens_nothing_else(secret: str, purpose: str, subject: str) -> None:
    token = link_token(SECRET, "withdraw", "app_1", expires_at=TOMORROW)

    assert check_link_token(secret, purpose, subject, token, now=NOW) is LinkCheck.INVALID


def test_a_moved_expiry_breaks_the_token() -> None:
    token = link_token(SECRET, "accept-seat", "bkg_1", expires_at=NOW - timedelta(hours=1))
    _, expiry, mac = token.split(".")
    later = str(int(expiry) + 86400 * 365)
    no_limit = f"v2.-.{mac}"

    for forged in (f"v2.{later}.{mac}", no_limit):
        assert check_link_token(SECRET, "accept-seat", "bkg_1", forged, now=NOW) is (
            LinkCheck.INVALID
        )


def test_a_forged_expired_token_is_invalid_not_expired() -> None:
    genuine = link_token(SECRET, "accept-seat", "bkg_1", expires_at=NOW - timedelta(days=1))
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")

    assert check_link_token(SECRET, "accept-seat", "bkg_1", forged, now=NOW) is LinkCheck.INVALID


@pytest.mark.parametrize("token", ["", "åäö", "v2.", "v2.abc.def", "v2.1.2.3", "v3.1.x", "v2.-1.x"])
def test_malformed_tokens_are_refused_not_an_error(token: str) -> None:
    assert check_link_token(SECRET, "withdraw", "app_1", token, now=NOW) is LinkCheck.INVALID


def test_a_v1_token_is_worth_what_its_checker_gives_it() -> None:
    token = v1_token("unsubscribe", "email_1")

    assert check_link_token(SECRET, "unsubscribe", "email_1", token, now=NOW) is LinkCheck.VALID
    assert (
        check_link_token(SECRET, "unsubscribe", "email_1", token, now=NOW, v1_expires_at=NOW)
        is LinkCheck.EXPIRED
    )
    assert check_link_token(SECRET, "unsubscribe", "email_2", token, now=NOW) is (LinkCheck.INVALID)
    wrong_secret = v1_token("unsubscribe", "email_1", "another-secret-of-thirty-two-chars!")
    assert check_link_token(SECRET, "unsubscribe", "email_1", wrong_secret, now=NOW) is (
        LinkCheck.INVALID
    )


def test_booking_links_end_the_grace_after_the_session_and_unsubscribe_links_after_days() -> None:
    ends = datetime(2027, 3, 4, 11, 0, tzinfo=UTC)

    assert booking_links_expire_at(ends, 24) == datetime(2027, 3, 5, 11, 0, tzinfo=UTC)
    assert unsubscribe_link_expires_at(ends, 365) == datetime(2028, 3, 3, 11, 0, tzinfo=UTC)


def test_production_refuses_the_development_link_secret() -> None:
    with pytest.raises(ValidationError, match="LINK_SECRET must be set"):
        ServiceSettings(mongodb_database="x", http_port=1, environment="production")


def test_masking_hides_every_links_token_in_text_and_html() -> None:
    text = (
        "Withdraw: https://intake.test/applications/a1/withdraw?token=abc-_Q1&lang=sv\n"
        "<https://notify.test/unsubscribe/e1?lang=en&token=v2.1767225600.xyz>\n"
        '<a href="https://forum.test/bookings/b1/cancel?token=T0k3n&amp;lang=en">Cancel</a>'
    )

    masked = mask_link_tokens(text)

    assert "abc-_Q1" not in masked
    assert "xyz" not in masked
    assert "T0k3n" not in masked
    assert masked.count("token=[hidden]") == 3
    assert "/applications/a1/withdraw?token=[hidden]&lang=sv" in masked


def test_a_workshop_link_is_the_same_wherever_it_is_written_and_expires_with_the_grant() -> None:
    decided_at = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)

    letter = book_workshop_url(
        "https://forum.example/", SECRET, "app_1", "sv", decided_at=decided_at
    )
    status_page = book_workshop_url("https://forum.example", SECRET, "app_1", decided_at=decided_at)

    assert letter.startswith("https://forum.example/workshops/app_1?token=v2.")
    assert letter.endswith("&lang=sv")
    token = parse_qs(urlsplit(letter).query)["token"][0]
    assert status_page == f"https://forum.example/workshops/app_1?token={token}"
    last_day = decided_at + timedelta(days=WORKSHOP_BOOKING_DAYS) - timedelta(seconds=1)
    assert check_link_token(SECRET, BOOK_WORKSHOP, "app_1", token, now=last_day) is LinkCheck.VALID
    assert (
        check_link_token(SECRET, BOOK_WORKSHOP, "app_1", token, now=last_day + timedelta(seconds=1))
        is LinkCheck.EXPIRED
    )
    assert check_link_token(SECRET, BOOK_WORKSHOP, "app_2", token) is LinkCheck.INVALID
