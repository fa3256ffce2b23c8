"""Fixtures of intake's integration tests: its topics, and the app on a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.intake import RunningIntake, ensure_topics, running_intake, settings


@pytest.fixture(scope="session")
async def intake_kafka(kafka_bootstrap_servers: str) -> str:
    """The shared broker, with intake's topics created."""
    await ensure_topics(kafka_bootstrap_servers)
    return kafka_bootstrap_servers


@pytest.fixture(scope="module")
async def intake(intake_kafka: str, mongodb_url: str) -> AsyncIterator[RunningIntake]:
    """A started intake app with a database of its own, shared by one module's tests.

    Per module, not per test: each start waits for the consumer group to form (5-15 s on
    Tansu). Tests tell their data apart by unique organisation numbers and ids.
    """
    async with running_intake(settings(intake_kafka, mongodb_url)) as running:
        yield running
