"""What the durable embedded database costs: SecantusDB on disk, with and without fsync on commit.

    .venv/bin/python -m benchmarks.database_durability --transactions 300

Starts SecantusDB as the devstack does (digitalwell_devstack.secantus_server) in a temporary
folder, once without and once with ``--sync-on-commit`` (the devstack's setting, so that a
kill -9 loses no acknowledged write), runs ``--transactions`` transactions of two inserts one
after another, as an outbox write does (state change and event), and prints p50/p95 and the
rate. It starts servers of its own, so ``python -m benchmarks`` runs it beside the running system.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time

from pymongo import AsyncMongoClient

from benchmarks.figures import Figure, Kind, System, table
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

                async def write(transaction: Transaction, number: int = number) -> None:
                    await client.bench.state.insert_one({"n": number}, session=transaction)
                    await client.bench.outbox.insert_one({"n": number}, session=transaction)

                started = time.perf_counter()
                await in_transaction(client, write)
                latencies.append((time.perf_counter() - started) * 1000)
            elapsed = time.perf_counter() - began
            await client.close()
        finally:
            await server.stop(grace=5)
    cuts = statistics.quantiles(latencies, n=20)
    return statistics.median(latencies), cuts[18], transactions / elapsed


LABELS = {False: "SecantusDB's default", True: "fsync on commit (`make run`)"}
FIGURES = tuple(
    f"database on disk, {LABELS[sync]}: {what}"
    for sync in (False, True)
    for what in ("transactions/s", "transaction p50", "transaction p95")
)


async def measure_both(transactions: int) -> list[Figure]:
    """Both settings, one after the other: each one's rate, p50 and p95."""
    found: list[Figure] = []
    for sync in (False, True):
        p50, p95, per_second = await measure(sync, transactions)
        prefix = f"database on disk, {LABELS[sync]}"
        found += [
            Figure(f"{prefix}: transactions/s", per_second, Kind.RATE),
            Figure(f"{prefix}: transaction p50", p50, Kind.MILLISECONDS),
            Figure(f"{prefix}: transaction p95", p95, Kind.MILLISECONDS),
        ]
    return found


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 300 transactions each; 20 when quick (its own servers)."""
    del system  # it starts servers of its own
    return await measure_both(20 if quick else 300)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=300)
    print(table(asyncio.run(measure_both(parser.parse_args().transactions))))


if __name__ == "__main__":
    main()
