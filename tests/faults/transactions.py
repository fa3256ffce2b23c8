"""Trial: intake killed in the middle of a submission's transaction (issue 11).

Many submissions are sent at once, so that intake is inside a submission's transaction (holding
the year's case-number counter) when it is killed; intake is started again and the trial times
the next submission from the moment intake answers again. The dead transaction must not hold
that submission up for longer than NEXT_ANSWER_WITHIN: the database's transaction lifetime limit
(TRANSACTION_LIFETIME_LIMIT_SECONDS) frees the counter.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from digitalwell_devstack.servers import http_answers
from tests.support.waiting import until_true

if TYPE_CHECKING:
    from tests.faults.suite import Trial

NEXT_ANSWER_WITHIN = 5.0
"""Seconds from intake's restart to the next answered submission (issue 11)."""

CONCURRENT = 20
"""Submissions in flight when intake is killed."""

KILL_AFTER = 0.05
"""Seconds after the first concurrent submission is answered: the others queue at the case
number, one of them inside its transaction."""

_FIRST_EXTRA = 10_000
"""Numbers of the trial's own submissions, apart from the burst's."""


async def kill_intake_mid_transaction(trial: Trial) -> None:
    """The fault: concurrent submissions, kill -9 intake among them, restart, time the next."""
    in_flight = [asyncio.create_task(trial.submit(_FIRST_EXTRA + n)) for n in range(CONCURRENT)]
    await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.sleep(KILL_AFTER)
    intake = trial.stack.process("intake")
    intake.kill()
    killed = time.monotonic()
    await intake.wait_exit()
    answered = sum(await asyncio.gather(*in_flight))
    intake.start()
    # From when intake answers HTTP: a submission needs its database, not its consumer group.
    healthz = f"{trial.stack.service_url('intake')}/healthz"
    await until_true(lambda: http_answers(healthz), seconds=trial.stack.startup_timeout)
    up = time.monotonic()
    stored = await trial.submit(_FIRST_EXTRA + CONCURRENT)
    waited = time.monotonic() - up
    readyz = f"{trial.stack.service_url('intake')}/readyz"
    await until_true(lambda: http_answers(readyz), seconds=trial.stack.startup_timeout)
    trial.outcome.figures.append(
        f"{answered} of {CONCURRENT} concurrent submissions answered before the kill; intake up "
        f"{up - killed:.1f} s after it; the next submission answered {waited:.1f} s after that "
        f"(limit {NEXT_ANSWER_WITHIN:g} s)"
    )
    outcome = trial.outcome
    if not stored:
        outcome.notes.append("the first submission after intake's restart was refused")
    elif waited > NEXT_ANSWER_WITHIN:
        outcome.notes.append(
            f"the next submission waited {waited:.1f} s > {NEXT_ANSWER_WITHIN:g} s: "
            "the killed transaction held the case-number counter"
        )


async def intake_mid_transaction(trial: Trial) -> float:
    """The burst with kill_intake_mid_transaction in its middle; returns when it was repaired."""
    return await trial.burst(
        trial.scale.applications // 2, lambda: kill_intake_mid_transaction(trial)
    )
