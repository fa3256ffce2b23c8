"""Submit N applications to the running system; print requests/s and submit-to-receipt times.

Run against `make run` (or anything with intake's API and a Mailpit-shaped mail API):

    .venv/bin/python benchmarks/submit_to_receipt.py --applications 200 --concurrency 20

The receipt time is when the mail sink received the e-mail (its ``Created``), measured from the
moment the submit request was sent, so it covers intake, the outbox relay, Kafka, notify's
consumer, its delivery worker and SMTP.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import datetime

import httpx


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
) -> dict[str, float]:
    """Wait until every receipt of the run arrived; return each address's arrival time.

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
            await asyncio.sleep(0.5)
        response = await client.get("/api/v1/search", params=query | {"limit": expected})
    return {
        message["To"][0]["Address"]: datetime.fromisoformat(message["Created"]).timestamp()
        for message in response.json()["messages"]
    }


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def main() -> None:
    """Parse arguments, run the benchmark, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intake", default="http://127.0.0.1:8000")
    parser.add_argument("--mail-api", default="http://127.0.0.1:8025")
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for receipts")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    sent_at, duration = await submit_all(args.intake, run, args.applications, args.concurrency)
    arrived = await wait_for_receipts(args.mail_api, run, args.applications, args.timeout)
    latencies = [arrived[address] - sent for address, sent in sent_at.items() if address in arrived]

    print(f"applications:        {args.applications} (concurrency {args.concurrency})")
    print(f"submit requests/s:   {args.applications / duration:.1f}")
    print(f"receipts arrived:    {len(latencies)}/{args.applications}")
    if latencies:
        print(f"submit→receipt p50:  {statistics.median(latencies) * 1000:.0f} ms")
        print(f"submit→receipt p95:  {percentile(latencies, 0.95) * 1000:.0f} ms")
        print(f"submit→receipt max:  {max(latencies) * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
