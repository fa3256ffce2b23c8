"""SMTP servers that misbehave on purpose, for delivery tests: real servers on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiosmtpd.smtp import SMTP, Envelope, Session


class _RefuseRecipients:
    """Answers 550 (mailbox unavailable, permanent) for every recipient."""

    received: int = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        _server: SMTP,
        _session: Session,
        _envelope: Envelope,
        address: str,
        _options: list[str],
    ) -> str:
        return f"550 5.1.1 <{address}>: mailbox unavailable"


@asynccontextmanager
async def refusing_smtp_server(host: str = "127.0.0.1") -> AsyncIterator[int]:
    """An SMTP server that refuses every recipient for good; yields its port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(_RefuseRecipients(), hostname="refusing", loop=loop), host, 0
    )
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
