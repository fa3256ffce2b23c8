"""/metrics on a port of its own, started and stopped with the service, absent from the main one."""

from __future__ import annotations

import httpx

from digitalwell_devstack.ports import free_port
from digitalwell_shared.http_app import port_is_free
from tests.support.runtime import app_of, make_runtime, serving


async def test_metrics_are_served_on_their_own_port_and_not_on_the_main_one(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url)
    port = free_port()
    runtime.settings = runtime.settings.model_copy(update={"metrics_port": port})
    async with (
        serving(app_of(runtime)) as (main, _database),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as metrics_port,
    ):
        on_main = await main.get("/metrics")
        on_own_port = await metrics_port.get("/metrics")
        nothing_else = await metrics_port.get("/healthz")

    assert on_main.status_code == 404
    assert on_own_port.status_code == 200
    assert "digitalwell_outbox" in on_own_port.text
    assert nothing_else.status_code == 404
    assert port_is_free("127.0.0.1", port)  # stopped with the service
