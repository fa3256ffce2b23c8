"""The devstack's S3 object store: conditional writes, listing, and what survives a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from digitalwell_devstack.s3_store import ObjectStore, Request, S3Server


def _request(method: str, path: str, body: bytes = b"", **headers: str) -> Request:
    target, _, query = path.partition("?")
    params = dict(p.split("=", 1) for p in query.split("&") if p)
    named = {k.replace("_", "-").lower(): v for k, v in headers.items()}
    return Request(method, target, params, named, body)


@pytest.fixture
def server(tmp_path: Path) -> S3Server:
    return S3Server(ObjectStore(tmp_path))


def test_a_put_with_if_none_match_star_refuses_to_overwrite(server: S3Server):
    assert server.handle(_request("PUT", "/b/k", b"one", If_None_Match="*")).status == 200

    refused = server.handle(_request("PUT", "/b/k", b"two", If_None_Match="*"))

    assert refused.status == 412
    assert server.handle(_request("GET", "/b/k")).body == b"one"


def test_a_put_with_if_match_writes_only_over_the_etag_it_names(server: S3Server):
    etag = server.handle(_request("PUT", "/b/k", b"one")).headers["ETag"]
    assert server.handle(_request("PUT", "/b/k", b"two", If_Match=etag)).status == 200

    stale = server.handle(_request("PUT", "/b/k", b"three", If_Match=etag))

    assert stale.status == 412
    assert server.handle(_request("GET", "/b/k")).body == b"two"
    assert server.handle(_request("PUT", "/b/missing", b"x", If_Match=etag)).status == 412


def test_head_and_get_of_a_missing_key_answer_404_and_delete_removes(server: S3Server):
    server.handle(_request("PUT", "/b/a/b", b"x"))
    assert server.handle(_request("HEAD", "/b/a/b")).headers["Content-Length"] == "1"

    assert server.handle(_request("DELETE", "/b/a/b")).status == 204

    assert server.handle(_request("GET", "/b/a/b")).status == 404
    assert server.handle(_request("HEAD", "/b/nothing")).status == 404


def test_listing_groups_by_delimiter_and_pages_with_a_continuation_token(server: S3Server):
    for key in ("t/a/1", "t/a/2", "t/b/1", "t/c", "u/x"):
        server.handle(_request("PUT", f"/b/{key}", b"x"))

    grouped = server.handle(_request("GET", "/b?list-type=2&prefix=t/&delimiter=/")).body.decode()
    first = server.handle(_request("GET", "/b?list-type=2&prefix=t/&max-keys=2")).body.decode()
    rest = server.handle(
        _request("GET", "/b?list-type=2&prefix=t/&max-keys=2&continuation-token=t/a/2")
    ).body.decode()

    assert "<Prefix>t/a/</Prefix>" in grouped
    assert "<Prefix>t/b/</Prefix>" in grouped
    assert "<Key>t/c</Key>" in grouped
    assert "u/x" not in grouped
    assert "<Key>t/a/1</Key><" in first
    assert "<NextContinuationToken>t/a/2</NextContinuationToken>" in first
    assert "<Key>t/b/1</Key>" in rest
    assert "<Key>t/c</Key>" in rest


def test_a_new_store_on_the_same_folder_has_every_object_and_its_etag(tmp_path: Path):
    first = S3Server(ObjectStore(tmp_path))
    etag = first.handle(_request("PUT", "/b/a", b"kept")).headers["ETag"]
    first.handle(_request("PUT", "/b/a/longer", b"also kept"))
    (tmp_path / "tmp" / "half-written").write_bytes(b"left by a kill -9")

    second = S3Server(ObjectStore(tmp_path))

    assert second.handle(_request("GET", "/b/a")).body == b"kept"
    assert second.handle(_request("GET", "/b/a/longer")).body == b"also kept"
    assert second.handle(_request("PUT", "/b/a", b"new", If_Match=etag)).status == 200
    assert not (tmp_path / "tmp" / "half-written").exists()
