"""An SMTP sink that keeps what it receives, with Mailpit's HTTP API and a page to read it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import socket
import threading
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Annotated

import uvicorn
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import (
    HTMLResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from digitalwell_devstack.chaos import Chaos, chaos_routes
from digitalwell_devstack.mailbox import JSON, Mailbox, StoredMessage, received_now

DEFAULT_LIMIT = 50
"""Mailpit's page size when a request names none."""

_PAGE_ROWS = 500  # the list page shows the newest this many; search finds older ones

logger = logging.getLogger(__name__)


class _Keeper:
    """aiosmtpd handler: every message that arrives goes into the mailbox, unless chaos says no."""

    def __init__(self, mailbox: Mailbox, chaos: Chaos) -> None:
        self._mailbox = mailbox
        self._chaos = chaos

    async def handle_MAIL(  # noqa: N802 -- aiosmtpd's hook name
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self._chaos.sender_refusal()
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(  # noqa: N802 -- aiosmtpd's hook name
        self, _server: SMTP, _session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self._chaos.recipient_refusal()
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 -- aiosmtpd's hook name
        raw = envelope.original_content or b""
        message = self._mailbox.receive(
            raw,
            envelope_from=envelope.mail_from or "",
            envelope_to=list(envelope.rcpt_tos),
            received=received_now(),
        )
        logger.info("received %r for %s", message.subject, ", ".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def _messages_summary(mailbox: Mailbox, found: list[StoredMessage], start: int, limit: int) -> JSON:
    page = found[start : start + limit]
    return {
        "total": len(mailbox),
        "unread": mailbox.unread,
        "count": len(page),
        "messages_count": len(found),
        "start": start,
        "tags": [],
        "messages": [m.summary() for m in page],
    }


def create_app(mailbox: Mailbox, chaos: Chaos | None = None) -> FastAPI:
    """The HTTP side: Mailpit's /api/v1 routes that tests use, and two pages for people."""
    app = FastAPI(title="DigitalWell mail sink", docs_url=None, redoc_url=None)
    app.include_router(_api_routes(mailbox))
    app.include_router(chaos_routes(chaos or Chaos()))
    app.include_router(_page_routes(mailbox))

    @app.exception_handler(HTTPException)
    async def plain_errors(_request: Request, error: HTTPException) -> Response:
        # Mailpit answers errors as plain text, not FastAPI's {"detail": ...}.
        return PlainTextResponse(str(error.detail), status_code=error.status_code)

    return app


def _found_or_404(mailbox: Mailbox, message_id: str) -> StoredMessage:
    message = mailbox.get(message_id)
    if message is None:
        raise HTTPException(status_code=404, detail="Not found")
    return message


Start = Annotated[int, Query(ge=0, description="pagination offset")]
Limit = Annotated[int, Query(ge=0, description="page size")]


def _api_routes(mailbox: Mailbox) -> APIRouter:  # noqa: C901 -- one small function per route
    router = APIRouter(prefix="/api/v1")

    @router.get("/messages")
    async def list_messages(start: Start = 0, limit: Limit = DEFAULT_LIMIT) -> JSON:
        return _messages_summary(mailbox, mailbox.newest_first(), start, limit)

    @router.delete("/messages", response_class=PlainTextResponse)
    async def delete_messages(request: Request) -> str:
        # Mailpit: a JSON body {"IDs": [...]} deletes those, no body (or no IDs) deletes all.
        body = await request.body()
        ids: list[str] = []
        if body.strip():
            try:
                ids = [str(i) for i in json.loads(body).get("IDs") or []]
            except (ValueError, AttributeError) as error:
                raise HTTPException(status_code=400, detail=f"invalid body: {error}") from error
        mailbox.delete(ids or None)
        return "ok"

    @router.get("/search")
    async def search(query: str = "", start: Start = 0, limit: Limit = DEFAULT_LIMIT) -> JSON:
        if not query.strip():
            raise HTTPException(status_code=400, detail="Error: no search query")
        return _messages_summary(mailbox, mailbox.search(query), start, limit)

    @router.get("/message/{message_id}")
    async def message(message_id: str) -> JSON:
        found = _found_or_404(mailbox, message_id)
        found.read = True  # Mailpit marks a message read when its full form is fetched
        return found.detail()

    @router.get("/message/{message_id}/headers")
    async def headers(message_id: str) -> dict[str, list[str]]:
        return _found_or_404(mailbox, message_id).headers()

    @router.get("/message/{message_id}/raw")
    async def raw(message_id: str) -> Response:
        found = _found_or_404(mailbox, message_id)
        return Response(found.raw, media_type="text/plain; charset=utf-8")

    @router.get("/message/{message_id}/part/{part_id}")
    async def part(message_id: str, part_id: str) -> Response:
        found = _found_or_404(mailbox, message_id).part(part_id)
        if found is None:
            raise HTTPException(status_code=404, detail="Not found")
        name = (found.file_name or found.content_id).replace('"', "")
        return Response(
            found.content,
            media_type=found.content_type,
            headers={"Content-Disposition": f'filename="{name}"'},
        )

    return router


def _page_routes(mailbox: Mailbox) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    async def index_page(query: str = "") -> str:
        shown = mailbox.search(query) if query.strip() else mailbox.newest_first()
        return _index_html(shown[:_PAGE_ROWS], total=len(mailbox), query=query)

    @router.get("/view/{message_id}", response_class=HTMLResponse)
    async def message_page(message_id: str) -> str:
        found = _found_or_404(mailbox, message_id)
        found.read = True
        return _message_html(found)

    @router.post("/clear")
    async def clear_page() -> RedirectResponse:
        mailbox.delete()
        return RedirectResponse("/", status_code=303)

    return router


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem;
       color: #1b1b1b; }
h1 { font-size: 1.3rem; } a { color: #0b5cad; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #ddd;
         vertical-align: top; }
tr.unread td { font-weight: 600; }
.muted { color: #666; font-weight: normal; }
pre { white-space: pre-wrap; background: #f6f6f6; padding: .75rem; border-radius: 4px; }
iframe { width: 100%; height: 32rem; border: 1px solid #ccc; border-radius: 4px; }
form.inline { display: inline; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _people(addresses: list[JSON]) -> str:
    return ", ".join(
        escape(f"{a['Name']} <{a['Address']}>" if a["Name"] else a["Address"]) for a in addresses
    )


def _index_html(messages: list[StoredMessage], *, total: int, query: str) -> str:
    rows = "".join(
        f'<tr class="{"" if m.read else "unread"}">'
        f"<td>{escape(m.created.strftime('%Y-%m-%d %H:%M:%S'))}</td>"
        f"<td>{_people([m.sender.to_json()]) if m.sender else ''}</td>"
        f"<td>{_people([a.to_json() for a in m.to])}</td>"
        f'<td><a href="/view/{escape(m.id)}">{escape(m.subject or "(no subject)")}</a>'
        f'<br><span class="muted">{escape(m.snippet[:120])}</span></td>'
        f"<td>{len(m.attachments) or ''}</td></tr>"
        for m in messages
    )
    table = (
        "<table><thead><tr><th>Received (UTC)</th><th>From</th><th>To</th><th>Subject</th>"
        f"<th>Files</th></tr></thead><tbody>{rows}</tbody></table>"
        if messages
        else "<p>No messages.</p>"
    )
    body = (
        f'<h1>Mail sink <span class="muted">{total} message{"" if total == 1 else "s"}</span></h1>'
        '<form method="get" action="/" class="inline">'
        f'<input name="query" value="{escape(query)}" size="40" '
        'placeholder="to:someone@example.org">'
        " <button>Search</button></form> "
        '<form method="post" action="/clear" class="inline"><button>Delete all</button></form>'
        f"{table}"
    )
    return _page("Mail sink", body)


def _message_html(message: StoredMessage) -> str:
    detail = message.detail()
    fields = [
        ("From", _people([detail["From"]]) if detail["From"] else ""),
        ("To", _people(detail["To"])),
        ("Cc", _people(detail["Cc"])),
        ("Bcc", _people(detail["Bcc"])),
        ("Reply-To", _people(detail["ReplyTo"])),
        ("Subject", escape(message.subject)),
        ("Date", escape(detail["Date"])),
        ("Message-ID", escape(message.message_id)),
    ]
    summary = "".join(
        f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in fields if value
    )
    files = "".join(
        f'<li><a href="/api/v1/message/{escape(message.id)}/part/{escape(p.part_id)}">'
        f"{escape(p.file_name or p.content_id or p.part_id)}</a> "
        f'<span class="muted">{escape(p.content_type)}, {len(p.content)} bytes</span></li>'
        for p in [*message.attachments, *message.inline]
    )
    all_headers = "".join(
        f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>"
        for name, values in message.headers().items()
        for value in values
    )
    # The HTML part runs in a sandbox without scripts; its links open in a new tab.
    framed = '<base target="_blank">' + message.html
    html_part = (
        f'<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" '
        f'title="HTML part" srcdoc="{escape(framed, quote=True)}"></iframe>'
        if message.html
        else "<p>No HTML part.</p>"
    )
    text_part = f"<pre>{escape(message.text)}</pre>" if message.text else "<p>No text part.</p>"
    body = (
        '<p><a href="/">&larr; all messages</a> · '
        f'<a href="/api/v1/message/{escape(message.id)}/raw">source</a></p>'
        f"<h1>{escape(message.subject or '(no subject)')}</h1>"
        f"<table>{summary}</table>"
        f"{f'<h2>Files</h2><ul>{files}</ul>' if files else ''}"
        f"<h2>HTML part</h2>{html_part}"
        f"<h2>Text part</h2>{text_part}"
        f"<details><summary>All headers</summary><table>{all_headers}</table></details>"
    )
    return _page(message.subject or "(no subject)", body)


class _UnsignalledServer(uvicorn.Server):
    """uvicorn that leaves signals alone: whoever runs the sink decides when it stops."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class MailSink:
    """The SMTP server and the HTTP app on one event loop. Port 0 picks a free port."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        smtp_port: int = 1025,
        http_port: int = 8025,
        capacity: int = 10_000,
        journal: Path | None = None,
    ) -> None:
        self.host = host
        self.smtp_port = smtp_port
        self.http_port = http_port
        self.mailbox = Mailbox(capacity, journal=journal)
        self.chaos = Chaos()
        self._smtp: asyncio.Server | None = None
        self._http: _UnsignalledServer | None = None
        self._http_task: asyncio.Task[None] | None = None

    @property
    def api_url(self) -> str:
        """The HTTP base URL (Mailpit's API lives under /api/v1)."""
        return f"http://{self.host}:{self.http_port}"

    async def start(self) -> None:
        """Listen for SMTP and HTTP; returns once both accept connections."""
        loop = asyncio.get_running_loop()
        keeper = _Keeper(self.mailbox, self.chaos)
        self._smtp = await loop.create_server(
            lambda: SMTP(keeper, hostname="mail-sink", enable_SMTPUTF8=True, loop=loop),
            self.host,
            self.smtp_port,
        )
        self.smtp_port = self._smtp.sockets[0].getsockname()[1]
        # The socket is bound here rather than by uvicorn, so a taken port is an OSError to the
        # caller (uvicorn would log and call sys.exit) and port 0 tells which port it got.
        http_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        http_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            http_socket.bind((self.host, self.http_port))
        except OSError:
            http_socket.close()
            await self.stop()
            raise
        self.http_port = http_socket.getsockname()[1]
        config = uvicorn.Config(
            create_app(self.mailbox, self.chaos),
            log_config=None,
            access_log=False,
            lifespan="off",
            log_level="warning",
            timeout_graceful_shutdown=5,
        )
        self._http = _UnsignalledServer(config)
        self._http_task = asyncio.create_task(self._http.serve(sockets=[http_socket]))
        while not self._http.started:
            if self._http_task.done():
                self._http_task.result()  # raises what stopped it
                raise RuntimeError("the mail sink's HTTP server stopped while starting")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop listening and close the servers."""
        if self._http is not None and self._http_task is not None:
            self._http.should_exit = True
            await self._http_task
        if self._smtp is not None:
            self._smtp.close()
            await self._smtp.wait_closed()
        self._http = self._http_task = self._smtp = None


class BackgroundMailSink:
    """A MailSink on its own thread and event loop, for synchronous callers such as test set-up.

    The sink then keeps answering while the caller blocks, say in a synchronous SMTP send.
    """

    def __init__(self, sink: MailSink) -> None:
        self.sink = sink
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> None:
        """Start the sink and return once it accepts connections."""
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.sink.start())
            except BaseException as error:  # noqa: BLE001 -- handed to the starting thread
                failure.append(error)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.sink.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="mail-sink", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError(f"the mail sink did not start within {timeout:g} s")
        if failure:
            raise failure[0]

    def stop(self) -> None:
        """Stop the sink and its thread."""
        if self._loop is not None and self._thread is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> MailSink:
        self.start()
        return self.sink

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m digitalwell_devstack.smtp_sink",
        description="An SMTP sink with Mailpit's HTTP API and a page to read what arrived.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address both servers bind")
    parser.add_argument("--smtp-port", type=int, default=1025, help="SMTP port (default 1025)")
    parser.add_argument("--http-port", type=int, default=8025, help="HTTP port (default 8025)")
    parser.add_argument(
        "--capacity", type=int, default=10_000, help="messages kept; the oldest go first"
    )
    parser.add_argument(
        "--journal", type=Path, default=None, help="file that keeps the mail across restarts"
    )
    return parser.parse_args(argv)


async def _serve(sink: MailSink) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await sink.start()
    logger.info("SMTP on %s:%d, mail UI and API on %s", sink.host, sink.smtp_port, sink.api_url)
    try:
        await stop.wait()
    finally:
        await sink.stop()


def main(argv: list[str] | None = None) -> int:
    """Run the sink until SIGINT or SIGTERM."""
    arguments = _arguments(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # aiosmtpd narrates every SMTP command at INFO; the sink's own line per message is enough.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = MailSink(
        host=arguments.host,
        smtp_port=arguments.smtp_port,
        http_port=arguments.http_port,
        capacity=arguments.capacity,
        journal=arguments.journal,
    )
    try:
        asyncio.run(_serve(sink))
    except OSError as error:
        logger.error("mail sink: cannot listen on %s: %s", arguments.host, error)  # noqa: TRY400 -- one line, not a trace
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
