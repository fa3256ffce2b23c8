"""Staff sign-in tokens and the guards on staff routes, without I/O."""

from __future__ import annotations

import base64
import html
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from fastapi import Depends, FastAPI

from digitalwell_intake.staff_tokens import DEV_STAFF_SIGNING_KEY, TokenIssuer, parse_signing_key
from digitalwell_shared.settings import DEV_STAFF_VERIFY_KEY, ServiceSettings
from digitalwell_shared.staff import (
    SESSION_COOKIE,
    NotSignedInError,
    Role,
    StaffAuth,
    StaffMember,
    StaffPageRefusalError,
    page_refusal_handler,
    sign_out_router,
    staff_api,
    staff_page,
)


def _settings(**changes: object) -> ServiceSettings:
    return ServiceSettings.model_validate({"mongodb_database": "x", "http_port": 1, **changes})


AUTH = StaffAuth(_settings())
ISSUER = TokenIssuer(DEV_STAFF_SIGNING_KEY, session_minutes=480, idle_minutes=30)
OLD_SHARED_SECRET = "dev-only-staff-session-secret-not-for-production"


def _token(*roles: Role, issuer: TokenIssuer = ISSUER) -> str:
    return issuer.issue(
        staff_id="staff_1", email="chair@example.org", name="Karin Ek", roles=roles
    ).token


def _new_key(kid: str) -> tuple[str, str]:
    """A fresh signing key and its verify-key entry, as ``digitalwell`` operators make them."""
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{kid}:{b64(seed)}", f"{kid}:{b64(public)}"


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _signed(claims: dict[str, Any], key: Ed25519PrivateKey, kid: str = "dev") -> str:
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


DEV_PRIVATE_KEY = parse_signing_key(DEV_STAFF_SIGNING_KEY)[1]


def test_a_token_names_the_person_and_their_roles() -> None:
    member = AUTH.verify(_token(Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER))

    assert member.name == "Karin Ek"
    assert member.roles == {Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER}
    assert member.has_any([Role.COUNCIL_CHAIR])
    assert not member.has_any([Role.FORUM_COORDINATOR])


def test_a_token_is_signed_with_eddsa_and_names_its_key() -> None:
    header = jwt.get_unverified_header(_token(Role.COUNCIL_MEMBER))

    assert header == {"alg": "EdDSA", "kid": "dev", "typ": "JWT"}


def test_a_token_signed_with_another_key_of_the_same_id_is_refused() -> None:
    other_key, _public = _new_key("dev")
    other = TokenIssuer(other_key, session_minutes=480, idle_minutes=30)

    with pytest.raises(NotSignedInError):
        AUTH.verify(_token(Role.COUNCIL_MEMBER, issuer=other))


def test_an_hs256_token_signed_with_the_old_shared_secret_is_refused() -> None:
    claims = _claims(_token(Role.COUNCIL_CHAIR))
    forged = jwt.encode(claims, OLD_SHARED_SECRET, algorithm="HS256", headers={"kid": "dev"})

    with pytest.raises(NotSignedInError):
        AUTH.verify(forged)


def test_an_unsigned_token_is_refused() -> None:
    claims = _claims(_token(Role.COUNCIL_CHAIR))

    with pytest.raises(NotSignedInError):
        AUTH.verify(jwt.encode(claims, None, algorithm="none", headers={"kid": "dev"}))


def test_a_token_of_an_unknown_key_id_is_refused() -> None:
    key, _public = _new_key("next")

    with pytest.raises(NotSignedInError, match="key"):
        AUTH.verify(
            _token(
                Role.COUNCIL_MEMBER, issuer=TokenIssuer(key, session_minutes=480, idle_minutes=30)
            )
        )


def test_keys_rotate_old_and_new_both_verify_while_listed() -> None:
    new_key, new_public = _new_key("2027")
    auth = StaffAuth(_settings(staff_verify_keys=f"{DEV_STAFF_VERIFY_KEY},{new_public}"))
    new_issuer = TokenIssuer(new_key, session_minutes=480, idle_minutes=30)

    assert auth.verify(_token(Role.COUNCIL_MEMBER)).name == "Karin Ek"
    assert auth.verify(_token(Role.COUNCIL_MEMBER, issuer=new_issuer)).name == "Karin Ek"
    with pytest.raises(NotSignedInError):  # the old key dropped: its tokens end
        StaffAuth(_settings(staff_verify_keys=new_public)).verify(_token(Role.COUNCIL_MEMBER))


def test_an_expired_token_is_refused() -> None:
    claims = _claims(_token(Role.COUNCIL_MEMBER))
    claims["exp"] = datetime.now(UTC) - timedelta(minutes=5)

    with pytest.raises(NotSignedInError, match="expired"):
        AUTH.verify(_signed(claims, DEV_PRIVATE_KEY))


def test_a_token_that_lives_longer_than_a_session_is_refused() -> None:
    claims = _claims(_token(Role.COUNCIL_MEMBER))
    claims["exp"] = claims["iat"] + 9 * 3600  # the session length is 8 hours

    with pytest.raises(NotSignedInError, match="longer"):
        AUTH.verify(_signed(claims, DEV_PRIVATE_KEY))


def test_a_token_renewed_past_the_end_of_its_session_is_refused() -> None:
    claims = _claims(_token(Role.COUNCIL_MEMBER))
    claims["auth_time"] = claims["iat"] - 8 * 3600  # began eight hours ago, renewed now

    with pytest.raises(NotSignedInError, match="longer"):
        AUTH.verify(_signed(claims, DEV_PRIVATE_KEY))


def test_a_token_expires_after_the_idle_period_not_the_session_length() -> None:
    member = AUTH.verify(_token(Role.COUNCIL_MEMBER))

    assert member.expires_at is not None
    assert member.session_started_at is not None
    idle_left = member.expires_at - member.session_started_at
    assert timedelta(minutes=29, seconds=58) < idle_left <= timedelta(minutes=30)  # whole seconds


def test_a_renewed_token_keeps_its_session_and_never_outlives_it() -> None:
    started = datetime.now(UTC) - timedelta(minutes=470)
    renewed = ISSUER.issue(
        staff_id="staff_1",
        email="chair@example.org",
        name="Karin Ek",
        roles=[Role.COUNCIL_MEMBER],
        session_id="abc",
        started_at=started,
    )

    member = AUTH.verify(renewed.token)
    assert member.session_id == "abc"
    assert member.expires_at is not None
    assert member.expires_at <= started + timedelta(minutes=480, seconds=1)


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_garbage_is_refused_not_an_error(token: str) -> None:
    with pytest.raises(NotSignedInError):
        AUTH.verify(token)


def test_an_unknown_role_in_a_token_grants_nothing() -> None:
    claims = _claims(_token(Role.COUNCIL_MEMBER))
    claims["roles"] = ["superuser"]

    assert AUTH.verify(_signed(claims, DEV_PRIVATE_KEY)).roles == frozenset()


def test_a_revoked_session_is_refused_and_the_others_are_not() -> None:
    auth = StaffAuth(_settings())
    kept, ended = _token(Role.COUNCIL_MEMBER), _token(Role.COUNCIL_MEMBER)

    auth.revoked.add("staff_1", auth.verify(ended).session_id, datetime.now(UTC))

    assert auth.verify(kept).name == "Karin Ek"
    with pytest.raises(NotSignedInError, match="ended"):
        auth.verify(ended)


def test_revoking_every_session_spares_only_those_begun_afterwards() -> None:
    auth = StaffAuth(_settings())
    before = _token(Role.COUNCIL_MEMBER)

    auth.revoked.replace([], {"staff_1": datetime.now(UTC)})
    after = ISSUER.issue(
        staff_id="staff_1",
        email="chair@example.org",
        name="Karin Ek",
        roles=[Role.COUNCIL_MEMBER],
        started_at=datetime.now(UTC) + timedelta(milliseconds=5),
    )

    with pytest.raises(NotSignedInError, match="ended"):
        auth.verify(before)
    assert auth.verify(after.token).name == "Karin Ek"


def test_the_csrf_token_belongs_to_one_session() -> None:
    first = AUTH.verify(_token(Role.COUNCIL_MEMBER))
    second = AUTH.verify(_token(Role.COUNCIL_MEMBER))

    assert AUTH.csrf_is_valid(first, AUTH.csrf_token(first))
    assert not AUTH.csrf_is_valid(second, AUTH.csrf_token(first))
    assert not AUTH.csrf_is_valid(first, "åäö")


_SAFE = {"link_secret": "x" * 40, "staff_csrf_secret": "y" * 40}


def test_production_refuses_the_development_csrf_secret() -> None:
    with pytest.raises(ValueError, match="STAFF_CSRF_SECRET"):
        _settings(environment="production", link_secret="x" * 40, staff_verify_keys="k:" + "A" * 43)


def test_production_refuses_the_development_verify_key() -> None:
    with pytest.raises(ValueError, match="STAFF_VERIFY_KEYS"):
        _settings(environment="production", **_SAFE)


def test_production_refuses_a_provider_without_an_audience() -> None:
    _key, public = _new_key("prod")
    with pytest.raises(ValueError, match="STAFF_OIDC_AUDIENCE"):
        _settings(
            environment="production",
            staff_verify_keys=public,
            staff_oidc_issuer="https://login.region.example",
            **_SAFE,
        )


def test_a_verify_key_that_is_not_a_key_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="STAFF_VERIFY_KEYS"):
        StaffAuth(_settings(staff_verify_keys="dev:not-a-key"))


def _app() -> FastAPI:
    app = FastAPI()
    app.state.staff = AUTH
    app.add_exception_handler(StaffPageRefusalError, page_refusal_handler)
    app.include_router(sign_out_router)

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
    assert "/staff/sign-in?next=http%3A%2F%2Ftestserver%2Fstaff%2Fpage&amp;lang=sv" in response.text
    assert '<html lang="sv">' in response.text
    assert "Logga in för att fortsätta" in response.text


async def test_a_page_answers_403_naming_the_role_in_words_in_the_readers_language() -> None:
    async with _client(_token(Role.FORUM_COORDINATOR)) as client:
        swedish = await client.get("/staff/page")
        english = await client.get("/staff/page?lang=en")
        by_browser = await client.get("/staff/page", headers={"Accept-Language": "en-GB,en"})

    assert swedish.status_code == english.status_code == 403
    assert "Den här sidan är för innovationsrådets ledamöter." in swedish.text
    assert "Logga in som någon annan" in swedish.text
    assert 'href="/?lang=sv"' in swedish.text  # and a way home
    assert "This page is for the council&#x27;s members." in english.text
    assert '<html lang="en">' in by_browser.text
    assert "council_member" not in swedish.text


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


async def test_signing_out_at_another_service_clears_the_cookie_and_hands_intake_a_ticket() -> None:
    token = _token(Role.COUNCIL_MEMBER)
    auth = StaffAuth(ServiceSettings(mongodb_database="x", http_port=1))
    member = auth.verify(token)
    async with _client(token) as client:
        posted = await client.post("/staff/sign-out", data={"csrf_token": auth.csrf_token(member)})
        page = await client.get(posted.headers["location"])

    # Its own page (a cross-origin redirect after a form breaks form-action 'self') ...
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/staff/signed-out?")
    assert 'digitalwell_staff=""' in posted.headers["set-cookie"]
    # ... which goes on to intake with a ticket that names this one session.
    refresh = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', page.text)
    assert refresh is not None
    finish = html.unescape(refresh.group(1))
    assert finish.startswith("http://127.0.0.1:8000/staff/sign-out/complete?")
    ticket = dict(parse_qsl(urlsplit(finish).query))
    assert auth.sign_out_ticket_is_valid(ticket)
    assert (ticket["staff"], ticket["sid"]) == (member.id, member.session_id)
    assert not auth.sign_out_ticket_is_valid(ticket | {"sid": "another-session"})
    assert not auth.sign_out_ticket_is_valid(
        ticket | {"expires": str(int(ticket["expires"]) - 301)}
    )


async def test_a_page_in_use_renews_its_session_through_intake_once_half_idle() -> None:
    started = datetime.now(UTC) - timedelta(minutes=20)
    half_idle = ISSUER.issue(
        staff_id="staff_1",
        email="chair@example.org",
        name="Karin Ek",
        roles=[Role.COUNCIL_MEMBER],
        session_id="s1",
        started_at=started,
    )
    claims = _claims(half_idle.token)
    claims["iat"] = int(started.timestamp())
    claims["exp"] = int((started + timedelta(minutes=30)).timestamp())  # 10 minutes left
    async with _client(_signed(claims, DEV_PRIVATE_KEY)) as client:
        stale = await client.get("/staff/page")
    async with _client(_token(Role.COUNCIL_MEMBER)) as client:
        fresh = await client.get("/staff/page")

    assert stale.status_code == 303
    assert stale.headers["location"] == (
        "http://127.0.0.1:8000/staff/session/refresh?next=http%3A%2F%2Ftestserver%2Fstaff%2Fpage"
    )
    assert fresh.status_code == 200
