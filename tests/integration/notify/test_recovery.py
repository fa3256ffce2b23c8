"""notify after faults: each outcome recorded as its exchange ends, claims renewed while an
exchange lasts, and e-mails that waited for an absent relay sent within seconds of its return.

Real SMTP servers on loopback, the real broker and database.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.smtp_sink import BackgroundMailSink, MailSink
from digitalwell_notify.settings import Settings
from digitalwell_shared.mongo import Document
from tests.support.mail import MailSinkClient, sent_to
from tests.support.notify import email_document, running_notify
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

SLOW_SECONDS = 6.0


class _SlowForSome:
    """Takes every message; holds the exchange of a message to slow.* for SLOW_SECONDS."""

    def __init__(self) -> None:
        self.begun: Counter[str] = Counter()
        self.received: Counter[str] = Counter()
        self.slow_in_exchange = False

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.begun.update(str(to) for to in envelope.rcpt_tos)
        if any(str(to).startswith("slow.") for to in envelope.rcpt_tos):
            self.slow_in_exchange = True
            await asyncio.sleep(SLOW_SECONDS)
            self.slow_in_exchange = False
        self.received.update(str(to) for to in envelope.rcpt_tos)
        return "250 OK"


@asynccontextmanager
async def slow_relay() -> AsyncIterator[tuple[_SlowForSome, int]]:
    handler = _SlowForSome()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="slow", loop=loop), "127.0.0.1", 0
    )
    try:
        yield handler, server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def _statuses(app: FastAPI, emails: list[Document]) -> dict[str, str]:
    found = app.state.runtime.database["emails"].find({"_id": {"$in": [e["_id"] for e in emails]}})
    return {email["recipient"]: email["status"] async for email in found}


async def test_each_email_is_recorded_as_its_exchange_ends_and_a_slow_one_keeps_its_claim(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    database = f"notify-{uuid.uuid4().hex[:12]}"
    settings = Settings(mongodb_database=database)
    slow = email_document(settings, recipient=f"slow.{uuid.uuid4().hex[:8]}@example.org")
    fast = [
        email_document(settings, recipient=f"fast.{uuid.uuid4().hex[:8]}@example.org")
        for _ in range(3)
    ]
    async with slow_relay() as (relay, port), AsyncExitStack() as replicas:
        # Two notify replicas on one database, with a lease a sixth of the slow exchange.
        replica = [
            await replicas.enter_async_context(
                running_notify(
                    kafka_bootstrap_servers,
                    mongodb_url,
                    mongodb_database=database,
                    smtp_host="127.0.0.1",
                    smtp_port=port,
                    delivery_lease_seconds=1,
                )
            )
            for _ in range(2)
        ]
        apps = [running.app for running in replica]
        runtime = replica[0].runtime
        await replica[0].store([slow, *fast])

        async def fast_ones_recorded() -> bool:
            statuses = await _statuses(apps[0], fast)
            return list(statuses.values()) == ["sent"] * len(fast)

        await until_true(fast_ones_recorded, seconds=30)
        slow_still_in_exchange = relay.slow_in_exchange
        slow_status_meanwhile = (await _statuses(apps[0], [slow]))[slow["recipient"]]

        async def slow_one_recorded() -> bool:
            return (await _statuses(apps[0], [slow]))[slow["recipient"]] == "sent"

        await until_true(slow_one_recorded, seconds=30)
        # Had the claim lapsed, the other replica would have begun a second copy while the
        # first was held (its lease is a sixth of the exchange): the relay counts each begun.
        begun = relay.begun.copy()
        stored = await runtime.database["emails"].find_one({"_id": slow["_id"]})

    assert slow_still_in_exchange, "the fast e-mails waited for the slow one to be recorded"
    assert slow_status_meanwhile == "pending"
    assert begun == Counter({e["recipient"]: 1 for e in [slow, *fast]})
    assert relay.received == Counter({e["recipient"]: 1 for e in [slow, *fast]})
    assert stored is not None
    assert [attempt["outcome"] for attempt in stored["attempts"]] == ["sent"]


async def test_emails_waiting_for_an_absent_relay_go_out_within_seconds_of_its_return(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    port = free_port("127.0.0.1")  # nothing listens here yet: the relay is away
    database = f"notify-{uuid.uuid4().hex[:12]}"
    settings = Settings(mongodb_database=database)
    # Queued straight into the store: what is measured is delivery, not consumption (a fresh
    # consumer group on Tansu can take a minute to settle after the previous test's replicas).
    queued = [
        email_document(settings, recipient=f"waiting.{uuid.uuid4().hex[:8]}@example.org")
        for _ in range(4)
    ]
    addresses = [email["recipient"] for email in queued]
    # A long first back-off (15 to 30 s): without noticing the relay's return they would wait.
    async with running_notify(
        kafka_bootstrap_servers,
        mongodb_url,
        mongodb_database=database,
        smtp_host="127.0.0.1",
        smtp_port=port,
        retry_base_seconds=30,
    ) as notify:
        runtime = notify.runtime
        await notify.store(queued)
        emails = runtime.database["emails"]

        async def all_tried() -> bool:
            return await emails.count_documents({"attempts.outcome": "failed"}) == len(queued)

        await until_true(all_tried, seconds=60)
        await asyncio.sleep(6)  # longer than a probe interval: probes are no retries
        tried_at = [[a["at"] for a in email["attempts"]] async for email in emails.find()]

        with BackgroundMailSink(MailSink(smtp_port=port, http_port=0)) as sink:
            back_at = time.monotonic()
            mail = MailSinkClient(sink.host, sink.smtp_port, sink.api_url)
            for address in addresses:
                await mail.wait_for_message(sent_to(address), query=f"to:{address}", timeout=30)
            took = time.monotonic() - back_at

            async def all_recorded() -> bool:
                # The delivery log: once no e-mail is pending, no copy can follow.
                return await emails.count_documents({"status": "pending"}) == 0

            await until_true(all_recorded, seconds=30)
            received = [len(await mail.search(f"to:{address}")) for address in addresses]

    # Probes are no retries: while the relay was away, tries stayed the back-off apart (15 s+).
    gaps = [(b - a).total_seconds() for times in tried_at for a, b in itertools.pairwise(times)]
    assert all(gap >= 14 for gap in gaps), gaps
    assert received == [1] * len(queued)
    assert took < 10, f"the e-mails went out {took:.1f} s after the relay came back"
