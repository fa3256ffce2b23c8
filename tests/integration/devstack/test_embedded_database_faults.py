"""The embedded database under faults: a killed writer's transaction, a kill -9 of the server."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from pymongo import AsyncMongoClient

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.secantus_server import TRANSACTION_LIFETIME_SECONDS
from digitalwell_devstack.servers import (
    IN_MEMORY,
    database_readiness,
    mongodb_url,
    secantus_process,
)
from digitalwell_shared.mongo import in_transaction

pytestmark = pytest.mark.integration

HOST = "127.0.0.1"

# A writer that takes the counter in a transaction and dies before it commits, as intake killed
# in the middle of a submission does.
_DYING_WRITER = """
import os, sys, pymongo
client = pymongo.MongoClient(sys.argv[1])
session = client.start_session()
session.start_transaction()
client.faults.counters.update_one({"_id": "series"}, {"$inc": {"last": 1}}, session=session)
print("written", flush=True)
os.kill(os.getpid(), 9)
"""


async def _take_number(url: str) -> None:
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
    try:

        async def work(session: object) -> None:
            await client.faults.counters.update_one(
                {"_id": "series"}, {"$inc": {"last": 1}}, upsert=True, session=session
            )

        await in_transaction(client, work)  # type: ignore[arg-type]
    finally:
        await client.close()


async def test_a_transaction_of_a_killed_process_holds_nothing_beyond_the_lifetime_limit():
    port = free_port(HOST)
    database = secantus_process(host=HOST, port=port, storage=IN_MEMORY)
    database.start()
    url = mongodb_url(HOST, port)
    try:
        await database.wait_ready(database_readiness(url), timeout=60)
        await _take_number(url)  # the counter exists, so the dying writer updates it
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _DYING_WRITER, url, stdout=asyncio.subprocess.PIPE
        )
        written, _ = await asyncio.wait_for(writer.communicate(), timeout=30)
        assert b"written" in written
        began = time.monotonic()
        await asyncio.wait_for(_take_number(url), timeout=30)
        waited = time.monotonic() - began
    finally:
        await database.stop(grace=5)
    assert waited <= TRANSACTION_LIFETIME_SECONDS + 2, f"waited {waited:.1f} s for the counter"


async def test_a_kill_9_of_the_database_loses_nothing_and_it_serves_again_on_the_same_data(
    tmp_path: Path,
):
    port = free_port(HOST)
    url = mongodb_url(HOST, port)
    database = secantus_process(host=HOST, port=port, storage=tmp_path / "secantus")
    database.start()
    try:
        await database.wait_ready(database_readiness(url), timeout=60)
        for _ in range(50):
            await _take_number(url)
        database.kill()
        await database.wait_exit()
        began = time.monotonic()
        database.start()
        await database.wait_ready(database_readiness(url), timeout=60)
        await _take_number(url)
        back_after = time.monotonic() - began
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
        try:
            counter = await client.faults.counters.find_one({"_id": "series"})
        finally:
            await client.close()
    finally:
        await database.stop(grace=5)
    assert counter is not None
    assert counter["last"] == 51
    assert back_after < 60, f"serving again after {back_after:.1f} s"
