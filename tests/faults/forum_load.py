"""Trial: bookings of one session through forum's API while forum is killed with kill -9.

A coordinator schedules a breakfast meeting with a third as many seats as there are people;
people book it in waves of a few at once, and forum is killed in the middle of a wave and
started again (a booking cut off is tried once more, as a person would: the same e-mail address
gets its existing booking back). Afterwards every acknowledged booking must be in the session
exactly once, confirmed or waitlisted, never more confirmed than seats, and each person must
get exactly one e-mail (the confirmation or the waitlist notice): the suite's usual count.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx

from digitalwell_devstack.stack import DEMO_STAFF_PASSWORD

if TYPE_CHECKING:
    from tests.faults.suite import Trial

WAVE = 5
"""Bookings sent at once."""
KILL_AFTER = 0.05
"""Seconds into the wave that forum is killed in: some of its bookings are in flight."""
COORDINATOR = "coordinator@example.org"


async def _schedule(trial: Trial, seats: int) -> tuple[str, dict[str, str]]:
    """A breakfast meeting a week ahead with ``seats`` seats: its id and the staff headers."""
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        signed_in = await http.post(
            f"{trial.stack.service_url('intake')}/api/v1/auth/token",
            json={"email": COORDINATOR, "password": DEMO_STAFF_PASSWORD},
        )
        signed_in.raise_for_status()
        staff = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
        scheduled = await http.post(
            f"{trial.stack.service_url('forum')}/api/v1/sessions",
            headers=staff,
            json={
                "kind": "breakfast_meeting",
                "title": f"Fault trial {trial.run_id}",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "location": "Karlstad",
                "capacity": seats,
            },
        )
        scheduled.raise_for_status()
    return str(scheduled.json()["id"]), staff


def _address(trial: Trial, number: int) -> str:
    return f"booking-{trial.run_id}-{number}@example.org"


async def _book(trial: Trial, session_id: str, number: int, attempts: int) -> None:
    address = _address(trial, number)
    url = f"{trial.stack.service_url('forum')}/api/v1/sessions/{session_id}/bookings"
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        for attempt in range(attempts):
            if attempt:
                await asyncio.sleep(0.5)
            try:
                answer = await http.post(url, json={"name": f"Person {number}", "email": address})
            except httpx.HTTPError:
                continue
            if answer.status_code in {200, 201}:
                trial.acknowledged.add(address)
                return


async def _check_bookings(trial: Trial, session_id: str, staff: dict[str, str], seats: int) -> None:
    url = f"{trial.stack.service_url('forum')}/api/v1/sessions/{session_id}/bookings"
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        listed = await http.get(url, headers=staff)
    listed.raise_for_status()
    bookings = listed.json()["bookings"]
    per_address = Counter(str(b["email"]) for b in bookings)
    statuses = Counter(str(b["status"]) for b in bookings)
    outcome = trial.outcome
    outcome.figures.append(
        f"{len(bookings)} bookings of {seats} seats: {statuses['confirmed']} confirmed, "
        f"{statuses['waitlisted']} waitlisted"
    )
    if statuses["confirmed"] > seats:
        outcome.notes.append(f"{statuses['confirmed']} confirmed for {seats} seats")
    if missing := [a for a in trial.acknowledged if per_address[a] == 0]:
        outcome.notes.append(f"{len(missing)} acknowledged bookings are not in the session")
    if doubled := [a for a, n in per_address.items() if n > 1]:
        outcome.notes.append(f"{len(doubled)} people hold more than one booking")
    if other := set(statuses) - {"confirmed", "waitlisted"}:
        outcome.notes.append(f"bookings in states {sorted(other)}")


async def forum_bookings(trial: Trial) -> float:
    """The trial's body; returns when forum was running again."""
    people = trial.scale.applications
    seats = max(1, people // 3)
    session_id, staff = await _schedule(trial, seats)
    repaired = time.monotonic()
    fault_wave = (people // WAVE) // 2
    for wave, first in enumerate(range(0, people, WAVE)):
        numbers = range(first, min(first + WAVE, people))
        if wave != fault_wave:
            await asyncio.gather(*(_book(trial, session_id, n, attempts=2) for n in numbers))
            continue
        # Kill forum with this wave in flight; what it cut off is tried again after the restart.
        tasks = [asyncio.create_task(_book(trial, session_id, n, attempts=1)) for n in numbers]
        await asyncio.sleep(KILL_AFTER)
        await trial.kill_and_restart("forum")
        repaired = time.monotonic()
        await asyncio.gather(*tasks)
        again = [n for n in numbers if _address(trial, n) not in trial.acknowledged]
        await asyncio.gather(*(_book(trial, session_id, n, attempts=2) for n in again))
    await _check_bookings(trial, session_id, staff, seats)
    return repaired
