"""Outcomes are committed as they come; those that come during a commit share the next one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from digitalwell_notify.delivery import GroupCommit


async def test_outcomes_arriving_during_a_commit_share_the_next_one_and_wait_for_it() -> None:
    batches: list[list[Any]] = []
    release = asyncio.Event()

    async def write(outcomes: list[Any]) -> None:
        batches.append(list(outcomes))
        if len(batches) == 1:
            await release.wait()  # the first commit is slow

    commits = GroupCommit(write)
    first = asyncio.create_task(commits.add("a"))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    later = [asyncio.create_task(commits.add(name)) for name in "bc"]  # type: ignore[arg-type]
    await asyncio.sleep(0.05)
    assert not any(task.done() for task in [first, *later])
    release.set()
    await asyncio.gather(first, *later)

    assert batches == [["a"], ["b", "c"]]


async def test_a_failed_commit_fails_every_outcome_in_it() -> None:
    async def write(_outcomes: list[Any]) -> None:
        await asyncio.sleep(0.01)
        raise ConnectionError("the database is away")

    commits = GroupCommit(write)
    results = await asyncio.gather(
        *(commits.add(name) for name in "ab"),  # type: ignore[arg-type]
        return_exceptions=True,
    )

    assert [type(result) for result in results] == [ConnectionError, ConnectionError]


async def test_a_cancelled_commit_leaves_the_others_for_the_next() -> None:
    batches: list[list[Any]] = []
    started = asyncio.Event()

    async def write(outcomes: list[Any]) -> None:
        batches.append(list(outcomes))
        if len(batches) == 1:
            started.set()
            await asyncio.sleep(10)

    commits = GroupCommit(write)
    first = asyncio.create_task(commits.add("a"))  # type: ignore[arg-type]
    await started.wait()
    second = asyncio.create_task(commits.add("b"))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    await asyncio.wait_for(second, 1)

    assert batches == [["a"], ["b"]]
