"""SMTP relays for transport tests: real servers on loopback that give the reply a test sets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class ScriptedRelay:
    """A relay that ends every message with ``reply``; change ``reply`` to change its mood."""

    reply: str
    port: int = 0
    received: int = 0
    """Messages offered to it, whatever it answered."""

    async def handle_DATA(self, _server: SMTP, _session: Session, _envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.received += 1
        return self.reply


@asynccontextmanager
async def scripted_relay(
    reply: str = "250 OK", host: str = "127.0.0.1"
) -> AsyncIterator[ScriptedRelay]:
    """A ScriptedRelay listening on a free port of ``host`` for the block."""
    relay = ScriptedRelay(reply)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(relay, hostname="scripted-relay", loop=loop), host, 0
    )
    relay.port = server.sockets[0].getsockname()[1]
    try:
        yield relay
    finally:
        server.close()
        await server.wait_closed()
