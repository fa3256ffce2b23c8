"""Signed links: a token opens one purpose on one subject, and nothing else."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from digitalwell_shared.links import link_token, link_token_is_valid, mask_link_tokens
from digitalwell_shared.settings import ServiceSettings

SECRET = "k3PqL9vX2mN8rT5wY7zA1bC4dE6fG0hJ"


def test_a_token_opens_its_purpose_on_its_subject() -> None:
    token = link_token(SECRET, "withdraw", "app_1")

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
    token = link_token(SECRET, "withdraw", "app_1")

    assert not link_token_is_valid(secret, purpose, subject, token)


def test_a_token_with_characters_outside_ascii_is_refused_not_an_error() -> None:
    assert not link_token_is_valid(SECRET, "withdraw", "app_1", "åäö")


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
