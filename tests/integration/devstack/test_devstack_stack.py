"""The embedded system as a library and as `python -m digitalwell_devstack`."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import PortInUseError
from digitalwell_devstack.process import ProcessExitedError
from digitalwell_devstack.servers import http_answers
from digitalwell_devstack.stack import (
    DEFAULT_SERVICES,
    ServiceSpec,
    Stack,
    StackPorts,
    event_topics,
)

pytestmark = pytest.mark.integration


def _quiet_stack(**kwargs: object) -> Stack:
    return Stack(ports=StackPorts.free(), console=Console(io.StringIO()), **kwargs)  # type: ignore[arg-type]


async def _topics(bootstrap_servers: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return await admin.list_topics()
    finally:
        await admin.close()


async def test_the_stack_creates_every_topic_and_keeps_the_database_across_a_restart(
    tmp_path: Path,
):
    first = _quiet_stack(services=[], data_dir=tmp_path, databases=["intake"])
    async with first:
        topics = await _topics(first.kafka_bootstrap_servers)
        assert await http_answers(f"{first.mail_ui_url}/api/v1/messages")
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(first.database_url("intake"))
        await client.devstack_test.things.insert_one({"_id": "kept"})
        await client.close()

    assert set(event_topics()) <= set(topics)
    assert "intake.application-submitted.v1.dlq" in topics
    assert (tmp_path / "secantus" / "intake").is_dir()
    second = _quiet_stack(services=[], data_dir=tmp_path, databases=["intake"])
    async with second:
        client = AsyncMongoClient(second.database_url("intake"))
        kept = await client.devstack_test.things.find_one({"_id": "kept"})
        await client.close()
    assert kept == {"_id": "kept"}


async def test_each_service_has_a_database_server_of_its_own():
    stack = _quiet_stack(services=[], topics=[], databases=["intake", "council"])
    async with stack:
        urls = {name: stack.database_url(name) for name in ("intake", "council")}
        clients: dict[str, AsyncMongoClient[dict[str, object]]] = {
            name: AsyncMongoClient(url) for name, url in urls.items()
        }
        try:
            await clients["intake"].devstack_test.things.insert_one({"_id": "intake's"})
            in_council = await clients["council"].devstack_test.things.find_one({})
            processes = {stack.process(f"{name}-db").pid for name in urls}
        finally:
            for client in clients.values():
                await client.close()

    assert in_council is None
    assert len(processes) == 2
    assert all("retryWrites=false" in url for url in urls.values())
    lines = stack.summary().splitlines()
    for name, url in urls.items():
        line = next(line for line in lines if f"MongoDB of {name} (SecantusDB)" in line)
        assert line.endswith(f"{url}   data in memory")


def test_each_service_is_given_its_own_database_url():
    stack = _quiet_stack(services=[s for s in DEFAULT_SERVICES if s.name in {"intake", "forum"}])

    urls = {
        spec.name: stack.service_env(spec)[f"{spec.env_prefix}MONGODB_URL"]
        for spec in stack.services
    }

    assert urls == {name: stack.database_url(name) for name in ("intake", "forum")}
    assert urls["intake"] != urls["forum"]
    assert [b.env_var for b in stack.bindings() if "MongoDB" in b.what] == [
        "DIGITALWELL_INTAKE_MONGODB_PORT",
        "DIGITALWELL_FORUM_MONGODB_PORT",
    ]


async def test_a_service_that_dies_while_starting_is_named_and_the_rest_is_stopped():
    broken = ServiceSpec("council", "digitalwell_devstack.no_such_module", port=0)
    stack = _quiet_stack(services=[broken], topics=[])

    with pytest.raises(ProcessExitedError) as raised:
        await stack.start()

    assert raised.value.name == "council"
    assert "No module named digitalwell_devstack.no_such_module" in str(raised.value)
    assert not await http_answers(f"{stack.mail_ui_url}/api/v1/messages")


async def test_a_taken_port_is_refused_before_anything_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        stack = Stack(ports=StackPorts(smtp=port, kafka=0, mail_ui=0), services=[])

        with pytest.raises(PortInUseError, match=f"port {port} \\(SMTP sink\\)"):
            await stack.start()


def test_the_command_says_in_one_line_which_port_is_taken_and_exits_1():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "digitalwell_devstack"],
            env={**os.environ, "DIGITALWELL_KAFKA_PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"digitalwell: port {port} (Kafka broker, Tansu) is already in use on 127.0.0.1 — "
        "stop what uses it or set DIGITALWELL_KAFKA_PORT\n"
    )
