"""Publish N events straight to Kafka and measure e-mails per second from event to SMTP sink.

Run against `make run` (notify, the broker and the sink must be up):

    .venv/bin/python -m benchmarks.notify_throughput --emails 500

Each event is an ApplicationSubmitted with its own recipient, so each gives one receipt; the
figure covers notify's consumer, its database writes, the delivery worker and SMTP. council
consumes the same events, as it would in production.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from datetime import UTC, datetime

import httpx
from aiokafka import AIOKafkaProducer

from benchmarks.figures import Figure, System, count, milliseconds, rate, table
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.signing import EventSigner


def event(run: str, number: int) -> ApplicationSubmitted:
    """An application whose contact address names the run and the number."""
    return ApplicationSubmitted.model_validate(
        {
            "application_id": f"app_bench_{run}_{number}",
            "case_number": f"DW-{datetime.now(UTC).year}-{900_000 + number}",
            "submitted_at": datetime.now(UTC),
            "organisation": {"name": "Benchmark AB", "org_number": "556036-0793"},
            "contact": {
                "name": "Bench Marksson",
                "email": f"notify-{run}-{number}@example.org",
                "phone": "+46701234567",
                "language": "sv" if number % 2 else "en",
            },
            "title": f"Benchmark {number}",
            "summary": "s",
            "need": "n",
            "target_groups": [],
            "stage": "idea",
            "business_model": "b",
            "public_sector_partners": [],
            "support_requested": ["coaching"],
        }
    )


async def publish_all(bootstrap: str, run: str, count: int) -> float:
    """Publish every event; return the wall-clock time the first was sent."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=5)
    await producer.start()
    started = time.time()
    try:
        sends = []
        for number in range(count):
            submitted = event(run, number)
            body = submitted.model_dump_json().encode()
            # notify accepts only what intake signed: the benchmark signs with intake's dev key.
            headers = EventSigner.development("intake").sign(
                submitted.topic,
                submitted.key(),
                body,
                Envelope.for_event(submitted, source="/benchmark").to_headers(),
            )
            sends.append(
                await producer.send(
                    submitted.topic,
                    body,
                    key=submitted.key().encode(),
                    headers=[(name, value.encode()) for name, value in headers.items()],
                )
            )
        await asyncio.gather(*sends)
    finally:
        await producer.stop()
    return started


async def arrivals(mail_api: str, run: str, count: int, seconds: float) -> list[float]:
    """Wait until every e-mail of the run arrived; return their arrival times.

    While waiting it asks only for the number of matches: listing every message each second
    would load the sink, a process on the same two cores, and slow what is measured.
    """
    query = {"query": f"notify-{run}"}
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=mail_api, timeout=60, trust_env=False) as client:
        while time.monotonic() < deadline:
            response = await client.get("/api/v1/search", params=query | {"limit": 1})
            if response.json()["messages_count"] >= count:
                break
            await asyncio.sleep(0.5)
        response = await client.get("/api/v1/search", params=query | {"limit": count})
    return sorted(
        datetime.fromisoformat(message["Created"]).timestamp()
        for message in response.json()["messages"]
    )


FIGURES = (
    "notify: e-mails/s, first event → last e-mail",
    "notify: first event → last e-mail",
    "notify: e-mails at the sink",
)


async def measure(system: System, emails: int, *, wait: float = 600) -> list[Figure]:
    """Publish ``emails`` events; the rate from the first publish to the last arrival."""
    run = uuid.uuid4().hex[:8]
    started = await publish_all(system.bootstrap, run, emails)
    arrived = await arrivals(system.mail_api, run, emails, wait)
    total = arrived[-1] - started if arrived else None
    return [
        rate(FIGURES[0], len(arrived), total or 0.0),
        milliseconds(FIGURES[1], total),
        count(FIGURES[2], len(arrived)),
    ]


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 1 000 e-mails; 5 when quick."""
    return await measure(system, 5 if quick else 1000)


def main() -> None:
    """Parse arguments, run the benchmark, print the figures."""
    addresses = System.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=addresses.bootstrap)
    parser.add_argument("--mail-api", default=addresses.mail_api)
    parser.add_argument("--emails", type=int, default=500)
    parser.add_argument("--wait", type=float, default=600, help="seconds to wait for the e-mails")
    args = parser.parse_args()
    system = System(addresses.intake, addresses.forums, args.mail_api, args.bootstrap, "")
    print(f"events published: {args.emails}")
    print(table(asyncio.run(measure(system, args.emails, wait=args.wait))))


if __name__ == "__main__":
    main()
