"""A small S3-compatible object server that keeps objects on disk, for Tansu's ``s3://`` storage.

No maintained PyPI package both keeps objects on disk and honours conditional writes (see
docs/decisions.md), so this one implements only what Tansu's object store calls: PUT, GET, HEAD
and DELETE of an object, ListObjectsV2, and the conditional headers (If-Match, If-None-Match)
with 412 Precondition Failed, which Tansu relies on to never overwrite a batch or an offset
another writer changed. Every write goes to a temporary file that is flushed and renamed into
place, so a kill -9 leaves either the old object or the new one, never half of one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit
from xml.sax.saxutils import escape

logger = logging.getLogger(__name__)

_OBJECT_SUFFIX = "%obj"
"""Ends every object's file name: a quoted segment never contains it, so a key and a longer key
that continues it (``a`` and ``a/b``) never need the same path as both file and directory."""

_MAX_HEADER_BYTES = 64 * 1024
_MAX_BODY_BYTES = 256 * 1024 * 1024
_MAX_KEYS = 1000


@dataclass(frozen=True)
class StoredObject:
    """What the server knows of one object without reading it."""

    etag: str
    size: int
    modified: datetime


class PreconditionFailedError(Exception):
    """A conditional request's condition does not hold."""


class ObjectStore:
    """Buckets of objects under one directory; the index of ETags lives in memory.

    The index is rebuilt from the files at start, so the files are the only truth. Requests are
    served one at a time by the event loop, so a condition checked and the rename that follows
    cannot interleave with another write.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._buckets = root / "buckets"
        self._scratch = root / "tmp"
        self._buckets.mkdir(parents=True, exist_ok=True)
        self._scratch.mkdir(parents=True, exist_ok=True)
        # Left by a kill -9 in the middle of a write: never renamed, so never part of an object.
        for leftover in self._scratch.iterdir():
            leftover.unlink(missing_ok=True)
        self._index: dict[tuple[str, str], StoredObject] = {}
        for bucket_dir in self._buckets.iterdir():
            if bucket_dir.is_dir():
                self._load_bucket(unquote(bucket_dir.name), bucket_dir)

    def _load_bucket(self, bucket: str, bucket_dir: Path) -> None:
        for path in bucket_dir.rglob(f"*{_OBJECT_SUFFIX}"):
            relative = path.relative_to(bucket_dir).parts
            key = "/".join(
                unquote(part.removesuffix(_OBJECT_SUFFIX))
                if i == len(relative) - 1
                else unquote(part)
                for i, part in enumerate(relative)
            )
            self._index[bucket, key] = _describe(path.read_bytes(), path)

    def _path(self, bucket: str, key: str) -> Path:
        segments = key.split("/")
        quoted = [quote(segment, safe="") or "%00" for segment in segments]
        quoted = [("%2E%2E" if q == ".." else "%2E" if q == "." else q) for q in quoted]
        quoted[-1] += _OBJECT_SUFFIX
        return self._buckets.joinpath(quote(bucket, safe=""), *quoted)

    def head(self, bucket: str, key: str) -> StoredObject | None:
        """The object's ETag, size and time, or None."""
        return self._index.get((bucket, key))

    def get(self, bucket: str, key: str) -> tuple[StoredObject, bytes] | None:
        """The object and its bytes, or None."""
        found = self._index.get((bucket, key))
        if found is None:
            return None
        return found, self._path(bucket, key).read_bytes()

    def put(
        self,
        bucket: str,
        key: str,
        body: bytes,
        *,
        if_match: str | None = None,
        if_none_match: str | None = None,
    ) -> StoredObject:
        """Write the object atomically; raise PreconditionFailedError when a condition fails."""
        current = self._index.get((bucket, key))
        _check_conditions(current, if_match=if_match, if_none_match=if_none_match)
        target = self._path(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=self._scratch)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(body)
                file.flush()
                os.fsync(file.fileno())
            Path(scratch).replace(target)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
        stored = _describe(body, target)
        self._index[bucket, key] = stored
        return stored

    def delete(self, bucket: str, key: str) -> None:
        """Remove the object if it exists (S3 answers 204 either way)."""
        if self._index.pop((bucket, key), None) is not None:
            self._path(bucket, key).unlink(missing_ok=True)

    def keys(self, bucket: str, prefix: str) -> list[str]:
        """The bucket's keys that start with ``prefix``, in S3's order (by UTF-8 bytes)."""
        found = [k for (b, k) in self._index if b == bucket and k.startswith(prefix)]
        return sorted(found, key=lambda k: k.encode())


def _describe(body: bytes, path: Path) -> StoredObject:
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return StoredObject(f'"{hashlib.md5(body).hexdigest()}"', len(body), modified)  # noqa: S324 -- S3's ETag is an MD5, not a security check


def _check_conditions(
    current: StoredObject | None, *, if_match: str | None, if_none_match: str | None
) -> None:
    if (
        if_none_match is not None
        and current is not None
        and (if_none_match.strip() == "*" or current.etag in _etags(if_none_match))
    ):
        raise PreconditionFailedError
    if if_match is not None and (
        current is None or (if_match.strip() != "*" and current.etag not in _etags(if_match))
    ):
        raise PreconditionFailedError


def _etags(header: str) -> set[str]:
    tags = set()
    for raw in header.split(","):
        tag = raw.strip().removeprefix("W/")
        tags.add(tag if tag.startswith('"') else f'"{tag}"')
    return tags


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    """What goes back: status, headers and body."""

    status: int
    headers: dict[str, str]
    body: bytes = b""


_REASONS = {
    200: "OK",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    412: "Precondition Failed",
    413: "Content Too Large",
    500: "Internal Server Error",
}


def _error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    ).encode()
    return Response(status, {"Content-Type": "application/xml"}, body)


def _object_headers(stored: StoredObject) -> dict[str, str]:
    return {
        "ETag": stored.etag,
        "Last-Modified": format_datetime(stored.modified, usegmt=True),
        "Content-Type": "application/octet-stream",
        "Accept-Ranges": "bytes",
    }


class S3Server:
    """Serves an ObjectStore over HTTP/1.1 with path-style addressing (``/bucket/key``)."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def handle(self, request: Request) -> Response:
        """Answer one request."""
        bucket, _, key = request.path.lstrip("/").partition("/")
        bucket, key = unquote(bucket), unquote(key)
        if not bucket:
            return _error(400, "InvalidRequest", "path-style requests name a bucket")
        try:
            if not key:
                return self._bucket(request, bucket)
            return self._object(request, bucket, key)
        except PreconditionFailedError:
            return _error(412, "PreconditionFailed", "At least one of the preconditions failed")

    def _bucket(self, request: Request, bucket: str) -> Response:
        if request.method in {"PUT", "HEAD"}:  # buckets exist as soon as they are named
            return Response(200, {})
        if request.method == "GET":
            return self._list(bucket, request.query)
        if request.method == "DELETE":
            return Response(204, {})
        return _error(405, "MethodNotAllowed", f"{request.method} on a bucket")

    def _object(self, request: Request, bucket: str, key: str) -> Response:  # noqa: PLR0911 -- one answer per S3 case reads best flat
        headers = request.headers
        if request.method == "PUT":
            if "x-amz-copy-source" in headers:
                return _error(400, "NotImplemented", "copy is not supported")
            stored = self.store.put(
                bucket,
                key,
                request.body,
                if_match=headers.get("if-match"),
                if_none_match=headers.get("if-none-match"),
            )
            return Response(200, {"ETag": stored.etag})
        if request.method == "DELETE":
            self.store.delete(bucket, key)
            return Response(204, {})
        if request.method not in {"GET", "HEAD"}:
            return _error(405, "MethodNotAllowed", f"{request.method} on an object")
        found = self.store.head(bucket, key)
        if found is None:
            return _error(404, "NoSuchKey", "The specified key does not exist.")
        if (tags := headers.get("if-match")) is not None and found.etag not in _etags(tags):
            raise PreconditionFailedError
        if (tags := headers.get("if-none-match")) is not None and found.etag in _etags(tags):
            return Response(304, {"ETag": found.etag})
        if request.method == "HEAD":
            return Response(200, {**_object_headers(found), "Content-Length": str(found.size)})
        got = self.store.get(bucket, key)
        if got is None:
            return _error(404, "NoSuchKey", "The specified key does not exist.")
        stored, body = got
        return Response(200, _object_headers(stored), _ranged(body, headers.get("range")))

    def _list(self, bucket: str, query: dict[str, str]) -> Response:
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter", "")
        max_keys = min(int(query.get("max-keys", _MAX_KEYS)), _MAX_KEYS)
        after = query.get("continuation-token") or query.get("start-after") or ""
        contents: list[str] = []
        prefixes: list[str] = []
        last = ""
        truncated = False
        # The continuation token is the last entry returned: a key, or a common prefix whose
        # keys are all skipped because the prefix itself sorts at or before the token.
        for key in self.store.keys(bucket, prefix):
            entry = key
            if delimiter and (cut := key.find(delimiter, len(prefix))) >= 0:
                entry = key[: cut + len(delimiter)]
            if (after and entry.encode() <= after.encode()) or entry == last:
                continue
            if len(contents) + len(prefixes) == max_keys:
                truncated = True
                break
            (contents if entry == key else prefixes).append(entry)
            last = entry
        next_token = last if truncated else ""
        body = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>",
            f"<KeyCount>{len(contents) + len(prefixes)}</KeyCount><MaxKeys>{max_keys}</MaxKeys>",
            f"<IsTruncated>{'true' if next_token else 'false'}</IsTruncated>",
        ]
        if delimiter:
            body.append(f"<Delimiter>{escape(delimiter)}</Delimiter>")
        if next_token:
            body.append(f"<NextContinuationToken>{escape(next_token)}</NextContinuationToken>")
        for key in contents:
            stored = self.store.head(bucket, key)
            if stored is None:
                continue
            modified = stored.modified.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            body.append(
                f"<Contents><Key>{escape(key)}</Key><LastModified>{modified}</LastModified>"
                f"<ETag>{escape(stored.etag)}</ETag><Size>{stored.size}</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
            )
        body += [f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in prefixes]
        body.append("</ListBucketResult>")
        return Response(200, {"Content-Type": "application/xml"}, "".join(body).encode())

    async def serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Answer requests on one kept-alive connection until the client closes it."""
        try:
            while (request := await _read_request(reader)) is not None:
                try:
                    response = self.handle(request)
                except ValueError as error:
                    response = _error(400, "InvalidArgument", str(error))
                except OSError as error:
                    logger.exception("storage failed")
                    response = _error(500, "InternalError", str(error))
                await _write_response(writer, response, head_only=request.method == "HEAD")
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _ranged(body: bytes, header: str | None) -> bytes:
    """The part of ``body`` a ``Range: bytes=a-b`` header asks for (one range only)."""
    if not header or not header.startswith("bytes="):
        return body
    start_text, _, end_text = header.removeprefix("bytes=").partition("-")
    if not start_text:  # the last N bytes
        return body[-int(end_text) :]
    end = int(end_text) + 1 if end_text else len(body)
    return body[int(start_text) : end]


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial.strip():
            raise
        return None
    if len(head) > _MAX_HEADER_BYTES:
        raise ConnectionError("request head too large")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    else:
        length = int(headers.get("content-length", "0"))
        if length > _MAX_BODY_BYTES:
            raise ConnectionError("request body too large")
        body = await reader.readexactly(length)
    url = urlsplit(target)
    query = {
        name: values[0] for name, values in parse_qs(url.query, keep_blank_values=True).items()
    }
    return Request(method.upper(), url.path, query, headers, body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # the end of the (empty) trailer
            return b"".join(parts)
        total += size
        if total > _MAX_BODY_BYTES:
            raise ConnectionError("request body too large")
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _write_response(
    writer: asyncio.StreamWriter, response: Response, *, head_only: bool
) -> None:
    headers = {"Content-Length": str(len(response.body)), **response.headers}
    headers.setdefault("x-amz-request-id", "digitalwell")
    lines = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if not head_only and response.status not in {204, 304}:
        writer.write(response.body)
    await writer.drain()


async def serve(root: Path, host: str, port: int) -> None:
    """Serve ``root`` on ``host:port`` until SIGTERM or SIGINT."""
    server = S3Server(ObjectStore(root))
    listener = await asyncio.start_server(server.serve_connection, host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    logger.info("S3 object store on http://%s:%d, objects in %s", host, port, root)
    async with listener:
        await stop.wait()


def main() -> None:
    """``python -m digitalwell_devstack.s3_store --root DIR --port N``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="directory for the objects")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    asyncio.run(serve(args.root, args.host, args.port))


if __name__ == "__main__":
    main()
