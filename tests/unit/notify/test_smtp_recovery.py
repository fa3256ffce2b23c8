"""Telling a relay that is away from a refused message, and probing whether it is back.

Real SMTP servers on loopback: the embedded sink with its chaos triggers (Mailpit's API) and
scripted relays.
"""

from __future__ import annotations

from email.message import EmailMessage

import httpx
import pytest

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.smtp_sink import MailSink
from digitalwell_notify.settings import Settings
from digitalwell_notify.smtp import DeliveryError, SmtpTransport
from tests.support.relays import scripted_relay

HOST = "127.0.0.1"
FROM = "noreply@digitalwell.example"


def message() -> EmailMessage:
    sent = EmailMessage()
    sent["From"] = FROM
    sent["To"] = "asa@example.org"
    sent["Subject"] = "hello"
    sent.set_content("hello")
    return sent


def transport(port: int) -> SmtpTransport:
    return SmtpTransport(
        Settings(smtp_host=HOST, smtp_port=port, smtp_security="none", smtp_timeout_seconds=5)
    )


async def _chaos(sink: MailSink, code: int, probability: int) -> httpx.Response:
    async with httpx.AsyncClient(base_url=sink.api_url, trust_env=False) as client:
        return await client.put(
            "/api/v1/chaos", json={"Sender": {"ErrorCode": code, "Probability": probability}}
        )


async def test_nothing_listening_is_a_relay_away_and_its_probe_fails() -> None:
    smtp = transport(free_port(HOST))

    with pytest.raises(DeliveryError) as failed:
        await smtp.send(message())

    assert failed.value.relay_down
    assert not failed.value.permanent
    assert not await smtp.probe(FROM)


async def test_a_sink_refusing_senders_with_421_is_away_until_chaos_ends() -> None:
    sink = MailSink(smtp_port=0, http_port=0)
    await sink.start()
    try:
        smtp = transport(sink.smtp_port)
        assert (await _chaos(sink, 421, 100)).status_code == 200
        with pytest.raises(DeliveryError) as refused:
            await smtp.send(message())
        probed_while_refusing = await smtp.probe(FROM)
        await _chaos(sink, 421, 0)
        probed_after = await smtp.probe(FROM)
        reply = await smtp.send(message())
    finally:
        await sink.stop()

    assert refused.value.relay_down
    assert not refused.value.permanent
    assert "421" in str(refused.value)
    assert not probed_while_refusing
    assert probed_after
    assert reply.startswith("primary: 250")
    # The probes sent no message.
    assert len(sink.mailbox) == 1


async def test_the_sink_names_an_unknown_chaos_trigger() -> None:
    sink = MailSink(smtp_port=0, http_port=0)
    await sink.start()
    try:
        async with httpx.AsyncClient(base_url=sink.api_url, trust_env=False) as client:
            response = await client.put("/api/v1/chaos", json={"Sneder": {"Probability": 100}})
            current = (await client.get("/api/v1/chaos")).json()
    finally:
        await sink.stop()

    assert response.status_code == 422
    assert "Sneder" in response.text
    assert current["Sender"]["Probability"] == 0


@pytest.mark.parametrize("reply", ["451 4.3.0 try again later", "452 4.2.2 mailbox full"])
async def test_a_temporary_reply_about_the_message_is_not_the_relay_away(reply: str) -> None:
    async with scripted_relay(reply) as relay:
        smtp = transport(relay.port)
        with pytest.raises(DeliveryError) as failed:
            await smtp.send(message())
        probed = await smtp.probe(FROM)

    assert not failed.value.permanent
    assert not failed.value.relay_down
    assert probed
