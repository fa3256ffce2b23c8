"""The background loop: rounds back to back while work waits, a wake-up ends the wait, a
failing round pauses the loop instead of ending it, and stop lets the round in hand finish."""

from __future__ import annotations

import asyncio

from digitalwell_shared.background import PollingLoop


async def test_rounds_run_back_to_back_while_more_waits_then_wait_for_a_wake_up() -> None:
    rounds: list[int] = []
    waiting = [True, True, False]

    async def step() -> bool:
        rounds.append(len(rounds))
        return waiting.pop(0) if waiting else False

    loop = PollingLoop(step, name="test", poll_seconds=60, error_pause_seconds=60)
    await loop.start()
    await asyncio.sleep(0.05)
    assert len(rounds) == 3  # two full batches, then an empty round, then it waits
    loop.wake()
    await asyncio.sleep(0.05)
    await loop.stop()

    assert len(rounds) == 4


async def test_a_failing_round_pauses_and_the_loop_goes_on() -> None:
    calls = 0

    async def step() -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")
        return False

    loop = PollingLoop(step, name="test", poll_seconds=60, error_pause_seconds=0.05)
    await loop.start()
    await asyncio.sleep(0.2)
    await loop.stop()

    assert calls == 2


async def test_stop_ends_a_pause_without_waiting_it_out() -> None:
    async def step() -> bool:
        raise ConnectionError("broker away")

    loop = PollingLoop(step, name="test", poll_seconds=60, error_pause_seconds=60)
    await loop.start()
    await asyncio.sleep(0.05)

    await asyncio.wait_for(loop.stop(), timeout=1)
