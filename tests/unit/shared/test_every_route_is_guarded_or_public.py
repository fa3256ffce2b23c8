"""Every route of every service is either guarded or on the explicit list of public routes.

The routes are walked in full, through included routers and mounts, and a route is guarded
when a staff guard (``staff_api`` / ``staff_page``) is among its dependencies or its routers'.
A route added later without a guard fails the first test until it is guarded or listed below
as public on purpose; a listed route that no longer exists fails the second, so the list stays
true. Every guarded route must then answer 401 without sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute

from digitalwell_council.app import create_app as create_council
from digitalwell_forum.app import create_app as create_forum
from digitalwell_intake.app import create_app as create_intake
from digitalwell_notify.app import create_app as create_notify

APPS: dict[str, Callable[[], FastAPI]] = {
    "intake": create_intake,
    "council": create_council,
    "forum": create_forum,
    "notify": create_notify,
}

# What every service answers without sign-in: the operations routes, the API documentation,
# the generated "/" page, and signing out (which ends only the caller's own session).
EVERY_SERVICE = {
    "GET /",
    "GET /healthz",
    "GET /readyz",
    "GET /metrics",
    "GET /asyncapi",
    "GET /asyncapi.json",
    "GET /docs",
    "GET /openapi.json",
    "HEAD /openapi.json",
    "MOUNT /docs-assets",  # the documentation's scripts and styles
    "POST /staff/sign-out",
    "GET /staff/signed-out",  # only says so, and links to the sign-in page
}
PUBLIC: dict[str, set[str]] = {
    "intake": {
        # Applicants: apply, follow and withdraw an application (the withdrawal by signed link).
        "POST /api/v1/applications",
        "GET /api/v1/applications/{application_id}",
        "POST /api/v1/applications/{application_id}/withdraw",
        "POST /applications",
        "GET /applications/{application_id}",
        "GET /applications/{application_id}/withdraw",
        "POST /applications/{application_id}/withdraw",
        "GET /accessibility",
        # Staff who are not signed in yet, or end a session: the token API, the sign-in pages
        # (the enrolment is admitted by its single-use ticket), the renewal (it checks the
        # cookie itself and sends anyone without one to sign in), the sign-out completion
        # (it ends only the session its signed ticket names) and the provider's callback.
        "POST /api/v1/auth/token",
        "POST /api/v1/auth/refresh",
        "POST /api/v1/auth/sign-out",
        "GET /staff/sign-in",
        "POST /staff/sign-in",
        "POST /staff/sign-in/enrol",
        "GET /staff/session/refresh",
        "GET /staff/sign-out/complete",
        "GET /staff/oidc/callback",
    },
    "council": set(),
    "forum": {
        # People who may book: the sessions, eligibility and booking (links signed per booking).
        "GET /api/v1/eligibility/{application_id}",
        "GET /api/v1/sessions",
        "GET /api/v1/sessions/{session_id}",
        "POST /api/v1/sessions/{session_id}/bookings",
        "GET /api/v1/bookings/{booking_id}",
        "POST /api/v1/bookings/{booking_id}/cancel",
        "POST /api/v1/bookings/{booking_id}/accept",
        "GET /calendar.ics",
        "GET /workshops/{application_id}",
        "GET /sessions/{session_id}",
        "POST /sessions/{session_id}/book",
        "GET /bookings/{booking_id}.ics",
        "GET /bookings/{booking_id}/cancel",
        "POST /bookings/{booking_id}/cancel",
        "GET /bookings/{booking_id}/accept",
        "POST /bookings/{booking_id}/accept",
    },
    "notify": {
        # Recipients: unsubscribing by the signed link in an e-mail, and undoing it.
        "GET /unsubscribe/{email_id}",
        "POST /unsubscribe/{email_id}",
        "POST /unsubscribe/{email_id}/undo",
    },
}
# Listed as public for a service that has them only in some configurations.
OPTIONAL = {"GET /staff/oidc/callback", "GET /asyncapi", "GET /metrics"}


@dataclass(frozen=True)
class Route:
    """A route as the app serves it: its full path, methods and every dependency on the way."""

    path: str
    methods: frozenset[str]
    guarded: bool

    def served_as(self) -> set[str]:
        """``METHOD /path`` for each of its methods."""
        return {f"{method} {self.path}" for method in self.methods}


def _guards(dependencies: Sequence[Any]) -> bool:
    return any(getattr(each, "__name__", "") == "signed_in_staff" for each in dependencies)


def _routes(routes: Sequence[Any], prefix: str = "", guarded: bool = False) -> Iterator[Route]:
    """Every route, through included routers (FastAPI keeps those as included-router entries,
    with their prefix and dependencies, rather than a flat list) and mounts."""
    for route in routes:
        if isinstance(route, APIRoute):
            calls = [dependency.call for dependency in route.dependant.dependencies]
            yield Route(prefix + route.path, frozenset(route.methods), guarded or _guards(calls))
        elif (included := getattr(route, "original_router", None)) is not None:
            context = route.include_context
            calls = [d.dependency for d in [*context.dependencies, *included.dependencies]]
            yield from _routes(included.routes, prefix + context.prefix, guarded or _guards(calls))
        elif isinstance(route, StarletteRoute):
            yield Route(prefix + route.path, frozenset(route.methods or ()), guarded)
        elif isinstance(route, Mount):
            yield Route(prefix + route.path, frozenset({"MOUNT"}), guarded)
        else:
            raise AssertionError(f"a route of a kind this test does not know: {route!r}")


def _public(service: str) -> set[str]:
    return EVERY_SERVICE | PUBLIC[service]


def _staff_routes(app: FastAPI) -> list[Route]:
    return [route for route in _routes(app.router.routes) if route.guarded]


def _example_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.mark.parametrize("service", APPS)
def test_every_route_is_guarded_or_listed_as_public(service: str) -> None:
    app = APPS[service]()
    routes = list(_routes(app.router.routes))
    unguarded = sorted(
        key
        for route in routes
        if not route.guarded
        for key in route.served_as()
        if key not in _public(service)
    )
    guarded = {key for route in routes if route.guarded for key in route.served_as()}

    assert unguarded == [], "guard these routes, or list them as public on purpose"
    assert guarded & PUBLIC[service] == set(), "listed as public, but guarded"


@pytest.mark.parametrize("service", APPS)
def test_every_route_listed_as_public_exists(service: str) -> None:
    app = APPS[service]()
    served = {key for route in _routes(app.router.routes) for key in route.served_as()}

    assert _public(service) - OPTIONAL - served == set()


@pytest.mark.parametrize("service", APPS)
async def test_every_staff_route_answers_401_without_sign_in(service: str) -> None:
    app = APPS[service]()
    routes = _staff_routes(app)
    assert routes, f"{service} has no staff routes"
    # No lifespan: a guard answers before anything reaches the database or the broker.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        answers = {
            (method, route.path): (
                await http.request(method, _example_path(route.path))
            ).status_code
            for route in routes
            for method in route.methods
        }

    assert {key: code for key, code in answers.items() if code != 401} == {}
