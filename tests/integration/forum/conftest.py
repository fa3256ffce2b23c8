"""Fixtures of forum's integration tests: its topics, and the app on a database of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.forum import RunningForum, ensure_topics, running_forum, settings


@pytest.fixture(scope="session")
async def forum_kafka(kafka_bootstrap_servers: str) -> str:
    """The shared broker, with forum's topics created."""
    await ensure_topics(kafka_bootstrap_servers)
    return kafka_bootstrap_servers


@pytest.fixture(scope="module")
async def forum(forum_kafka: str, mongodb_url: str) -> AsyncIterator[RunningForum]:
    """A started forum app with a database of its own, shared by one module's tests.

    Per module, not per test: each start waits for the consumer group to form. Tests tell
    their data apart by sessions and addresses of their own.
    """
    async with running_forum(settings(forum_kafka, mongodb_url)) as running:
        yield running
