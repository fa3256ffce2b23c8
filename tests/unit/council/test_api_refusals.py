"""What council's staff routes refuse before they touch the database: no server needed.

The app runs without its lifespan, so nothing connects: every request below is answered from
the request and its token alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from digitalwell_council.app import create_app
from digitalwell_council.settings import Settings
from digitalwell_shared.staff import SESSION_COOKIE, Role
from tests.support.staff import staff_token

SETTINGS = Settings(mongodb_database="never_used")
CASE = "/api/v1/cases/case-app_x"
SCORES = {"scores": [{"criterion": "need", "score": 4, "comment": "Clear need."}]}
DECISION = {
    "decision": "granted",
    "support_granted": [{"kind": "coaching", "note": "Ten hours."}],
    "motivation": "A clear need.",
}
# Every staff route: method, path, JSON body.
API_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/cases", None),
    ("GET", CASE, None),
    ("POST", f"{CASE}/scores", SCORES),
    ("POST", f"{CASE}/conflicts", {"confirm": True}),
    ("POST", f"{CASE}/decision", DECISION),
    ("GET", "/api/v1/meeting", None),
    ("GET", "/api/v1/reports", None),
    ("GET", "/api/v1/reports.csv", None),
]
PAGE_ROUTES = [
    ("GET", "/staff/cases"),
    ("GET", "/staff/cases/case-app_x"),
    ("POST", "/staff/cases/case-app_x/scores"),
    ("POST", "/staff/cases/case-app_x/conflicts"),
    ("POST", "/staff/cases/case-app_x/decision"),
    ("GET", "/staff/meeting"),
    ("GET", "/staff/reports"),
    ("GET", "/staff/reports.csv"),
]


def token(*roles: Role) -> str:
    return staff_token(SETTINGS, *roles, name="Some One", email="someone@example.org")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(SETTINGS)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://council.test"
    ) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES)
async def test_every_staff_api_route_needs_a_token(
    client: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body)

    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("method", "path", "body"), API_ROUTES)
@pytest.mark.parametrize("role", [Role.INTAKE_OFFICER, Role.FORUM_COORDINATOR])
async def test_every_staff_api_route_refuses_staff_outside_the_council(
    client: httpx.AsyncClient, method: str, path: str, body: Any, role: Role
) -> None:
    response = await client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {token(role)}"}
    )

    assert response.status_code == 403
    assert "this needs the role" in response.json()["detail"]


async def test_a_member_who_is_not_chair_cannot_decide(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{CASE}/decision",
        json=DECISION,
        headers={"Authorization": f"Bearer {token(Role.COUNCIL_MEMBER)}"},
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "this needs the role council_chair"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (None, ["body"]),
        ({}, ["body", "confirm"]),
        ({"confirm": False, "reason": "My cousin."}, ["body", "confirm"]),
        ({"confirm": True, "reason": "x" * 1001}, ["body", "reason"]),
    ],
)
async def test_a_conflict_is_declared_only_with_an_explicit_confirmation(
    client: httpx.AsyncClient, body: dict[str, Any] | None, loc: list[str]
) -> None:
    response = await client.post(
        f"{CASE}/conflicts",
        json=body,
        headers={"Authorization": f"Bearer {token(Role.COUNCIL_MEMBER)}"},
    )

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == loc


@pytest.mark.parametrize("role", [Role.COUNCIL_MEMBER, Role.ADMINISTRATOR])
async def test_only_the_chair_holds_the_meeting(client: httpx.AsyncClient, role: Role) -> None:
    api = await client.get("/api/v1/meeting", headers={"Authorization": f"Bearer {token(role)}"})
    client.cookies.set(SESSION_COOKIE, token(role))
    page = await client.get("/staff/meeting")

    assert api.status_code == 403
    assert api.json()["detail"] == "this needs the role council_chair"
    assert page.status_code == 403


async def test_a_chair_who_is_not_a_member_cannot_score(client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"{CASE}/scores",
        json=SCORES,
        headers={"Authorization": f"Bearer {token(Role.COUNCIL_CHAIR)}"},
    )

    assert response.status_code == 403


async def test_a_forged_token_is_not_signed_in(client: httpx.AsyncClient) -> None:
    # Signed with a private key that is not intake's, under intake's key id.
    forged = staff_token(
        Settings(),
        Role.COUNCIL_CHAIR,
        signing_key="dev:ZAqJLsSNvILQEcO_UIhaAs20fG9oavsCPgZhW8yb6Gg",
    )

    response = await client.get("/api/v1/cases", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scores": [{"criterion": "need", "score": 0, "comment": "c"}]}, "score"),
        ({"scores": [{"criterion": "need", "score": 6, "comment": "c"}]}, "score"),
        ({"scores": [{"criterion": "beauty", "score": 3, "comment": "c"}]}, "criterion"),
        ({"scores": [{"criterion": "need", "score": 3, "comment": ""}]}, "comment"),
        ({"scores": []}, None),
    ],
)
async def test_a_bad_score_is_a_422_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str | None
) -> None:
    response = await client.post(
        f"{CASE}/scores",
        json=body,
        headers={"Authorization": f"Bearer {token(Role.COUNCIL_MEMBER)}"},
    )

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][:2] == ["body", "scores"]
    if field:
        assert error["loc"][-1] == field


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"motivation": None}, ["body", "motivation"]),
        ({"motivation": "  "}, ["body", "motivation"]),
        (
            {"support_granted": [{"kind": "money", "note": "n"}]},
            ["body", "support_granted", 0, "kind"],
        ),
        ({"support_granted": []}, ["body", "support_granted"]),
        ({"decision": "rejected"}, ["body", "support_granted"]),
    ],
)
async def test_a_bad_decision_is_a_422_naming_the_field(
    client: httpx.AsyncClient, changes: dict[str, Any], loc: list[Any]
) -> None:
    body = {name: value for name, value in (DECISION | changes).items() if value is not None}

    response = await client.post(
        f"{CASE}/decision",
        json=body,
        headers={"Authorization": f"Bearer {token(Role.COUNCIL_CHAIR)}"},
    )

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == loc


async def test_a_report_period_other_than_month_or_year_is_refused(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/api/v1/reports",
        params={"period": "week"},
        headers={"Authorization": f"Bearer {token(Role.ADMINISTRATOR)}"},
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "period"]


@pytest.mark.parametrize(("method", "path"), PAGE_ROUTES)
async def test_every_staff_page_sends_a_stranger_to_sign_in(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, path)

    assert response.status_code == 401
    assert "Logga in" in response.text
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize(("method", "path"), PAGE_ROUTES)
async def test_every_staff_page_refuses_staff_outside_the_council(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    client.cookies.set(SESSION_COOKIE, token(Role.FORUM_COORDINATOR))

    response = await client.request(method, path)

    assert response.status_code == 403
    assert "Den här sidan är för" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/staff/cases/case-app_x/scores",
        "/staff/cases/case-app_x/conflicts",
        "/staff/cases/case-app_x/decision",
    ],
)
async def test_a_form_without_the_session_csrf_token_is_refused(
    client: httpx.AsyncClient, path: str
) -> None:
    client.cookies.set(SESSION_COOKIE, token(Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR))

    response = await client.post(path, data={"csrf_token": "forged", "decision": "granted"})

    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.text


async def test_the_front_page_leads_to_the_queue(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/cases"
