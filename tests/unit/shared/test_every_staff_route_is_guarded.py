"""Every staff page and staff API of every service answers 401 without sign-in.

The routes are found by what they depend on, so a staff route added later is checked too; a
route under /staff or among the staff APIs without a guard fails the first test.
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
# Routes for people who are not signed in yet, or that end a session.
# The session renewal checks the cookie itself and sends anyone without one to sign in; the
# enrolment at sign-in is admitted by its single-use ticket.
OPEN_STAFF_PATHS = {
    "/staff/sign-in",
    "/staff/sign-in/enrol",
    "/staff/sign-out",
    "/staff/sign-out/complete",  # ends only the session its signed ticket names
    "/staff/oidc/callback",
    "/staff/session/refresh",
    "/staff/signed-out",  # only says so, and links to the sign-in page
}


@dataclass(frozen=True)
class Route:
    """A route as the app serves it: its full path, methods and every dependency on the way."""

    path: str
    methods: frozenset[str]
    guarded: bool


def _guards(dependencies: Sequence[Any]) -> bool:
    return any(getattr(each, "__name__", "") == "signed_in_staff" for each in dependencies)


def _routes(routes: Sequence[Any], prefix: str = "", guarded: bool = False) -> Iterator[Route]:
    """Every API route, through included routers: FastAPI keeps those as included-router
    entries (with their prefix and dependencies) rather than a flat list."""
    for route in routes:
        if isinstance(route, APIRoute):
            calls = [dependency.call for dependency in route.dependant.dependencies]
            yield Route(prefix + route.path, frozenset(route.methods), guarded or _guards(calls))
        elif (included := getattr(route, "original_router", None)) is not None:
            context = route.include_context
            calls = [d.dependency for d in [*context.dependencies, *included.dependencies]]
            yield from _routes(included.routes, prefix + context.prefix, guarded or _guards(calls))


def _staff_routes(app: FastAPI) -> list[Route]:
    return [route for route in _routes(app.router.routes) if route.guarded]


def _example_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


@pytest.mark.parametrize("service", APPS)
def test_every_page_under_staff_is_a_staff_route(service: str) -> None:
    app = APPS[service]()
    unguarded = [
        route.path
        for route in _routes(app.router.routes)
        if route.path.startswith("/staff")
        and route.path not in OPEN_STAFF_PATHS
        and not route.guarded
    ]

    assert unguarded == []


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
