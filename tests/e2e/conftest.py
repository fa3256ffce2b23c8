"""The one running system the end-to-end flows share (stopped after them): starting it takes most
of their time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from digitalwell_devstack.stack import Stack
from tests.support.stack import running_stack


@pytest.fixture(scope="package")
async def stack() -> AsyncIterator[Stack]:
    """The four services with their broker, database and mail sink; tests use unique data."""
    async with running_stack() as system:
        yield system
