"""The mail sink for tests, read through Mailpit's HTTP API so the same checks run on Mailpit."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from digitalwell_devstack.smtp_sink import BackgroundMailSink, MailSink

SMTP_HOST_ENV = "DIGITALWELL_TEST_SMTP_HOST"
SMTP_PORT_ENV = "DIGITALWELL_TEST_SMTP_PORT"
MAIL_API_ENV = "DIGITALWELL_TEST_MAIL_API"

Message = dict[str, Any]
"""A message as Mailpit's JSON has it: a summary in lists, the full message by id."""


def sent_to(address: str) -> Callable[[Message], bool]:
    """Matches a message summary addressed (To, Cc or Bcc) to ``address``."""
    wanted = address.lower()

    def matches(summary: Message) -> bool:
        people = [*summary["To"], *summary["Cc"], *summary["Bcc"]]
        return any(p["Address"].lower() == wanted for p in people)

    return matches


@dataclass(frozen=True)
class MailSinkClient:
    """Where to send mail in a test, and how to read what arrived."""

    smtp_host: str
    smtp_port: int
    api_url: str
    """The sink's web address; Mailpit's API is under /api/v1."""

    async def messages(self, *, limit: int = 50) -> list[Message]:
        """Summaries of the newest messages, newest first."""
        listing = await self._get_json("/api/v1/messages", params={"limit": limit})
        return list(listing["messages"])

    async def search(self, query: str, *, limit: int = 50) -> list[Message]:
        """Summaries of messages matching a Mailpit search (``to:a@b subject:"x"``)."""
        found = await self._get_json("/api/v1/search", params={"query": query, "limit": limit})
        return list(found["messages"])

    async def message(self, message_id: str) -> Message:
        """The full message: Text, HTML, Attachments and the rest."""
        full: Message = await self._get_json(f"/api/v1/message/{message_id}")
        return full

    async def headers(self, message_id: str) -> dict[str, list[str]]:
        """The message's headers, each name with all its values."""
        found: dict[str, list[str]] = await self._get_json(f"/api/v1/message/{message_id}/headers")
        return found

    async def part(self, message_id: str, part_id: str) -> bytes:
        """The bytes of an attachment."""
        async with self._client() as client:
            response = await client.get(f"/api/v1/message/{message_id}/part/{part_id}")
        response.raise_for_status()
        return response.content

    async def delete_all(self) -> None:
        """Empty the mailbox."""
        async with self._client() as client:
            response = await client.delete("/api/v1/messages")
        response.raise_for_status()

    async def wait_for_message(
        self,
        predicate: Callable[[Message], bool] = lambda _summary: True,
        *,
        query: str | None = None,
        timeout: float = 15.0,  # noqa: ASYNC109 -- the failure message names the wait
        interval: float = 0.2,
    ) -> Message:
        """Poll until a message whose summary satisfies ``predicate`` arrives; return it in full.

        ``query`` narrows the poll to a Mailpit search, which keeps it cheap in a full mailbox.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = await (self.search(query) if query else self.messages())
            match = next((summary for summary in found if predicate(summary)), None)
            if match is not None:
                return await self.message(match["ID"])
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"no matching message within {timeout:g} s{_describe(found, query)}"
                )
            await asyncio.sleep(interval)

    async def _get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        async with self._client() as client:
            response = await client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def _client(self) -> httpx.AsyncClient:
        # trust_env=False: a developer's HTTP proxy settings must not catch requests to the sink.
        return httpx.AsyncClient(base_url=self.api_url, timeout=10.0, trust_env=False)


def _describe(found: list[Message], query: str | None) -> str:
    scope = f" for search {query!r}" if query else ""
    if not found:
        return f"; the mailbox{scope} is empty"
    newest = "; ".join(
        f"{m['Subject']!r} to {', '.join(p['Address'] for p in m['To'])}" for m in found[:10]
    )
    return f"; the newest messages{scope}: {newest}"


@contextlib.contextmanager
def mail_sink() -> Iterator[MailSinkClient]:
    """The sink named by the environment, else an embedded sink on free ports for the block."""
    given = {
        name: os.environ.get(name, "") for name in (SMTP_HOST_ENV, SMTP_PORT_ENV, MAIL_API_ENV)
    }
    if any(given.values()):
        missing = [name for name, value in given.items() if not value]
        if missing:
            raise RuntimeError(f"set {', '.join(missing)} too, or none of the mail variables")
        api_url = given[MAIL_API_ENV].rstrip("/").removesuffix("/api/v1")
        yield MailSinkClient(given[SMTP_HOST_ENV], int(given[SMTP_PORT_ENV]), api_url)
        return
    # Its own thread and loop: the sink keeps answering while a test blocks on a sync send.
    with BackgroundMailSink(MailSink(smtp_port=0, http_port=0)) as sink:
        yield MailSinkClient(sink.host, sink.smtp_port, sink.api_url)


def describe_source() -> str:
    """One line for pytest's header: which mail sink this run uses."""
    if os.environ.get(MAIL_API_ENV):
        return f"mail sink at {os.environ[MAIL_API_ENV]}"
    return "embedded mail sink"
