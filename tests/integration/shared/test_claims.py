"""The claims helper: two workers never hold one entry, a lease lapses, a release frees at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from digitalwell_shared.claims import Claims, free, released
from digitalwell_shared.mongo import create_client

LEASE = timedelta(seconds=30)


async def test_two_workers_never_hold_one_entry_and_a_release_frees_it_at_once(
    mongodb_url: str,
) -> None:
    client = create_client(mongodb_url, app_name="test-claims")
    entries = client[f"test-{uuid.uuid4().hex[:12]}"]["entries"]
    await entries.insert_many([{"_id": n, "status": "pending", **released()} for n in range(4)])
    first, second = Claims(entries), Claims(entries)
    now = datetime.now(UTC)
    try:
        got_first = await first.take([0, 1, 2], now=now, lease=LEASE, where={"status": "pending"})
        got_second = await second.take([1, 2, 3], now=now, lease=LEASE)
        await first.release([2])
        after_release = await second.take([2], now=now, lease=LEASE)
        lapsed = await first.take([3], now=now + 2 * LEASE, lease=LEASE)
        free_now = [entry["_id"] async for entry in entries.find(free(now))]
    finally:
        await client.close()

    assert [entry["_id"] for entry in got_first] == [0, 1, 2]
    assert [entry["_id"] for entry in got_second] == [3]
    assert [entry["_id"] for entry in after_release] == [2]
    assert [entry["_id"] for entry in lapsed] == [3]  # second's lease had run out by then
    assert free_now == []


async def test_a_renewal_keeps_the_entry_and_a_finished_one_is_not_taken(mongodb_url: str) -> None:
    client = create_client(mongodb_url, app_name="test-claims")
    entries = client[f"test-{uuid.uuid4().hex[:12]}"]["entries"]
    await entries.insert_many(
        [{"_id": 0, "status": "pending", **released()}, {"_id": 1, "status": "done", **released()}]
    )
    worker, rival = Claims(entries), Claims(entries)
    now = datetime.now(UTC)
    try:
        await worker.take([0], now=now, lease=LEASE)
        await worker.renew([0], now + 3 * LEASE)
        rivals = await rival.take(
            [0, 1], now=now + 2 * LEASE, lease=LEASE, where={"status": "pending"}
        )
    finally:
        await client.close()

    assert rivals == []
