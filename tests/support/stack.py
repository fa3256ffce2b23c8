"""The whole system for end-to-end tests: broker, database, mail sink and services as processes."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager

import httpx

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.stack import (
    DEFAULT_SERVICES,
    DEMO_STAFF_PASSWORD,
    ServiceSpec,
    Stack,
    StackPorts,
)
from tests.support.staff import bearer


@asynccontextmanager
async def running_stack(
    names: Collection[str] | None = None, env_overrides: Mapping[str, str] | None = None
) -> AsyncIterator[Stack]:
    """Start the services called ``names`` (all four without) on free ports, and stop them after."""
    output = io.StringIO()
    services = [
        ServiceSpec(spec.name, spec.module, free_port("127.0.0.1"), spec.sends_mail)
        for spec in DEFAULT_SERVICES
        if names is None or spec.name in names
    ]
    system = Stack(
        ports=StackPorts.free(),
        services=services,
        console=Console(output),
        env_overrides=env_overrides,
    )
    try:
        async with system:
            yield system
    finally:
        # Shown by pytest only when a test fails: the services' own account of what happened.
        print(output.getvalue()[-20000:])  # noqa: T201


async def demo_sign_in(http: httpx.AsyncClient, stack: Stack, email: str) -> dict[str, str]:
    """Sign in at intake as one of the stack's demo accounts; the header works at every service."""
    response = await http.post(
        f"{stack.service_url('intake')}/api/v1/auth/token",
        json={"email": email, "password": DEMO_STAFF_PASSWORD},
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])
