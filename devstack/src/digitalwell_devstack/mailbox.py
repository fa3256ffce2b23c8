"""The SMTP sink's memory: received messages parsed into Mailpit's JSON shapes, and its search."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import re
import secrets
import string
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

JSON = dict[str, Any]

SNIPPET_LENGTH = 250
"""Mailpit's snippet length."""

_ID_ALPHABET = string.ascii_letters + string.digits
_ID_LENGTH = 22  # Mailpit's database ids are 22 letters and digits
_ADDRESS_FIELDS = {"to", "from", "cc", "bcc", "reply-to", "addressed"}
_WORDLIKE = re.compile(r"[a-zA-Z0-9]")
_FOLD = re.compile(r"\r?\n[ \t]+")


def new_id() -> str:
    """A random id shaped like Mailpit's."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def json_time(moment: datetime) -> str:
    """RFC 3339 with milliseconds and ``Z`` for UTC, as Go encodes times in Mailpit's JSON."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def canonical_header_name(name: str) -> str:
    """Go's canonical MIME header key (``Message-Id``), which Mailpit's header endpoint returns."""
    return "-".join(word[:1].upper() + word[1:].lower() for word in name.split("-"))


@dataclass(frozen=True)
class Address:
    """One mailbox of an address header."""

    name: str
    address: str

    def to_json(self) -> JSON:
        """Mailpit's address object."""
        return {"Name": self.name, "Address": self.address}

    def matches(self, needle: str) -> bool:
        """Mailpit's address filters match the name or the address, in any case."""
        return needle in f"{self.name} <{self.address}>".lower()


@dataclass(frozen=True)
class Part:
    """An attachment or inline file, with Mailpit's part id (its place in the MIME tree)."""

    part_id: str
    file_name: str
    content_type: str
    content_id: str
    content: bytes

    def to_json(self) -> JSON:
        """Mailpit's attachment object."""
        return {
            "PartID": self.part_id,
            "FileName": self.file_name,
            "ContentType": self.content_type,
            "ContentID": self.content_id,
            "Size": len(self.content),
            "Checksums": {
                "MD5": hashlib.md5(self.content, usedforsecurity=False).hexdigest(),
                "SHA1": hashlib.sha1(self.content, usedforsecurity=False).hexdigest(),
                "SHA256": hashlib.sha256(self.content).hexdigest(),
            },
        }


@dataclass
class StoredMessage:
    """A received message, parsed once on arrival."""

    id: str
    raw: bytes
    created: datetime
    message_id: str
    subject: str
    sender: Address | None
    to: list[Address]
    cc: list[Address]
    bcc: list[Address]
    reply_to: list[Address]
    return_path: str
    date: datetime
    text: str
    html: str
    attachments: list[Part]
    inline: list[Part]
    read: bool = False
    search_text: str = field(default="", repr=False)

    @property
    def snippet(self) -> str:
        """The start of the text (or of the HTML's text), whitespace collapsed."""
        words = " ".join((self.text or html_to_text(self.html)).split())
        if len(words) <= SNIPPET_LENGTH:
            return words
        return words[:SNIPPET_LENGTH].rstrip() + "..."

    def summary(self) -> JSON:
        """Mailpit's MessageSummary, as listed by /api/v1/messages and /api/v1/search."""
        return {
            "ID": self.id,
            "MessageID": self.message_id,
            "Read": self.read,
            "From": self.sender.to_json() if self.sender else None,
            "To": [a.to_json() for a in self.to],
            "Cc": [a.to_json() for a in self.cc],
            "Bcc": [a.to_json() for a in self.bcc],
            "ReplyTo": [a.to_json() for a in self.reply_to],
            "Subject": self.subject,
            "Created": json_time(self.created),
            "Username": "",
            "Tags": [],
            "Size": len(self.raw),
            "Attachments": len(self.attachments),
            "Snippet": self.snippet,
        }

    def detail(self) -> JSON:
        """Mailpit's Message, as returned by /api/v1/message/{ID}."""
        return {
            "ID": self.id,
            "MessageID": self.message_id,
            "From": self.sender.to_json() if self.sender else None,
            "To": [a.to_json() for a in self.to],
            "Cc": [a.to_json() for a in self.cc],
            "Bcc": [a.to_json() for a in self.bcc],
            "ReplyTo": [a.to_json() for a in self.reply_to],
            "ReturnPath": self.return_path,
            "Subject": self.subject,
            "ListUnsubscribe": {"Header": "", "Links": [], "Errors": "", "HeaderPost": ""},
            "Date": json_time(self.date),
            "Tags": [],
            "Username": "",
            "Text": self.text,
            "HTML": self.html,
            "Size": len(self.raw),
            "Inline": [p.to_json() for p in self.inline],
            "Attachments": [p.to_json() for p in self.attachments],
        }

    def headers(self) -> dict[str, list[str]]:
        """Every header as sent (encoded words left as they are), keys sorted as Mailpit does."""
        parsed = BytesHeaderParser(policy=policy.compat32).parsebytes(self.raw)
        found: dict[str, list[str]] = {}
        for name, value in parsed.items():
            unfolded = _FOLD.sub(" ", str(value)).strip()
            found.setdefault(canonical_header_name(name), []).append(unfolded)
        return dict(sorted(found.items()))

    def part(self, part_id: str) -> Part | None:
        """The attachment or inline file with this part id."""
        return next((p for p in [*self.attachments, *self.inline] if p.part_id == part_id), None)


def parse_message(
    raw: bytes, *, envelope_from: str, envelope_to: Sequence[str], received: datetime
) -> StoredMessage:
    """Parse what an SMTP client sent into a StoredMessage."""
    message_id = new_id()
    parsed = _parse(raw)
    header_id = str(parsed.get("Message-ID", "")).strip().strip("<>")
    if not header_id:
        # Mailpit gives a message without a Message-ID one, so that every message has one.
        header_id = f"{message_id}@mailpit"
        raw = f"Message-ID: <{header_id}>\r\n".encode() + raw
        parsed = _parse(raw)

    to = _addresses(parsed, "To")
    cc = _addresses(parsed, "Cc")
    visible = {a.address.lower() for a in [*to, *cc]}
    # Recipients of the envelope that no header names were blind copies, as Mailpit shows them.
    bcc = _addresses(parsed, "Bcc") + [
        Address("", rcpt) for rcpt in envelope_to if rcpt.lower() not in visible
    ]
    senders = _addresses(parsed, "From")
    text, html, attachments, inline = _bodies_and_files(parsed)
    stored = StoredMessage(
        id=message_id,
        raw=raw,
        created=received,
        message_id=header_id,
        subject=str(parsed.get("Subject", "")),
        sender=senders[0] if senders else None,
        to=to,
        cc=cc,
        bcc=bcc,
        reply_to=_addresses(parsed, "Reply-To"),
        return_path=str(parsed.get("Return-Path", "")).strip().strip("<>") or envelope_from,
        date=_date(parsed, received),
        text=text,
        html=html,
        attachments=attachments,
        inline=inline,
    )
    people = [stored.sender, *to, *cc, *bcc, *stored.reply_to]
    stored.search_text = " ".join(
        [
            stored.subject,
            *(f"{a.name} {a.address}" for a in people if a is not None),
            text,
            html_to_text(html),
        ]
    ).lower()
    return stored


def _parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def _addresses(message: EmailMessage, header: str) -> list[Address]:
    return [
        Address(mailbox.display_name, mailbox.addr_spec)
        for value in message.get_all(header, [])
        for mailbox in getattr(value, "addresses", ())
    ]


def _date(message: EmailMessage, received: datetime) -> datetime:
    header = message.get("Date")
    if header is None:
        return received
    try:
        sent = parsedate_to_datetime(str(header))
    except (TypeError, ValueError):
        return received
    return sent if sent.tzinfo is not None else sent.replace(tzinfo=UTC)


def _bodies_and_files(message: EmailMessage) -> tuple[str, str, list[Part], list[Part]]:
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    attachments: list[Part] = []
    inline: list[Part] = []
    for part_id, leaf in _leaves(message, "0"):
        if leaf is text_part or leaf is html_part:
            continue
        disposition = leaf.get_content_disposition()
        content_id = str(leaf.get("Content-ID", "")).strip().strip("<>")
        file_name = leaf.get_filename() or ""
        is_text_body = leaf.get_content_maintype() == "text" and not file_name
        if disposition != "attachment" and is_text_body:
            continue  # a further body part (text after an attachment), not a file
        found = Part(part_id, file_name, leaf.get_content_type(), content_id, _content(leaf))
        if disposition != "attachment" and content_id:
            inline.append(found)
        else:
            attachments.append(found)
    return _text_of(text_part), _text_of(html_part), attachments, inline


def _leaves(part: MIMEPart, part_id: str) -> Iterator[tuple[str, MIMEPart]]:
    """Every non-multipart part with enmime's part id: 1, 2 at the top level, then 1.1 and on."""
    if part.get_content_maintype() != "multipart":
        yield part_id, part
        return
    for index, child in enumerate(part.iter_parts(), start=1):
        yield from _leaves(child, str(index) if part_id == "0" else f"{part_id}.{index}")


def _content(leaf: Message) -> bytes:
    if leaf.get_content_maintype() == "message":
        inner = leaf.get_payload(0)
        return inner.as_bytes() if isinstance(inner, Message) else b""
    payload = leaf.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _text_of(part: MIMEPart | None) -> str:
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):
        # An unknown or lying charset: show the bytes as UTF-8 rather than nothing.
        return _content(part).decode("utf-8", errors="replace")
    # SMTP carries CRLF; readers and tests expect the text's lines as Python writes them.
    return content.replace("\r\n", "\n") if isinstance(content, str) else ""


class _TextCollector(HTMLParser):
    """Collects the visible text of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002 -- HTMLParser's signature
        if tag in {"script", "style", "head", "title"}:
            self._hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"} and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML body, for snippets and search."""
    if not html:
        return ""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join(" ".join(collector.chunks).split())


@dataclass(frozen=True)
class Term:
    """One word of a Mailpit search: ``field:value``, free text, or either negated with - or !."""

    field: str
    value: str
    negated: bool = False

    def matches(self, message: StoredMessage) -> bool:
        """Whether the message satisfies this term (before negation is applied)."""
        return self._matches(message) != self.negated

    def _matches(self, message: StoredMessage) -> bool:  # noqa: PLR0911 -- one return per filter reads best
        needle = self.value.lower()
        if self.field in _ADDRESS_FIELDS:
            return any(a.matches(needle) for a in _people(message, self.field))
        if self.field == "subject":
            return needle in message.subject.lower()
        if self.field == "message-id":
            return needle in message.message_id.lower()
        if self.field == "tag":
            return False  # the sink keeps no tags
        if self.field == "is":
            return message.read if needle == "read" else not message.read
        if self.field == "has":
            return bool(message.inline if needle.startswith("inline") else message.attachments)
        return needle in message.search_text


def _people(message: StoredMessage, field_name: str) -> list[Address]:
    sender = [message.sender] if message.sender else []
    by_field = {
        "to": message.to,
        "from": sender,
        "cc": message.cc,
        "bcc": message.bcc,
        "reply-to": message.reply_to,
    }
    if field_name == "addressed":
        return [address for group in by_field.values() for address in group]
    return by_field[field_name]


_FILTERS = (*sorted(_ADDRESS_FIELDS), "subject", "message-id", "tag")
_FLAGS = {"is:read", "is:unread", "has:attachment", "has:attachments", "has:inline", "has:inlines"}


def parse_query(query: str) -> list[Term]:
    """Split a Mailpit search into terms; double quotes group words (``subject:"two words"``)."""
    terms: list[Term] = []
    for word in _split_words(query):
        negated = len(word) > 1 and word[0] in "-!"
        body = word[1:] if negated else word
        if not _WORDLIKE.search(body):
            continue  # Mailpit ignores words without a letter or digit
        lowered = body.lower()
        prefix = next((f for f in _FILTERS if lowered.startswith(f"{f}:")), None)
        if lowered in _FLAGS:
            kind, value = lowered.split(":")
            terms.append(Term(kind, value, negated))
        elif prefix is not None:
            value = body[len(prefix) + 1 :].strip()
            if value:
                terms.append(Term(prefix, value, negated))
        else:
            terms.append(Term("text", body, negated))
    return terms


def _split_words(query: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    quoted = False
    for char in query:
        if char == '"':
            quoted = not quoted
        elif char.isspace() and not quoted:
            if current:
                words.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


class Mailbox:
    """The newest ``capacity`` messages, in arrival order; one event loop uses it, no locking.

    With a ``journal`` file, every message received and every deletion is appended to it (and
    flushed to disk) before it is answered, and a new Mailbox replays it: the mail sent before a
    restart is still there to read, as in Mailpit's database. A line cut short by a kill -9 is
    skipped, so a torn last write never stops the sink from starting.
    """

    def __init__(self, capacity: int = 10_000, *, journal: Path | None = None) -> None:
        self.capacity = capacity
        self._messages: OrderedDict[str, StoredMessage] = OrderedDict()
        self._journal = journal
        if journal is not None:
            journal.parent.mkdir(parents=True, exist_ok=True)
            self._replay(journal)

    def receive(
        self, raw: bytes, *, envelope_from: str, envelope_to: Sequence[str], received: datetime
    ) -> StoredMessage:
        """Parse, journal and keep a message that arrived; returns it."""
        message = parse_message(
            raw, envelope_from=envelope_from, envelope_to=envelope_to, received=received
        )
        self._append(
            {
                "op": "add",
                "id": message.id,
                "raw": base64.b64encode(raw).decode(),
                "from": envelope_from,
                "to": list(envelope_to),
                "received": received.isoformat(),
            }
        )
        self.add(message)
        return message

    def _append(self, record: JSON) -> None:
        if self._journal is None:
            return
        with self._journal.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")
            file.flush()
            os.fsync(file.fileno())

    def _replay(self, journal: Path) -> None:
        if not journal.exists():
            return
        for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                record = json.loads(line)
                if record["op"] == "add":
                    message = parse_message(
                        base64.b64decode(record["raw"]),
                        envelope_from=record["from"],
                        envelope_to=record["to"],
                        received=datetime.fromisoformat(record["received"]),
                    )
                    self.add(dataclasses.replace(message, id=record["id"]))
                elif record["op"] == "delete":
                    self._forget(record["ids"])

    def __len__(self) -> int:
        return len(self._messages)

    @property
    def unread(self) -> int:
        """How many messages nobody has opened yet."""
        return sum(1 for m in self._messages.values() if not m.read)

    def add(self, message: StoredMessage) -> None:
        """Keep a message, forgetting the oldest beyond capacity."""
        self._messages[message.id] = message
        while len(self._messages) > self.capacity:
            self._messages.popitem(last=False)

    def newest_first(self) -> list[StoredMessage]:
        """All messages, newest first, as Mailpit lists them."""
        return list(reversed(self._messages.values()))

    def get(self, message_id: str) -> StoredMessage | None:
        """The message with this id, or the newest for ``latest`` as in Mailpit."""
        if message_id == "latest":
            return next(reversed(self._messages.values()), None)
        return self._messages.get(message_id)

    def search(self, query: str) -> list[StoredMessage]:
        """Messages matching every term of a Mailpit search, newest first."""
        terms = parse_query(query)
        return [m for m in self.newest_first() if all(t.matches(m) for t in terms)]

    def delete(self, ids: Sequence[str] | None = None) -> None:
        """Forget the given messages, or all of them."""
        if ids is None and self._journal is not None:
            self._journal.unlink(missing_ok=True)  # nothing left to replay
        else:
            self._append({"op": "delete", "ids": list(ids) if ids is not None else None})
        self._forget(ids)

    def _forget(self, ids: Sequence[str] | None) -> None:
        if ids is None:
            self._messages.clear()
            return
        for message_id in ids:
            self._messages.pop(message_id, None)


def received_now() -> datetime:
    """The time a message arrives, in UTC."""
    return datetime.now(UTC)
