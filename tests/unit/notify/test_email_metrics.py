from email.message import EmailMessage

import pytest
from prometheus_client import CollectorRegistry

from digitalwell_notify.metrics import counted
from digitalwell_notify.smtp import DeliveryError


async def test_sent_e_mails_and_failed_attempts_are_counted_apart() -> None:
    registry = CollectorRegistry()
    outcomes = iter(
        [
            "250 OK",
            DeliveryError("421 busy", permanent=False),
            DeliveryError("550 no", permanent=True),
        ]
    )

    async def send(_message: EmailMessage) -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    send_counted = counted(send, registry)
    assert await send_counted(EmailMessage()) == "250 OK"
    for _ in range(2):
        with pytest.raises(DeliveryError):
            await send_counted(EmailMessage())

    assert registry.get_sample_value("digitalwell_emails_sent_total") == 1
    assert registry.get_sample_value("digitalwell_emails_failed_total", {"permanent": "false"}) == 1
    assert registry.get_sample_value("digitalwell_emails_failed_total", {"permanent": "true"}) == 1
