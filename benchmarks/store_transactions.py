"""The store's own raw rate: transactions of one insert each, one after another.

    .venv/bin/python -m benchmarks.store_transactions --transactions 1000

Against intake's database of the running system (``make run``; ``--url`` for another), through
``digitalwell_shared.mongo.in_transaction`` as the services write. ``python -m benchmarks``
measures it first and gives every other figure as a ratio to it. It writes into the database
``benchmark`` and drops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from pymongo import AsyncMongoClient

from benchmarks.figures import Figure, System, median, milliseconds, percentile, rate, table
from digitalwell_shared.mongo import Client, Transaction, in_transaction

RAW_RATE = "store: raw transactions/s (one insert each, one at a time)"
FIGURES = (RAW_RATE, "store: raw transaction p50", "store: raw transaction p95")
BENCHMARK_DATABASE = "benchmark"


async def measure(url: str, transactions: int) -> list[Figure]:
    """Run ``transactions`` one-insert transactions one after another; their rate and times."""
    client: Client = AsyncMongoClient(url)
    collection = client[BENCHMARK_DATABASE]["raw_transactions"]
    latencies: list[float] = []
    try:
        await collection.insert_one({"n": -1})  # the collection exists before timing starts
        began = time.perf_counter()
        for number in range(transactions):

            async def write(transaction: Transaction, number: int = number) -> None:
                await collection.insert_one({"n": number}, session=transaction)

            started = time.perf_counter()
            await in_transaction(client, write)
            latencies.append(time.perf_counter() - started)
        elapsed = time.perf_counter() - began
        await client.drop_database(BENCHMARK_DATABASE)
    finally:
        await client.close()
    return [
        rate(RAW_RATE, transactions, elapsed),
        milliseconds(FIGURES[1], median(latencies)),
        milliseconds(FIGURES[2], percentile(latencies, 0.95)),
    ]


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 1 000 transactions, 20 when quick."""
    return await measure(system.database, 20 if quick else 1000)


def main() -> None:
    """Parse the arguments, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=System.from_env().database)
    parser.add_argument("--transactions", type=int, default=1000)
    arguments = parser.parse_args()
    print(table(asyncio.run(measure(arguments.url, arguments.transactions))))


if __name__ == "__main__":
    main()
