"""Staff sign-in tokens and the guards on staff routes, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import (
    SESSION_COOKIE,
    NotSignedIn,
    Role,
    StaffAuth,
    StaffMember,
    StaffPageRefusal,
    page_refusal_handler,
    staff_api,
    staff_page,
)


def _settings(**changes: object) -> ServiceSettings:
    return ServiceSettings.model_validate({"mongodb_database": "x", "http_port": 1, **changes})


AUTH = StaffAuth(_settings())


def _token(*roles: Role, auth: StaffAuth = AUTH) -> str:
    return auth.issue(
        staff_id="staff_1", email="chair@example.org", name="Karin Ek", roles=roles
    ).token


def test_a_token_names_the_person_and_their_roles() -> None:
    member = AUTH.verify(_token(Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER))

    assert member.name == "Karin Ek"
    assert member.roles == {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
    assert member.has_any([Role.COUNCIL_CHAIR])
    assert not member.has_any([Role.FORUM_COORDINATOR])


def test_a_token_signed_with_another_secret_is_refused() -> None:
    other = StaffAuth(_settings(staff_session_secret="another-secret-of-at-least-32-chars!"))

    with pytest.raises(NotSignedIn):
        AUTH.verify(_token(Role.COUNCIL_MEMBER, auth=other))


def test_an_expired_token_is_refused() -> None:
    claims = jwt.decode(_token(Role.COUNCIL_MEMBER), options={"verify_signature": False})
    claims["exp"] = datetime.now(UTC) - timedelta(seconds=1)
    expired = jwt.encode(claims, "dev-only-staff-session-secret-not-for-production", "HS256")

    with pytest.raises(NotSignedIn, match="expired"):
        AUTH.verify(expired)


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_garbage_is_refused_not_an_error(token: str) -> None:
    with pytest.raises(NotSignedIn):
        AUTH.verify(token)


def test_an_unknown_role_in_a_token_grants_nothing() -> None:
    claims = jwt.decode(_token(Role.COUNCIL_MEMBER), options={"verify_signature": False})
    claims["roles"] = ["superuser"]
    token = jwt.encode(claims, "dev-only-staff-session-secret-not-for-production", "HS256")

    assert AUTH.verify(token).roles == frozenset()


def test_the_csrf_token_belongs_to_one_session() -> None:
    first = AUTH.verify(_token(Role.COUNCIL_MEMBER))
    second = AUTH.verify(_token(Role.COUNCIL_MEMBER))

    assert AUTH.csrf_is_valid(first, AUTH.csrf_token(first))
    assert not AUTH.csrf_is_valid(second, AUTH.csrf_token(first))
    assert not AUTH.csrf_is_valid(first, "åäö")


def test_production_refuses_the_development_session_secret() -> None:
    with pytest.raises(ValueError, match="STAFF_SESSION_SECRET"):
        _settings(environment="production", link_secret="x" * 40)


def _app() -> FastAPI:
    app = FastAPI()
    app.state.staff = AUTH
    app.add_exception_handler(StaffPageRefusal, page_refusal_handler)
    app.include_router(AUTH.sign_out_router())

    @app.get("/api/decide")
    async def decide(
        member: Annotated[StaffMember, Depends(staff_api(Role.COUNCIL_CHAIR))],
    ) -> dict[str, str]:
        return {"name": member.name}

    @app.get("/staff/page")
    async def page(member: Annotated[StaffMember, Depends(staff_page(Role.COUNCIL_MEMBER))]) -> str:
        return member.name

    @app.post("/staff/page")
    async def post_page(
        member: Annotated[StaffMember, Depends(staff_page(Role.COUNCIL_MEMBER))],
    ) -> str:
        return member.name

    return app


def _client(cookie: str | None = None) -> httpx.AsyncClient:
    cookies = {SESSION_COOKIE: cookie} if cookie else None
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(_app()), base_url="http://testserver", cookies=cookies
    )


async def test_the_api_answers_401_without_a_token_and_403_with_the_wrong_role() -> None:
    async with _client() as client:
        missing = await client.get("/api/decide")
        forged = await client.get("/api/decide", headers={"Authorization": "Bearer nonsense"})
        member = await client.get(
            "/api/decide", headers={"Authorization": f"Bearer {_token(Role.COUNCIL_MEMBER)}"}
        )
        chair = await client.get(
            "/api/decide", headers={"Authorization": f"Bearer {_token(Role.COUNCIL_CHAIR)}"}
        )

    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert forged.status_code == 401
    assert member.status_code == 403
    assert "council_chair" in member.json()["detail"]
    assert chair.json() == {"name": "Karin Ek"}


async def test_a_page_answers_401_with_a_link_to_sign_in_and_back() -> None:
    async with _client() as client:
        response = await client.get("/staff/page")

    assert response.status_code == 401
    assert "text/html" in response.headers["content-type"]
    assert "/staff/sign-in?next=http%3A%2F%2Ftestserver%2Fstaff%2Fpage" in response.text


async def test_a_page_answers_403_to_the_wrong_role() -> None:
    async with _client(_token(Role.FORUM_COORDINATOR)) as client:
        response = await client.get("/staff/page")

    assert response.status_code == 403
    assert "council_member" in response.text


async def test_a_form_is_refused_without_the_session_csrf_token() -> None:
    token = _token(Role.COUNCIL_MEMBER)
    csrf = AUTH.csrf_token(AUTH.verify(token))
    async with _client(token) as client:
        without = await client.post("/staff/page", data={})
        wrong = await client.post("/staff/page", data={"csrf_token": "0" * 64})
        right = await client.post("/staff/page", data={"csrf_token": csrf})

    assert without.status_code == 403
    assert wrong.status_code == 403
    assert right.status_code == 200


async def test_signing_out_clears_the_cookie_only_with_the_csrf_token() -> None:
    token = _token(Role.COUNCIL_MEMBER)
    csrf = AUTH.csrf_token(AUTH.verify(token))
    async with _client(token) as client:
        forged = await client.post("/staff/sign-out", data={"csrf_token": "nope"})
        signed_out = await client.post("/staff/sign-out", data={"csrf_token": csrf})

    assert forged.status_code == 403
    assert signed_out.status_code == 303
    assert f'{SESSION_COOKIE}=""' in signed_out.headers["set-cookie"]
