"""Book one session with many people at once; print requests/s, latencies and the outcome.

Run against `make run` (forum and intake on their default ports):

    .venv/bin/python benchmarks/forum_booking_burst.py --people 200 --seats 20

It signs in as the devstack's demo coordinator through intake, schedules a breakfast meeting,
then sends every booking at once (spread over the forum URLs given, e.g. two replicas) and
checks that exactly ``--seats`` were confirmed and the rest waitlisted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx


async def coordinator_token(intake: str, email: str, password: str) -> str:
    """A bearer token from intake's sign-in endpoint."""
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        answer = await http.post(
            f"{intake}/api/v1/auth/token", json={"email": email, "password": password}
        )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def schedule(forum: str, token: str, seats: int) -> str:
    """A breakfast meeting a week ahead with ``seats`` seats; its id."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    body = {
        "kind": "breakfast_meeting",
        "title": f"Benchmark {uuid.uuid4().hex[:6]}",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "location": "Karlstad",
        "capacity": seats,
    }
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        answer = await http.post(
            f"{forum}/api/v1/sessions", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    answer.raise_for_status()
    return str(answer.json()["id"])


async def burst(forums: list[str], session_id: str, people: int) -> tuple[list[float], list[str]]:
    """Every booking at once; each request's seconds and the status it got."""
    run = uuid.uuid4().hex[:8]
    limits = httpx.Limits(max_connections=people + 10)
    async with httpx.AsyncClient(timeout=300, trust_env=False, limits=limits) as http:

        async def book(number: int) -> tuple[float, str]:
            url = f"{forums[number % len(forums)]}/api/v1/sessions/{session_id}/bookings"
            body = {"name": f"Person {number}", "email": f"bench-{run}-{number}@example.org"}
            started = time.perf_counter()
            answer = await http.post(url, json=body)
            answer.raise_for_status()
            return time.perf_counter() - started, str(answer.json()["status"])

        results = await asyncio.gather(*(book(number) for number in range(people)))
    return [seconds for seconds, _ in results], [status for _, status in results]


async def main() -> None:
    """Parse the arguments, run the burst, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forum", action="append", help="forum URL; repeat for replicas")
    parser.add_argument("--intake", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="coordinator@example.org")
    parser.add_argument("--password", default="digitalwell-dev")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    arguments = parser.parse_args()
    forums = arguments.forum or ["http://127.0.0.1:8002"]

    token = await coordinator_token(arguments.intake, arguments.email, arguments.password)
    session_id = await schedule(forums[0], token, arguments.seats)
    started = time.perf_counter()
    seconds, statuses = await burst(forums, session_id, arguments.people)
    elapsed = time.perf_counter() - started

    confirmed = statuses.count("confirmed")
    ordered = sorted(seconds)
    print(f"{arguments.people} bookings of {arguments.seats} seats via {len(forums)} forum(s)")
    print(f"  {arguments.people / elapsed:.1f} requests/s, all done in {elapsed:.1f} s")
    p95 = ordered[int(0.95 * len(ordered)) - 1]
    print(f"  latency p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s")
    print(f"  confirmed {confirmed}, waitlisted {statuses.count('waitlisted')}")
    if confirmed != min(arguments.seats, arguments.people):
        raise SystemExit("capacity broken: confirmed bookings differ from the seats")


if __name__ == "__main__":
    asyncio.run(main())
