"""Fixtures of council's integration tests: its topics, and the app on a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.council import (
    DEMO_COUNCIL,
    RunningCouncil,
    ensure_topics,
    running_council,
    settings,
)


@pytest.fixture(scope="session")
async def council_kafka(kafka_bootstrap_servers: str) -> str:
    """The shared broker, with council's topics created."""
    await ensure_topics(kafka_bootstrap_servers)
    return kafka_bootstrap_servers


@pytest.fixture(scope="module")
async def council(council_kafka: str, mongodb_url: str) -> AsyncIterator[RunningCouncil]:
    """A started council app with a database of its own, shared by one module's tests.

    Per module, not per test: each start waits for the consumer group to form (5-15 s on
    Tansu). Tests tell their data apart by unique application ids and staff addresses.
    """
    service_settings = settings(council_kafka, mongodb_url, members=DEMO_COUNCIL)
    async with running_council(service_settings, council_kafka) as running:
        yield running
