"""The embedded broker keeps topics and committed offsets across kill -9; dead parts come back."""

from __future__ import annotations

import io
import smtplib
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import AsyncMongoClient

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.servers import http_answers
from digitalwell_devstack.stack import DEFAULT_SERVICES, ServiceSpec, Stack, StackPorts
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

_TOPIC = "devstack.durability-check.v1"


async def _publish(bootstrap: str, values: list[str]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(_TOPIC, value.encode(), key=value.encode())
    finally:
        await producer.stop()


async def _consume_and_commit(bootstrap: str, expected: int) -> list[str]:
    """Read ``expected`` records as group ``durability`` from its committed offsets, commit."""
    consumer = AIOKafkaConsumer(
        _TOPIC,
        bootstrap_servers=bootstrap,
        group_id="durability",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    got: list[str] = []
    try:
        for _ in range(60):  # bounded: at most 60 one-second polls
            batches = await consumer.getmany(timeout_ms=1000)
            got += [r.value.decode() for records in batches.values() for r in records]
            if len(got) >= expected:
                break
        await consumer.commit()
    finally:
        await consumer.stop()
    return got


async def test_topics_records_and_committed_offsets_survive_a_kill_9_of_broker_and_store(
    tmp_path: Path,
):
    stack = Stack(
        ports=StackPorts.free(),
        services=[],
        data_dir=tmp_path,
        topics=[_TOPIC],
        console=Console(io.StringIO()),
    )
    async with stack:
        bootstrap = stack.kafka_bootstrap_servers
        await _publish(bootstrap, [f"before-{i}" for i in range(10)])
        assert sorted(await _consume_and_commit(bootstrap, 10)) == sorted(
            f"before-{i}" for i in range(10)
        )
        await _publish(bootstrap, [f"unread-{i}" for i in range(5)])

        for name in ("tansu", "s3"):
            stack.process(name).kill()
        for name in ("tansu", "s3"):
            await stack.process(name).wait_exit()
        await stack.restart("s3")
        await stack.restart("tansu")

        await _publish(bootstrap, [f"after-{i}" for i in range(5)])
        # Only what the group had not committed: the offsets survived, and so did the records.
        got = await _consume_and_commit(bootstrap, 10)
    assert sorted(got) == sorted(
        [f"unread-{i}" for i in range(5)] + [f"after-{i}" for i in range(5)]
    )


async def test_a_service_killed_with_sigkill_is_restarted_and_the_restart_is_announced(
    tmp_path: Path,
):
    output = io.StringIO()
    intake = next(s for s in DEFAULT_SERVICES if s.name == "intake")
    ports = StackPorts.free()
    spec = ServiceSpec(intake.name, intake.module, free_port("127.0.0.1"))
    stack = Stack(ports=ports, services=[spec], data_dir=tmp_path, console=Console(output))
    async with stack:
        stack.supervise(first_delay=0.5)
        first_pid = stack.process("intake").pid
        stack.process("intake").kill()

        async def intake_is_back() -> bool:
            process = stack.process("intake")
            # The supervisor announces the restart once its own check passed, which may be a
            # moment after this one's: wait for both.
            return (
                process.pid != first_pid
                and await http_answers(f"{stack.service_url('intake')}/readyz")
                and "digitalwell: intake is running again" in output.getvalue()
            )

        await until_true(intake_is_back, seconds=90)
        async with httpx.AsyncClient(trust_env=False) as client:
            page = await client.get(f"{stack.service_url('intake')}/healthz")
    assert page.status_code == httpx.codes.OK
    said = output.getvalue()
    assert "digitalwell: intake was killed by SIGKILL; restarting it in 0.5 s (at " in said
    assert "digitalwell: intake is running again" in said


async def test_a_service_database_killed_with_sigkill_is_restarted_on_its_data_and_announced(
    tmp_path: Path,
):
    output = io.StringIO()
    stack = Stack(
        ports=StackPorts.free(),
        services=[],
        databases=["forum", "notify"],
        data_dir=tmp_path,
        topics=[],
        console=Console(output),
    )
    async with stack:
        url = stack.database_url("notify")
        client: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(url)
        await client.devstack_test.things.insert_one({"_id": "kept"})
        await client.close()
        stack.supervise(first_delay=0.2)
        forum_pid = stack.process("forum-db").pid
        stack.process("notify-db").kill()

        async def announced() -> bool:
            return "digitalwell: notify-db is running again" in output.getvalue()

        await until_true(announced, seconds=90)
        client = AsyncMongoClient(url)
        kept = await client.devstack_test.things.find_one({"_id": "kept"})
        await client.close()
        forum_untouched = stack.process("forum-db").pid == forum_pid
    assert (
        "digitalwell: notify-db was killed by SIGKILL; restarting it in 0.2 s" in output.getvalue()
    )
    assert kept == {"_id": "kept"}
    assert forum_untouched


async def test_the_mail_sink_still_shows_what_it_received_after_a_kill_9_and_restart(
    tmp_path: Path,
):
    stack = Stack(
        ports=StackPorts.free(),
        services=[],
        data_dir=tmp_path,
        topics=[],
        console=Console(io.StringIO()),
    )
    async with stack:
        with smtplib.SMTP(stack.host, stack.ports.smtp, timeout=10) as smtp:
            smtp.sendmail(
                "notify@example.org",
                ["applicant@example.org"],
                b"Message-ID: <kept-1@example.org>\r\nSubject: Kept\r\n\r\nStill here.\r\n",
            )
        stack.process("mail").kill()
        await stack.process("mail").wait_exit()
        await stack.restart("mail")

        async with httpx.AsyncClient(trust_env=False) as client:
            listed = (await client.get(f"{stack.mail_ui_url}/api/v1/messages")).json()
    assert [m["MessageID"] for m in listed["messages"]] == ["kept-1@example.org"]
    assert listed["messages"][0]["Subject"] == "Kept"
