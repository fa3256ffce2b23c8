"""Withdrawal tokens: one per application, signed with the service's secret."""

from __future__ import annotations

from digitalwell_intake.domain import new_application_id, withdraw_token, withdraw_token_is_valid

SECRET = "a-test-secret-of-at-least-32-characters"


def test_the_token_of_an_application_is_valid_for_it() -> None:
    application_id = new_application_id()

    token = withdraw_token(SECRET, application_id)

    assert withdraw_token_is_valid(SECRET, application_id, token)
    assert token == withdraw_token(SECRET, application_id)  # the same link every time
    assert "=" not in token  # fits a URL without escaping


def test_a_token_does_not_open_another_application() -> None:
    token = withdraw_token(SECRET, new_application_id())

    assert not withdraw_token_is_valid(SECRET, new_application_id(), token)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    application_id = new_application_id()

    assert not withdraw_token_is_valid(
        SECRET, application_id, withdraw_token("another-secret", application_id)
    )


def test_garbage_and_non_ascii_tokens_are_refused_without_error() -> None:
    application_id = new_application_id()

    for token in ["", "x", "å" * 43, withdraw_token(SECRET, application_id)[:-1]]:
        assert not withdraw_token_is_valid(SECRET, application_id, token)
