"""The throttle's client address: the connection's, or what the outermost trusted proxy saw."""

from __future__ import annotations

from unittest.mock import sentinel

import pytest
from starlette.requests import Request

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.throttle import COLLECTION, Throttle


def _throttle(hops: int) -> Throttle:
    settings = ServiceSettings(mongodb_database="x", http_port=1, trusted_proxy_hops=hops)
    # A stand-in for the database: working out an address does no I/O.
    return Throttle({COLLECTION: sentinel.counters}, settings)  # type: ignore[arg-type]


def _request(*forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "headers": headers, "client": ("10.0.0.7", 5000)})


@pytest.mark.parametrize(
    ("hops", "forwarded", "address"),
    [
        (0, ("203.0.113.9",), "10.0.0.7"),  # not behind a proxy: the header is the client's
        (1, ("203.0.113.9",), "203.0.113.9"),
        (1, ("1.2.3.4, 203.0.113.9",), "203.0.113.9"),  # the client wrote the first entry
        (2, ("1.2.3.4, 203.0.113.9, 10.0.0.2",), "203.0.113.9"),
        (2, ("1.2.3.4", "203.0.113.9, 10.0.0.2"), "203.0.113.9"),  # repeated headers, in order
        (1, (), "10.0.0.7"),
    ],
)
def test_the_client_address_trusts_only_the_entries_the_proxies_wrote(
    hops: int, forwarded: tuple[str, ...], address: str
) -> None:
    assert _throttle(hops).client_address(_request(*forwarded)) == address


def test_throttling_is_on_in_production_and_off_in_development_unless_set() -> None:
    development = ServiceSettings(mongodb_database="x", http_port=1)
    chosen = ServiceSettings(mongodb_database="x", http_port=1, throttle_enabled=True)

    assert not development.throttling
    assert chosen.throttling
    assert development.model_copy(update={"environment": "production"}).throttling
