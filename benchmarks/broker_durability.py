"""What the durable embedded broker costs: Tansu in memory vs on the devstack's S3 store.

    .venv/bin/python -m benchmarks.broker_durability --messages 500

Starts each broker on free ports (the S3 one in a temporary folder), publishes ``--messages``
records one at a time with acks=all and prints the acknowledged-publish p50/p95, then reads them
back as a new consumer group and prints the consume rate. It starts brokers of its own, so
``python -m benchmarks`` runs it beside the running system.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from benchmarks.figures import Figure, Kind, System, table
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.servers import (
    broker_readiness,
    create_topics,
    s3_readiness,
    s3_store_process,
    tansu_process,
)

HOST = "127.0.0.1"
TOPIC = "benchmark.durability.v1"


async def measure(bootstrap: str, messages: int) -> tuple[float, float, float]:
    """(publish p50 ms, publish p95 ms, records consumed per second)."""
    await create_topics(bootstrap, [TOPIC])
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    latencies = []
    try:
        for number in range(messages):
            began = time.perf_counter()
            await producer.send_and_wait(TOPIC, b"x" * 600, key=str(number % 50).encode())
            latencies.append((time.perf_counter() - began) * 1000)
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(
        TOPIC, bootstrap_servers=bootstrap, group_id="bench", auto_offset_reset="earliest"
    )
    await consumer.start()
    read = 0
    began = time.perf_counter()
    try:
        for _ in range(600):  # bounded: at most 600 polls of a second
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            if read == 0 and not batches:
                began = time.perf_counter()  # the group's join is not reading
            read += sum(len(records) for records in batches.values())
            if read >= messages:
                break
    finally:
        await consumer.stop()
    rate = read / (time.perf_counter() - began)
    cuts = statistics.quantiles(latencies, n=20)
    return statistics.median(latencies), cuts[18], rate


FIGURES = tuple(
    f"broker on {storage}: {what}"
    for storage in ("memory", "s3")
    for what in ("acknowledged publish p50", "acknowledged publish p95", "records consumed/s")
)


async def broker_on(storage: str, folder: Path, messages: int) -> list[Figure]:
    """Start Tansu in memory or on the S3 store in ``folder``, measure it, stop it."""
    parts = []
    endpoint = None
    if storage == "s3":
        s3_port = free_port(HOST)
        endpoint = f"http://{HOST}:{s3_port}"
        store = s3_store_process(host=HOST, port=s3_port, root=folder)
        store.start()
        parts.append(store)
    port = free_port(HOST)
    broker = tansu_process(host=HOST, port=port, s3_endpoint=endpoint)
    try:
        if endpoint is not None:
            await parts[0].wait_ready(s3_readiness(endpoint), timeout=30)
        broker.start()
        parts.append(broker)
        await broker.wait_ready(broker_readiness(f"{HOST}:{port}"), timeout=30)
        p50, p95, per_second = await measure(f"{HOST}:{port}", messages)
    finally:
        for part in reversed(parts):
            await part.stop(grace=5)
    prefix = f"broker on {storage}"
    return [
        Figure(f"{prefix}: acknowledged publish p50", p50, Kind.MILLISECONDS),
        Figure(f"{prefix}: acknowledged publish p95", p95, Kind.MILLISECONDS),
        Figure(f"{prefix}: records consumed/s", per_second, Kind.RATE),
    ]


async def measure_both(messages: int) -> list[Figure]:
    """The memory broker, then the S3 one."""
    with tempfile.TemporaryDirectory() as folder:
        return [
            *await broker_on("memory", Path(folder), messages),
            *await broker_on("s3", Path(folder), messages),
        ]


async def figures(system: System, *, quick: bool) -> list[Figure]:
    """``python -m benchmarks``'s run: 500 records; 20 when quick (brokers of its own)."""
    del system  # it starts brokers of its own
    return await measure_both(20 if quick else 500)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    print(table(asyncio.run(measure_both(parser.parse_args().messages))))


if __name__ == "__main__":
    main()
