"""Book one session with many people at once; print requests/s, latencies and the outcome.

Run against `make run` (forum and intake on their default ports):

    .venv/bin/python -m benchmarks.forum_booking_burst --people 200 --seats 20

It signs in as the devstack's demo coordinator through intake, schedules a breakfast meeting,
then sends every booking at once (spread over the forum URLs given, e.g. two replicas) and
checks that exactly ``--seats`` were confirmed and the rest waitlisted at positions 1, 2, 3 ...
(each once); a broken capacity or waitlist is an error, not a figure.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from benchmarks.figures import Figure, System, count, median, milliseconds, percentile, rate, table
from digitalwell_devstack.layout import DEMO_STAFF_PASSWORD

COORDINATOR = "coordinator@example.org"
"""The devstack's demo forum coordinator (INTAKE_SEED_DEMO_STAFF)."""
FIGURES = (
    "forum burst: bookings/s",
    "forum burst: all answered in",
    "forum burst: booking p50",
    "forum burst: booking p95",
    "forum burst: confirmed",
    "forum burst: waitlisted",
)


class CapacityError(RuntimeError):
    """The burst confirmed more or fewer than the seats, or the waitlist is out of order."""


@dataclass(frozen=True)
class Answer:
    """One booking request's time and what forum answered."""

    seconds: float
    status: str
    position: int | None


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


async def burst(forums: list[str], session_id: str, people: int) -> list[Answer]:
    """Every booking at once; each request's seconds, status and waitlist position."""
    run = uuid.uuid4().hex[:8]
    limits = httpx.Limits(max_connections=people + 10)
    async with httpx.AsyncClient(timeout=300, trust_env=False, limits=limits) as http:

        async def book(number: int) -> Answer:
            url = f"{forums[number % len(forums)]}/api/v1/sessions/{session_id}/bookings"
            body = {"name": f"Person {number}", "email": f"bench-{run}-{number}@example.org"}
            started = time.perf_counter()
            answer = await http.post(url, json=body)
            answer.raise_for_status()
            result = answer.json()  # a confirmed booking's answer has no position
            seconds = time.perf_counter() - started
            return Answer(seconds, str(result["status"]), result.get("position"))

        return await asyncio.gather(*(book(number) for number in range(people)))


def check(answers: list[Answer], seats: int) -> None:
    """Exactly the seats confirmed, everyone else waitlisted at 1, 2, 3 ... each once."""
    confirmed = sum(1 for a in answers if a.status == "confirmed")
    if confirmed != min(seats, len(answers)):
        raise CapacityError(f"{confirmed} bookings confirmed for {seats} seats")
    positions = sorted(a.position or 0 for a in answers if a.status == "waitlisted")
    if positions != list(range(1, len(answers) - confirmed + 1)):
        raise CapacityError(f"waitlist positions out of order: {positions[:10]} ...")


async def measure(
    system: System, people: int, seats: int, *, password: str = DEMO_STAFF_PASSWORD
) -> list[Figure]:
    """Schedule a session of ``seats`` seats and book it by ``people`` at once; the figures."""
    token = await coordinator_token(system.intake, COORDINATOR, password)
    forums = list(system.forums)
    session_id = await schedule(forums[0], token, seats)
    started = time.perf_counter()
    answers = await burst(forums, session_id, people)
    elapsed = time.perf_counter() - started
    check(answers, seats)
    seconds = [a.seconds for a in answers]
    return [
        rate(FIGURES[0], people, elapsed),
        milliseconds(FIGURES[1], elapsed),
        milliseconds(FIGURES[2], median(seconds)),
        milliseconds(FIGURES[3], percentile(seconds, 0.95)),
        count(FIGURES[4], sum(1 for a in answers if a.status == "confirmed")),
        count(FIGURES[5], sum(1 for a in answers if a.status == "waitlisted")),
    ]


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 200 people for 20 seats; 12 for 4 when quick."""
    people, seats = (12, 4) if quick else (200, 20)
    return await measure(system, people, seats)


def main() -> None:
    """Parse the arguments, run the burst, print the figures."""
    addresses = System.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forum", action="append", help="forum URL; repeat for replicas")
    parser.add_argument("--intake", default=addresses.intake)
    parser.add_argument("--password", default=DEMO_STAFF_PASSWORD)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--seats", type=int, default=20)
    arguments = parser.parse_args()
    forums = tuple(arguments.forum or addresses.forums)
    system = System(arguments.intake, forums, addresses.mail_api, addresses.bootstrap, "")
    found = measure(system, arguments.people, arguments.seats, password=arguments.password)
    print(f"{arguments.people} bookings of {arguments.seats} seats via {len(forums)} forum(s)")
    print(table(asyncio.run(found)))


if __name__ == "__main__":
    main()
