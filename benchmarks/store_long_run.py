"""Sustained single writes against SecantusDB: the last thousand as fast as the first.

    .venv/bin/python -m benchmarks.store_long_run --writes 20000 --window 1000
    .venv/bin/python -m benchmarks.store_long_run --own-server --retry-writes   # the old default

Writes ``--writes`` documents one ``insert_one`` at a time (no transaction) and prints the rate
of the first and of the last ``--window`` writes and their ratio. With the driver's default
``retryWrites=true`` SecantusDB keeps a record of every retryable write and looks through them on
each one, so the rate falls the longer the server runs (issue 16: ~1 500/s to under 200/s after
~10 000 writes); the embedded connection strings say ``retryWrites=false``
(``digitalwell_devstack.servers.mongodb_url``), and this shows it holds.

By default it writes to intake's database server of the running system (``make run``; the
database ``benchmark``, dropped afterwards). ``--own-server`` starts a SecantusDB of its own in
memory, as the devstack starts them; ``--retry-writes`` (only with ``--own-server``, never
against the running system, whose server would keep the records) turns the driver's default
back on, to see the slowdown.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pymongo import AsyncMongoClient

from benchmarks.figures import (
    Figure,
    Kind,
    System,
    count,
    cpu_seconds,
    listening_pid,
    milliseconds,
    rate,
    table,
)
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.servers import (
    IN_MEMORY,
    database_readiness,
    mongodb_url,
    secantus_process,
)
from digitalwell_shared.mongo import Client

HOST = "127.0.0.1"
FIRST = "store long run: single writes/s, first window"
LAST = "store long run: single writes/s, last window"
KEPT = "store long run: last window ÷ first"
FIGURES = (FIRST, LAST, KEPT, "store long run: single writes", "store long run: window")
CPU_FIRST = "store long run: server CPU per write, first window"
CPU_LAST = "store long run: server CPU per write, last window"
"""Given as well when the server's process is known: they hardly move with the machine's load."""
BENCHMARK_DATABASE = "benchmark"


async def measure(
    url: str, writes: int, window: int, *, server_pid: int | None = None
) -> list[Figure]:
    """``writes`` single inserts one after another; the rates of the first and last window.

    With ``server_pid``, also the server's CPU time per write in those windows.
    """
    window = max(1, min(window, writes // 2))
    client: Client = AsyncMongoClient(url)
    collection = client[BENCHMARK_DATABASE]["long_run"]
    marks: list[tuple[float, float | None]] = []
    try:
        await collection.drop()
        for number in range(writes):
            if number % window == 0:
                marks.append((time.perf_counter(), cpu_seconds(server_pid)))
            await collection.insert_one({"n": number, "payload": "x" * 200})
        marks.append((time.perf_counter(), cpu_seconds(server_pid)))
        await client.drop_database(BENCHMARK_DATABASE)
    finally:
        await client.close()
    # The last full window: ``writes`` need not be a multiple of ``window``.
    last_end = writes // window
    first = rate(FIRST, window, marks[1][0] - marks[0][0])
    last = rate(LAST, window, marks[last_end][0] - marks[last_end - 1][0])
    kept = None
    if first.value is not None and last.value is not None:
        kept = last.value / first.value
    found = [
        first,
        last,
        Figure(KEPT, kept, Kind.FACTOR),
        count(FIGURES[3], writes),
        count(FIGURES[4], window),
    ]
    windows = [(marks[0], marks[1], CPU_FIRST), (marks[last_end - 1], marks[last_end], CPU_LAST)]
    for (_, start), (_, end), name in windows:
        if start is not None and end is not None:
            found.append(milliseconds(name, (end - start) / window))
    return found


@asynccontextmanager
async def own_server(*, retry_writes: bool) -> AsyncIterator[tuple[str, int | None]]:
    """A SecantusDB of this run's own, in memory; its connection string and process id."""
    port = free_port(HOST)
    server = secantus_process(host=HOST, port=port, storage=IN_MEMORY, name="long-run-db")
    url = mongodb_url(HOST, port)
    server.start()
    try:
        await server.wait_ready(database_readiness(url), timeout=60)
        if retry_writes:
            url = url.replace("retryWrites=false", "retryWrites=true")
        yield url, server.pid
    finally:
        await server.stop(grace=5)


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 20 000 writes in windows of 1 000; 300 by 100 when quick."""
    writes, window = (300, 100) if quick else (20_000, 1000)
    return await measure(system.database, writes, window, server_pid=system.database_pid)


async def _run(arguments: argparse.Namespace) -> list[Figure]:
    if not arguments.own_server:
        port = int(arguments.url.rpartition(":")[2].partition("/")[0])
        pid = listening_pid(port)
        return await measure(arguments.url, arguments.writes, arguments.window, server_pid=pid)
    async with own_server(retry_writes=arguments.retry_writes) as (url, pid):
        return await measure(url, arguments.writes, arguments.window, server_pid=pid)


def main() -> None:
    """Parse the arguments, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=System.from_env().database)
    parser.add_argument("--own-server", action="store_true", help="start a SecantusDB of its own")
    parser.add_argument("--retry-writes", action="store_true", help="the driver's default (own)")
    parser.add_argument("--writes", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=1000)
    arguments = parser.parse_args()
    if arguments.retry_writes and not arguments.own_server:
        parser.error("--retry-writes only with --own-server: the running system would keep them")
    print(table(asyncio.run(_run(arguments))))


if __name__ == "__main__":
    main()
