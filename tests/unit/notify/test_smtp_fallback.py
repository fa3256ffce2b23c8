"""The SMTP transport hands over to the second relay while the first keeps failing, and back."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.smtp_sink import MailSink
from digitalwell_notify.settings import Settings
from digitalwell_notify.smtp import DeliveryError, SmtpTransport
from tests.support.relays import scripted_relay

HOST = "127.0.0.1"
TRY_LATER = "451 4.3.0 try again later"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(number: int = 1) -> EmailMessage:
    sent = EmailMessage()
    sent["From"] = "noreply@digitalwell.example"
    sent["To"] = "asa@example.org"
    sent["Subject"] = f"message {number}"
    sent.set_content("hello")
    return sent


def transport(
    primary_port: int,
    fallback_port: int | None,
    *,
    after: int = 2,
    clock: FakeClock | None = None,
    **settings: Any,
) -> SmtpTransport:
    fallback: dict[str, Any] = (
        {}
        if fallback_port is None
        else {
            "fallback_smtp_host": HOST,
            "fallback_smtp_port": fallback_port,
            "fallback_smtp_security": "none",
        }
    )
    return SmtpTransport(
        Settings(
            smtp_host=HOST,
            smtp_port=primary_port,
            smtp_timeout_seconds=5,
            fallback_after_failures=after,
            **fallback,
            **settings,
        ),
        retry_primary_after=60,
        clock=clock or FakeClock(),
    )


async def test_without_a_second_relay_the_first_takes_every_message_and_is_named() -> None:
    async with scripted_relay("250 2.0.0 queued as 42") as primary:
        reply = await transport(primary.port, None).send(message())

    assert reply == "primary: 250 2.0.0 queued as 42"
    assert primary.received == 1


async def test_without_a_second_relay_a_failure_stays_temporary() -> None:
    async with scripted_relay(TRY_LATER) as primary:
        smtp = transport(primary.port, None, after=1)
        for _ in range(3):
            with pytest.raises(DeliveryError) as failed:
                await smtp.send(message())
            assert not failed.value.permanent

    assert primary.received == 3
    assert str(failed.value) == f"primary: {TRY_LATER}"


async def test_the_second_relay_takes_over_once_the_first_has_failed_often_enough() -> None:
    async with scripted_relay(TRY_LATER) as primary, scripted_relay() as fallback:
        smtp = transport(primary.port, fallback.port, after=2)

        with pytest.raises(DeliveryError) as first:
            await smtp.send(message(1))
        second = await smtp.send(message(2))
        third = await smtp.send(message(3))

    assert not first.value.permanent
    assert str(first.value) == f"primary: {TRY_LATER}"
    # The second failure of the first relay sends that same message through the second relay.
    assert second.startswith("fallback: 250")
    assert third.startswith("fallback: 250")
    assert primary.received == 2  # the third message did not wait for the first relay
    assert fallback.received == 2
    assert smtp.on_fallback


async def test_a_relay_where_nothing_listens_is_a_temporary_failure_that_hands_over() -> None:
    sink = MailSink(smtp_port=0, http_port=0)
    await sink.start()
    try:
        smtp = transport(free_port(HOST), sink.smtp_port, after=1)
        reply = await smtp.send(message())
    finally:
        await sink.stop()

    assert reply.startswith("fallback: 250")
    assert [stored.subject for stored in sink.mailbox.newest_first()] == ["message 1"]


async def test_the_first_relay_is_tried_again_after_a_while_and_takes_back_over() -> None:
    clock = FakeClock()
    async with scripted_relay(TRY_LATER) as primary, scripted_relay() as fallback:
        smtp = transport(primary.port, fallback.port, after=1, clock=clock)
        await smtp.send(message(1))  # fails over at once
        clock.now += 59
        await smtp.send(message(2))
        assert primary.received == 1

        clock.now += 2  # a minute since the first relay last failed: try it first again
        still_down = await smtp.send(message(3))
        assert primary.received == 2
        assert still_down.startswith("fallback: 250")

        clock.now += 30  # the failed retry restarted the wait
        await smtp.send(message(4))
        assert primary.received == 2

        primary.reply = "250 OK"
        clock.now += 31
        back = await smtp.send(message(5))
        after = await smtp.send(message(6))

    assert back == "primary: 250 OK"
    assert after == "primary: 250 OK"
    assert not smtp.on_fallback
    assert fallback.received == 4


async def test_when_the_second_relay_fails_the_first_is_tried_at_once() -> None:
    async with scripted_relay(TRY_LATER) as primary, scripted_relay() as fallback:
        smtp = transport(primary.port, fallback.port, after=1)
        await smtp.send(message(1))
        assert smtp.on_fallback

        fallback.reply = TRY_LATER
        primary.reply = "250 OK"
        reply = await smtp.send(message(2))

    assert reply == "primary: 250 OK"
    assert not smtp.on_fallback


async def test_when_both_relays_fail_the_failure_is_temporary_and_names_both() -> None:
    async with scripted_relay(TRY_LATER) as primary, scripted_relay(TRY_LATER) as fallback:
        smtp = transport(primary.port, fallback.port, after=1)
        with pytest.raises(DeliveryError) as failed:
            await smtp.send(message())

    assert not failed.value.permanent
    assert str(failed.value) == f"primary: {TRY_LATER}; fallback: {TRY_LATER}"


async def test_a_permanent_refusal_is_the_recipients_problem_not_the_relays() -> None:
    refusal = "550 5.1.1 mailbox unavailable"
    async with scripted_relay(refusal) as primary, scripted_relay() as fallback:
        smtp = transport(primary.port, fallback.port, after=1)
        for _ in range(3):
            with pytest.raises(DeliveryError) as refused:
                await smtp.send(message())
            assert refused.value.permanent
            assert str(refused.value) == f"primary: {refusal}"

    assert fallback.received == 0
    assert not smtp.on_fallback


async def test_a_permanent_refusal_breaks_the_run_of_temporary_failures() -> None:
    async with scripted_relay(TRY_LATER) as primary, scripted_relay() as fallback:
        smtp = transport(primary.port, fallback.port, after=2)
        with pytest.raises(DeliveryError):
            await smtp.send(message(1))
        primary.reply = "550 5.1.1 mailbox unavailable"
        with pytest.raises(DeliveryError):
            await smtp.send(message(2))
        primary.reply = TRY_LATER
        with pytest.raises(DeliveryError):
            await smtp.send(message(3))

    assert fallback.received == 0


def test_a_relays_password_stays_out_of_its_repr() -> None:
    smtp = transport(25, 587, smtp_username="notify", smtp_password="s3cret-pw")

    assert "s3cret-pw" not in repr(vars(smtp))
