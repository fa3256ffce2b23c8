"""What the durable embedded database costs: SecantusDB on disk, with and without fsync on commit.

    .venv/bin/python benchmarks/database_durability.py --transactions 300

Starts SecantusDB as the devstack does (digitalwell_devstack.secantus_server) in a temporary
folder, once without and once with ``--sync-on-commit`` (the devstack's setting, so that a
kill -9 loses no acknowledged write), runs ``--transactions`` transactions of two inserts one
after another, as an outbox write does (state change and event), and prints p50/p95 and the
rate.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time

from pymongo import AsyncMongoClient

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.process import ManagedProcess
from digitalwell_devstack.servers import database_readiness, mongodb_url
from digitalwell_shared.mongo import Transaction, in_transaction

HOST = "127.0.0.1"


async def measure(sync_on_commit: bool, transactions: int) -> tuple[float, float, float]:
    """(p50 ms, p95 ms, transactions per second) of one server."""
    with tempfile.TemporaryDirectory() as folder:
        port = free_port(HOST)
        url = mongodb_url(HOST, port)
        command = [
            sys.executable,
            "-m",
            "digitalwell_devstack.secantus_server",
            *("--host", HOST, "--port", str(port), "--storage-path", folder),
            *(["--sync-on-commit"] if sync_on_commit else []),
        ]
        server = ManagedProcess("secantus", command)
        server.start()
        try:
            await server.wait_ready(database_readiness(url), timeout=60)
            client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
            latencies = []
            began = time.perf_counter()
            for number in range(transactions):

                async def write(session: Transaction, number: int = number) -> None:
                    await client.bench.state.insert_one({"n": number}, session=session)
                    await client.bench.outbox.insert_one({"n": number}, session=session)

                started = time.perf_counter()
                await in_transaction(client, write)  # type: ignore[arg-type]
                latencies.append((time.perf_counter() - started) * 1000)
            elapsed = time.perf_counter() - began
            await client.close()
        finally:
            await server.stop(grace=5)
    cuts = statistics.quantiles(latencies, n=20)
    return statistics.median(latencies), cuts[18], transactions / elapsed


async def run(transactions: int) -> None:
    """Both settings, a table row each."""
    print("| SecantusDB on disk | transaction p50 | p95 | transactions/s |")
    print("|---|---|---|---|")
    for sync in (False, True):
        p50, p95, rate = await measure(sync, transactions)
        label = "fsync on commit (`make run`)" if sync else "SecantusDB's default"
        print(f"| {label} | {p50:.1f} ms | {p95:.1f} ms | {rate:.0f} |")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=300)
    asyncio.run(run(parser.parse_args().transactions))


if __name__ == "__main__":
    main()
