"""notify's delivery rules: one key per (event, recipient, template), and retry timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digitalwell_notify.domain import (
    RetryPolicy,
    delivery_key,
    is_permanent_smtp_code,
    message_id,
)


def test_the_same_event_recipient_and_template_give_the_same_key() -> None:
    assert delivery_key("e1", "Asa@Example.org ", "receipt") == delivery_key(
        "e1", "asa@example.org", "receipt"
    )


def test_another_event_recipient_or_template_gives_another_key() -> None:
    keys = {
        delivery_key("e1", "a@example.org", "receipt"),
        delivery_key("e2", "a@example.org", "receipt"),
        delivery_key("e1", "b@example.org", "receipt"),
        delivery_key("e1", "a@example.org", "decision"),
    }
    assert len(keys) == 4


def test_the_message_id_is_derived_from_the_key() -> None:
    assert message_id("abc", "digitalwell.example") == "<abc@digitalwell.example>"


def test_retries_back_off_exponentially_within_the_ceiling() -> None:
    policy = RetryPolicy(base_seconds=2, max_interval_seconds=60, give_up_after_seconds=3600)
    start = datetime(2026, 11, 23, tzinfo=UTC)

    delays = [
        (policy.next_attempt(start, attempts, start) - start).total_seconds()  # type: ignore[operator]
        for attempts in (1, 2, 3, 10)
    ]

    assert 1 <= delays[0] <= 2
    assert 2 <= delays[1] <= 4
    assert 4 <= delays[2] <= 8
    assert 30 <= delays[3] <= 60


def test_retrying_stops_when_the_time_is_up() -> None:
    policy = RetryPolicy(base_seconds=2, max_interval_seconds=60, give_up_after_seconds=3600)
    start = datetime(2026, 11, 23, tzinfo=UTC)

    assert policy.next_attempt(start, 5, start + timedelta(hours=1)) is None


def test_only_5xx_replies_are_permanent() -> None:
    assert is_permanent_smtp_code(550)
    assert not is_permanent_smtp_code(451)
    assert not is_permanent_smtp_code(421)
