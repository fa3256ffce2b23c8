"""Behind the Ingress, council is served under /council with the prefix cut off: its pages and
redirects must still send the browser to /council/…, not to intake at the root."""

from __future__ import annotations

import httpx
import pytest

from digitalwell_council.app import create_app
from digitalwell_shared.staff import SESSION_COOKIE
from tests.support.council import member, settings

pytestmark = pytest.mark.integration

HOST = "https://digitalwell.example.org"


async def test_links_redirects_and_the_sign_in_link_keep_the_prefix(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    service_settings = settings(
        kafka_bootstrap_servers, mongodb_url, public_base_url=f"{HOST}/council"
    )
    app = create_app(service_settings)
    # No lifespan: the pages below read the database on demand, and need nothing else.
    try:
        # The proxy cut "/council" off, so the app is asked for the bare paths.
        # uvicorn is given the prefix as its root path (shared.http_app.serve); so is this one.
        transport = httpx.ASGITransport(app, root_path=service_settings.base_path)
        async with httpx.AsyncClient(transport=transport, base_url=HOST) as proxy:
            home = await proxy.get("/")
            anonymous = await proxy.get("/staff/cases")
            proxy.cookies.set(SESSION_COOKIE, member("Anna Berg").token(service_settings))
            missing = await proxy.get("/staff/cases/case-none")
    finally:
        await app.state.runtime.mongo.close()

    assert home.headers["location"] == "/council/staff/cases"
    assert "next=https%3A%2F%2Fdigitalwell.example.org%2Fcouncil%2Fstaff%2Fcases" in anonymous.text
    assert missing.status_code == 404
    assert 'href="/council/staff/cases?lang=sv"' in missing.text
    assert 'action="/council/staff/sign-out"' in missing.text
