"""Infrastructure fixtures: Kafka, MongoDB and a mail sink, each started once per test run."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from digitalwell_ops.broker import create_topics
from digitalwell_ops.system import topic_partitions
from tests.support import infra, mail
from tests.support.mail import MailSinkClient


def pytest_report_header() -> list[str]:
    """Say which broker, database and mail sink this run uses."""
    return [f"digitalwell: {infra.describe_sources()}; {mail.describe_source()}"]


@pytest.fixture(scope="session")
async def kafka_bootstrap_servers() -> AsyncIterator[str]:
    """Bootstrap servers of a Kafka broker shared by the whole run."""
    async with infra.kafka_broker() as bootstrap_servers:
        # As `digitalwell create-topics` does before any service starts: the services' clients
        # never create a topic (digitalwell_shared.kafka_client).
        await create_topics(bootstrap_servers, topic_partitions())
        yield bootstrap_servers


@pytest.fixture(scope="session")
async def mongodb_url() -> AsyncIterator[str]:
    """Connection string of a MongoDB replica set shared by the whole run."""
    async with infra.mongodb_server() as url:
        yield url


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSinkClient]:
    """A mail sink shared by the whole run: SMTP to send to, Mailpit's API to read from."""
    with mail.mail_sink() as client:
        yield client
