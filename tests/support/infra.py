"""Where tests find Kafka and MongoDB: given addresses, else containers, else embedded servers.

The order is DESIGN.md's: addresses in environment variables (a running system, CI services);
testcontainers when a Docker daemon answers (Apache Kafka, MongoDB as a replica set); else
Tansu and SecantusDB from PyPI, started on free ports and kept for the whole test run.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import time
from collections.abc import AsyncIterator
from typing import Literal

import docker
import pymongo
from docker.errors import DockerException
from pymongo.errors import PyMongoError
from testcontainers.community.kafka import KafkaContainer
from testcontainers.community.mongodb import MongoDbContainer

from digitalwell_devstack.ports import free_port
from digitalwell_devstack.servers import (
    IN_MEMORY,
    broker_readiness,
    database_readiness,
    mongodb_url,
    secantus_process,
    tansu_process,
)
from digitalwell_shared.mongo import TRANSACTION_LIFETIME_LIMIT_SECONDS

KAFKA_ENV = "DIGITALWELL_TEST_KAFKA_BOOTSTRAP"
MONGODB_ENV = "DIGITALWELL_TEST_MONGODB_URL"

# Confluent's build of Apache Kafka, because testcontainers' KafkaContainer drives its scripts.
KAFKA_IMAGE = "confluentinc/cp-kafka:7.6.0"
MONGODB_IMAGE = "mongo:7.0"

HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 10.0

Source = Literal["environment", "testcontainers", "embedded"]


@functools.cache
def docker_available() -> bool:
    """A Docker daemon answers a ping (asked once per test run)."""
    try:
        client = docker.from_env(timeout=3)
    except DockerException:
        return False
    try:
        return bool(client.ping())
    except DockerException:
        return False
    finally:
        client.close()


def source_for(env_var: str) -> Source:
    """Where the server that ``env_var`` would name comes from in this run."""
    if os.environ.get(env_var):
        return "environment"
    return "testcontainers" if docker_available() else "embedded"


def describe_sources() -> str:
    """One line for pytest's header: which broker and database this run uses."""
    kafka = {
        "environment": f"Kafka at {os.environ.get(KAFKA_ENV)}",
        "testcontainers": f"Kafka container {KAFKA_IMAGE}",
        "embedded": "embedded Tansu",
    }[source_for(KAFKA_ENV)]
    mongodb = {
        "environment": f"MongoDB at {os.environ.get(MONGODB_ENV)}",
        "testcontainers": f"MongoDB container {MONGODB_IMAGE} (replica set)",
        "embedded": "embedded SecantusDB (in memory)",
    }[source_for(MONGODB_ENV)]
    return f"{kafka}; {mongodb}"


@contextlib.asynccontextmanager
async def kafka_broker() -> AsyncIterator[str]:
    """A Kafka broker for the duration of the block; yields its bootstrap servers."""
    source = source_for(KAFKA_ENV)
    if source == "environment":
        yield os.environ[KAFKA_ENV]
    elif source == "testcontainers":
        container = KafkaContainer(KAFKA_IMAGE).with_kraft()
        await asyncio.to_thread(container.start)
        try:
            yield container.get_bootstrap_server()
        finally:
            await asyncio.to_thread(container.stop)
    else:
        port = free_port(HOST)
        broker = tansu_process(host=HOST, port=port)
        broker.start()
        try:
            bootstrap = f"{HOST}:{port}"
            await broker.wait_ready(broker_readiness(bootstrap), timeout=STARTUP_TIMEOUT_SECONDS)
            yield bootstrap
        finally:
            await broker.stop(grace=STOP_GRACE_SECONDS)


@contextlib.asynccontextmanager
async def mongodb_server() -> AsyncIterator[str]:
    """A MongoDB replica set (transactions need one) for the block; yields its URL."""
    source = source_for(MONGODB_ENV)
    if source == "environment":
        yield os.environ[MONGODB_ENV]
    elif source == "testcontainers":
        container = MongoReplicaSetContainer(MONGODB_IMAGE)
        await asyncio.to_thread(container.start)
        try:
            yield container.get_connection_url()
        finally:
            await asyncio.to_thread(container.stop)
    else:
        port = free_port(HOST)
        database = secantus_process(host=HOST, port=port, storage=IN_MEMORY)
        database.start()
        try:
            url = mongodb_url(HOST, port)
            await database.wait_ready(database_readiness(url), timeout=STARTUP_TIMEOUT_SECONDS)
            yield url
        finally:
            await database.stop(grace=STOP_GRACE_SECONDS)


class MongoReplicaSetContainer(MongoDbContainer):
    """The MongoDB image as a one-member replica set, without authentication.

    testcontainers' MongoDbContainer starts a standalone server, on which multi-document
    transactions fail; Java's MongoDBContainer does what this class does.
    """

    REPLICA_SET = "rs0"
    PORT = 27017

    def __init__(self, image: str = MONGODB_IMAGE) -> None:
        super().__init__(image, port=self.PORT)
        self.with_command(
            f"--replSet {self.REPLICA_SET} --bind_ip_all "
            f"--setParameter transactionLifetimeLimitSeconds={TRANSACTION_LIFETIME_LIMIT_SECONDS}"
        )

    def _configure(self) -> None:
        # No root user: the image turns on authentication for one, and a replica set with
        # authentication also needs a key file shared by its members.
        pass

    def start(self) -> MongoReplicaSetContainer:
        """Start the server, initiate the replica set and wait until it has a primary."""
        super().start()
        members = f"[{{_id: 0, host: 'localhost:{self.PORT}'}}]"
        result = self.exec(
            [
                "mongosh",
                "--quiet",
                "--eval",
                f"rs.initiate({{_id: '{self.REPLICA_SET}', members: {members}}})",
            ]
        )
        if result.exit_code != 0:
            raise RuntimeError(f"rs.initiate failed: {result.output.decode(errors='replace')}")
        self._wait_for_primary()
        return self

    def get_connection_url(self) -> str:
        """A direct connection: the member's name (localhost inside the container) is not ours."""
        return mongodb_url(self.get_container_host_ip(), int(self.get_exposed_port(self.PORT)))

    def _wait_for_primary(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(
            self.get_connection_url(), serverSelectionTimeoutMS=1000
        )
        with client:
            while time.monotonic() < deadline:
                with contextlib.suppress(PyMongoError):
                    if client.admin.command("hello").get("isWritablePrimary"):
                        return
                time.sleep(0.2)
        raise TimeoutError(f"the replica set had no primary after {STARTUP_TIMEOUT_SECONDS:g} s")
