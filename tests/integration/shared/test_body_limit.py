"""A body over the limit is refused with 413 before it is read, by a real server process.

intake runs as its own process (uvicorn on a real socket), so the test can read the server's
memory from /proc and send a body the way an attacker would: a 50 MB declared length, or an
endless chunked stream.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from digitalwell_devstack.ports import free_port
from tests.support.intake import ensure_topics
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

FIFTY_MB = 50 * 1024 * 1024
CHUNK = 64 * 1024
# Growth of the server's resident memory that still means "it did not keep the body".
RSS_GROWTH_MAX_KB = 8 * 1024
SUBMIT = "/api/v1/applications"


@dataclass
class ServerProcess:
    """intake as a process, and where it listens."""

    process: asyncio.subprocess.Process
    host: str
    port: int

    def rss_kb(self) -> int:
        """The process's resident memory in KiB (VmRSS)."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1])


@pytest.fixture(scope="module")
async def intake_process(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> AsyncIterator[ServerProcess]:
    """intake started as ``python -m digitalwell_intake`` on a free port."""
    await ensure_topics(kafka_bootstrap_servers)
    port = free_port()
    env = os.environ | {
        "INTAKE_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
        "INTAKE_MONGODB_URL": mongodb_url,
        "INTAKE_MONGODB_DATABASE": f"intake_limit_{uuid.uuid4().hex[:12]}",
        "INTAKE_HTTP_PORT": str(port),
        "INTAKE_LOG_FORMAT": "json",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "digitalwell_intake",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    server = ServerProcess(process, "127.0.0.1", port)
    try:
        await _until_ready(server)
        yield server
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)


async def _until_ready(server: ServerProcess) -> None:
    async def answers() -> bool:
        if server.process.returncode is not None:
            raise RuntimeError("intake exited before it answered")
        try:
            async with httpx.AsyncClient() as client:
                response = await client.get(f"http://{server.host}:{server.port}/healthz")
        except httpx.TransportError:
            return False
        return response.status_code == 200

    await until_true(answers, seconds=90)


def _post_while_sending(
    server: ServerProcess, headers: list[str], body: Iterator[bytes]
) -> tuple[int, float]:
    """Send the request head, keep sending ``body`` until the server answers; status, seconds.

    Plain blocking sockets, sending in a thread of its own: an asyncio stream would drop the
    answer it has already received once a write fails on the connection the server closed.
    """
    head = "\r\n".join([f"POST {SUBMIT} HTTP/1.1", f"Host: {server.host}", *headers, "", ""])
    answered = threading.Event()
    with socket.create_connection((server.host, server.port), timeout=30) as connection:
        started = time.perf_counter()
        connection.sendall(head.encode("ascii"))

        def send_body() -> None:
            try:
                for chunk in body:
                    if answered.is_set():
                        return
                    connection.sendall(chunk)
            except OSError:  # the server closed the connection after answering: expected
                return

        sender = threading.Thread(target=send_body, daemon=True)
        sender.start()
        status_line = connection.makefile("rb").readline()
        elapsed = time.perf_counter() - started
        answered.set()
        sender.join(timeout=30)
    return int(status_line.split()[1]), elapsed


def _declared_body() -> Iterator[bytes]:
    block = b"x" * CHUNK
    for _ in range(FIFTY_MB // CHUNK):
        yield block


def _chunked_body() -> Iterator[bytes]:
    block = f"{CHUNK:x}\r\n".encode("ascii") + b"x" * CHUNK + b"\r\n"
    for _ in range(FIFTY_MB // CHUNK):
        yield block
    yield b"0\r\n\r\n"


async def _warm_up(server: ServerProcess) -> None:
    """One small refused request first, so what the first request loads is not counted."""
    async with httpx.AsyncClient() as client:
        response = await client.post(f"http://{server.host}:{server.port}{SUBMIT}", json={})
    assert response.status_code == 422


async def test_a_declared_50_mb_json_body_is_refused_with_413_before_it_is_read(
    intake_process: ServerProcess,
) -> None:
    await _warm_up(intake_process)
    before = intake_process.rss_kb()

    status, seconds = await asyncio.to_thread(
        _post_while_sending,
        intake_process,
        ["Content-Type: application/json", f"Content-Length: {FIFTY_MB}"],
        _declared_body(),
    )

    after = intake_process.rss_kb()
    print(f"declared 50 MB: {status} after {seconds * 1000:.0f} ms, RSS {before} -> {after} KiB")  # noqa: T201
    assert status == 413
    assert after - before < RSS_GROWTH_MAX_KB


async def test_a_chunked_50_mb_json_body_is_refused_with_413_once_it_passes_the_limit(
    intake_process: ServerProcess,
) -> None:
    await _warm_up(intake_process)
    before = intake_process.rss_kb()

    status, seconds = await asyncio.to_thread(
        _post_while_sending,
        intake_process,
        ["Content-Type: application/json", "Transfer-Encoding: chunked"],
        _chunked_body(),
    )

    after = intake_process.rss_kb()
    print(f"chunked 50 MB: {status} after {seconds * 1000:.0f} ms, RSS {before} -> {after} KiB")  # noqa: T201
    assert status == 413
    assert after - before < RSS_GROWTH_MAX_KB
