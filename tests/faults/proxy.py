"""A TCP proxy the fault suite controls: the services reach the broker only through it.

``cut()`` closes every connection and stops listening, so new connections are refused, as a
network partition or a firewall would; ``restore()`` listens again on the same port. Tansu
advertises the proxy's address, so clients that bootstrapped through it stay behind it.
"""

from __future__ import annotations

import asyncio
import contextlib

_CHUNK = 65536


class TcpProxy:
    """Forwards ``listen_port`` on ``host`` to ``target_port``, until cut."""

    def __init__(self, host: str, listen_port: int, target_port: int) -> None:
        self.host = host
        self.listen_port = listen_port
        self.target_port = target_port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections = 0

    async def start(self) -> None:
        """Listen (again)."""
        if self._server is None:
            self._server = await asyncio.start_server(
                self._serve, self.host, self.listen_port, reuse_address=True
            )

    async def cut(self) -> None:
        """Refuse new connections and close the open ones."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, not a polite close: what a cut link looks like
        self._writers.clear()
        if server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 5)

    async def restore(self) -> None:
        """Accept connections again."""
        await self.start()

    async def stop(self) -> None:
        """Cut, for good."""
        await self.cut()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.host, self.target_port
            )
        except OSError:
            writer.transport.abort()
            return
        self.connections += 1
        self._writers |= {writer, upstream_writer}
        try:
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            for each in (writer, upstream_writer):
                self._writers.discard(each)
                each.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.transport.abort()
