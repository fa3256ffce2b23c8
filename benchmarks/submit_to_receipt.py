"""Submit N applications to the running system; print requests/s and submit-to-receipt times.

Run against `make run` (or anything with intake's API and a Mailpit-shaped mail API):

    .venv/bin/python -m benchmarks.submit_to_receipt --applications 200 --concurrency 20

The receipt time is when the mail sink received the e-mail (its ``Created``), measured from the
moment the submit request was sent, so it covers intake, the outbox relay, Kafka, notify's
consumer, its delivery worker and SMTP. ``python -m benchmarks`` runs it twice: one at a time
(the idle latency) and 20 at a time (the throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections import Counter
from datetime import datetime

import httpx

from benchmarks.figures import Figure, System, count, median, milliseconds, percentile, rate, table


def org_number() -> str:
    """A random Swedish organisation number with a correct check digit (Luhn)."""
    digits = [5, 5, 6] + [random.randint(0, 9) for _ in range(6)]
    total = 0
    for index, digit in enumerate(digits):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled - 9 if doubled > 9 else doubled
    digits.append((10 - total % 10) % 10)
    text = "".join(map(str, digits))
    return f"{text[:6]}-{text[6:]}"


def application(run: str, number: int) -> dict[str, object]:
    """A valid application whose contact address names the run and the number."""
    return {
        "organisation": {"name": f"Benchmark AB {number}", "org_number": org_number()},
        "contact": {
            "name": "Bench Marksson",
            "email": f"bench-{run}-{number}@example.org",
            "phone": "+46701234567",
            "language": "sv",
        },
        "title": f"Benchmark {run} {number}",
        "summary": "A service measured for speed.",
        "need": "Knowing how fast the system is.",
        "target_groups": ["operators"],
        "stage": "idea",
        "business_model": "None; it is a benchmark.",
        "public_sector_partners": [],
        "support_requested": ["coaching"],
        "consent": True,
    }


async def submit_all(
    intake: str, run: str, count: int, concurrency: int
) -> tuple[dict[str, float], float]:
    """POST every application; return each address's send time and the phase's duration."""
    sent_at: dict[str, float] = {}
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=intake, timeout=60, trust_env=False) as client:

        async def submit(number: int) -> None:
            body = application(run, number)
            async with gate:
                started = time.time()
                response = await client.post("/api/v1/applications", json=body)
            response.raise_for_status()
            sent_at[body["contact"]["email"]] = started  # type: ignore[index]

        began = time.perf_counter()
        await asyncio.gather(*(submit(number) for number in range(count)))
        return sent_at, time.perf_counter() - began


async def wait_for_receipts(
    mail_api: str, run: str, expected: int, seconds: float
) -> tuple[dict[str, float], Counter[str]]:
    """Wait until every receipt of the run arrived; each address's first arrival and copies.

    While waiting it asks only for the number of matches: listing every message each poll
    would load the sink, a process on the same two cores, and slow what is measured.
    """
    query = {"query": f"bench-{run}"}
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=mail_api, timeout=60, trust_env=False) as client:
        while time.monotonic() < deadline:
            response = await client.get("/api/v1/search", params=query | {"limit": 1})
            response.raise_for_status()
            if response.json()["messages_count"] >= expected:
                break
            await asyncio.sleep(0.2)
        response = await client.get("/api/v1/search", params=query | {"limit": expected * 2})
    arrived: dict[str, float] = {}
    copies: Counter[str] = Counter()
    for message in response.json()["messages"]:
        address = message["To"][0]["Address"]
        created = datetime.fromisoformat(message["Created"]).timestamp()
        arrived[address] = min(created, arrived.get(address, created))
        copies[address] += 1
    return arrived, copies


ONE_AT_A_TIME = "submit one at a time"
CONCURRENT = "submit concurrently"
WHAT = (
    "submissions/s",
    "submit → receipt p50",
    "submit → receipt p95",
    "submissions",
    "receipts arrived",
    "receipts doubled",
    "concurrency",
)


def figure_names(label: str) -> tuple[str, ...]:
    """The names ``measure`` gives its figures under ``label``."""
    return tuple(f"{label}: {what}" for what in WHAT)


async def measure(
    system: System, applications: int, concurrency: int, *, label: str, wait: float = 300
) -> list[Figure]:
    """Submit ``applications``, ``concurrency`` at a time; the rate, receipt times and copies."""
    run = uuid.uuid4().hex[:8]
    sent_at, duration = await submit_all(system.intake, run, applications, concurrency)
    arrived, copies = await wait_for_receipts(system.mail_api, run, applications, wait)
    latencies = [arrived[address] - sent for address, sent in sent_at.items() if address in arrived]
    names = figure_names(label)
    return [
        rate(names[0], applications, duration),
        milliseconds(names[1], median(latencies)),
        milliseconds(names[2], percentile(latencies, 0.95)),
        count(names[3], applications),
        count(names[4], len(latencies)),
        count(names[5], sum(n - 1 for n in copies.values())),
        count(names[6], concurrency),
    ]


async def one_at_a_time(system: System, *, quick: bool) -> list[Figure]:
    """The idle latency: 50 applications one after another; 3 when quick."""
    return await measure(system, 3 if quick else 50, 1, label=ONE_AT_A_TIME)


async def concurrently(system: System, *, quick: bool) -> list[Figure]:
    """The throughput: 200 applications 20 at a time; 6 three at a time when quick."""
    applications, concurrency = (6, 3) if quick else (200, 20)
    return await measure(system, applications, concurrency, label=CONCURRENT)


def main() -> None:
    """Parse arguments, run the benchmark, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    addresses = System.from_env()
    parser.add_argument("--intake", default=addresses.intake)
    parser.add_argument("--mail-api", default=addresses.mail_api)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for receipts")
    args = parser.parse_args()
    system = System(args.intake, addresses.forums, args.mail_api, addresses.bootstrap, "")
    label = ONE_AT_A_TIME if args.concurrency == 1 else CONCURRENT
    found = measure(system, args.applications, args.concurrency, label=label, wait=args.timeout)
    print(table(asyncio.run(found)))


if __name__ == "__main__":
    main()
