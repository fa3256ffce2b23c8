"""Staff sign-in, shared by the four services: who a request is from and what they may do.

intake checks passwords and issues a signed session token (a JWT, HS256, with the person's
roles); every service verifies it here, from the ``Authorization: Bearer`` header on its
staff API or from the session cookie on its staff pages. Cookies are per host, not per port,
so a browser signed in on intake's page is signed in on every service's pages of the same
host. With ``STAFF_OIDC_ISSUER`` set, bearer tokens from the region's OpenID Connect provider
are accepted as well, their roles read from a claim.

Routes declare what they need with ``staff_api(*roles)`` or ``staff_page(*roles)``. Pages
answer 401 with a link to the sign-in page, 403 naming the roles they need; every form a
signed-in person posts carries a CSRF token bound to their session.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

import jwt
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from digitalwell_shared.contracts import Language
from digitalwell_shared.pages import SECURITY_HEADERS, page_path, public_url
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.site import message_page, request_language

SESSION_COOKIE = "digitalwell_staff"
CSRF_FIELD = "csrf_token"
_ISSUER = "digitalwell"
_AUDIENCE = "digitalwell-staff"
_ALGORITHM = "HS256"


class Role(StrEnum):
    """What a member of staff does in the programme; each staff route names the roles it needs."""

    INTAKE_OFFICER = "intake_officer"
    COUNCIL_MEMBER = "council_member"
    COUNCIL_CHAIR = "council_chair"
    FORUM_COORDINATOR = "forum_coordinator"
    ADMINISTRATOR = "administrator"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """The signed-in person behind a request."""

    id: str
    email: str
    name: str
    roles: frozenset[Role]
    session_id: str

    def has_any(self, roles: Iterable[Role]) -> bool:
        """True when the person holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)


class NotSignedIn(Exception):  # noqa: N818 - reads as the rule says it
    """The request carries no valid session or token."""


@dataclass(frozen=True, slots=True)
class SessionToken:
    """A freshly issued token and when it stops working."""

    token: str
    expires_at: datetime


class StaffAuth:
    """Issues and verifies staff session tokens, CSRF tokens, and the FastAPI guards."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._secret = settings.staff_session_secret.get_secret_value()
        self._lifetime = timedelta(minutes=settings.staff_session_minutes)
        self._sign_in_url = settings.staff_sign_in_url
        self._statement_url = settings.accessibility_statement_url
        self._secure_cookie = settings.base_url.startswith("https://")
        self._oidc = _OidcVerifier(settings) if settings.staff_oidc_issuer else None

    # -- tokens -------------------------------------------------------------------------

    def issue(self, *, staff_id: str, email: str, name: str, roles: Iterable[Role]) -> SessionToken:
        """A session token for a person whose password (or provider) was just checked."""
        now = datetime.now(UTC)
        expires_at = now + self._lifetime
        claims = {
            "iss": _ISSUER,
            "aud": _AUDIENCE,
            "sub": staff_id,
            "email": email,
            "name": name,
            "roles": sorted(role.value for role in roles),
            "sid": uuid.uuid4().hex,
            "iat": now,
            "exp": expires_at,
        }
        return SessionToken(jwt.encode(claims, self._secret, algorithm=_ALGORITHM), expires_at)

    def verify(self, token: str) -> StaffMember:
        """The person a token names; NotSignedIn when it is forged, expired or malformed."""
        if self._oidc is not None and (_issuer_of(token) or "").rstrip("/") == self._oidc.issuer:
            return self._oidc.verify(token)
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[_ALGORITHM],
                audience=_AUDIENCE,
                issuer=_ISSUER,
                options={"require": ["exp", "sub", "sid"]},
            )
        except jwt.PyJWTError as refused:
            raise NotSignedIn(str(refused)) from refused
        return _member(claims, roles=claims.get("roles", []))

    def csrf_token(self, member: StaffMember) -> str:
        """The token every form of this person's session must send back."""
        digest = hmac.new(
            self._secret.encode(), b"csrf\x1f" + member.session_id.encode(), hashlib.sha256
        )
        return digest.hexdigest()

    def csrf_is_valid(self, member: StaffMember, token: str) -> bool:
        """True when ``token`` belongs to this person's session; constant time."""
        return hmac.compare_digest(self.csrf_token(member).encode(), token.encode())

    # -- cookies ------------------------------------------------------------------------

    def set_session_cookie(self, response: Response, session: SessionToken) -> None:
        """Keep the session in the browser until it expires; scripts cannot read it."""
        response.set_cookie(
            SESSION_COOKIE,
            session.token,
            expires=session.expires_at,
            path="/",
            secure=self._secure_cookie,
            httponly=True,
            samesite="lax",
        )

    def clear_session_cookie(self, response: Response) -> None:
        """Sign the browser out of every service on this host."""
        response.delete_cookie(
            SESSION_COOKIE, path="/", secure=self._secure_cookie, httponly=True, samesite="lax"
        )

    def sign_in_url(self, next_url: str = "") -> str:
        """The sign-in page, returning to ``next_url`` afterwards."""
        return (
            f"{self._sign_in_url}?{urlencode({'next': next_url})}"
            if next_url
            else (self._sign_in_url)
        )

    # -- guards -------------------------------------------------------------------------

    async def api_member(self, request: Request, needed: frozenset[Role]) -> StaffMember:
        """The person behind a staff API request's bearer token, holding one of ``needed``.

        401 without a valid token, 403 naming the roles when the person holds none of them
        (an empty ``needed`` lets any signed-in person through). A GET may instead carry the
        session cookie, so a staff page can link to the JSON it shows; a cookie never
        authorises a change, which would need a CSRF token.
        """
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if not token and request.method in {"GET", "HEAD"}:
            scheme, token = "bearer", request.cookies.get(SESSION_COOKIE, "")
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(
                http.HTTP_401_UNAUTHORIZED,
                "sign in: send Authorization: Bearer <token> from POST /api/v1/auth/token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        try:
            member = self.verify(token.strip())
        except NotSignedIn as refused:
            raise HTTPException(
                http.HTTP_401_UNAUTHORIZED,
                f"the bearer token is not valid: {refused}",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from refused
        if needed and not member.has_any(needed):
            raise HTTPException(http.HTTP_403_FORBIDDEN, _needs(needed))
        return member

    async def page_member(self, request: Request, needed: frozenset[Role]) -> StaffMember:
        """The person behind a staff page request's session cookie, holding one of ``needed``.

        401 with a page that links to the sign-in page (and back), 403 naming the roles. A
        POST must also carry the session's CSRF token in the form field ``csrf_token``.
        """
        token = request.cookies.get(SESSION_COOKIE, "")
        try:
            member = self.verify(token)
        except NotSignedIn:
            raise StaffPageRefusal(
                http.HTTP_401_UNAUTHORIZED,
                "Sign in to continue",
                "This page is for the programme's staff.",
                link=(self.sign_in_url(public_url(request)), "Sign in"),
            ) from None
        if needed and not member.has_any(needed):
            raise StaffPageRefusal(http.HTTP_403_FORBIDDEN, "Not for your role", _needs(needed))
        if request.method not in {"GET", "HEAD"}:
            form = await request.form()
            sent = form.get(CSRF_FIELD)
            if not isinstance(sent, str) or not self.csrf_is_valid(member, sent):
                raise StaffPageRefusal(
                    http.HTTP_403_FORBIDDEN,
                    "This form has expired",
                    "The form was not sent from your current session. Go back, reload the "
                    "page and try again.",
                )
        request.state.staff = member
        request.state.csrf_token = self.csrf_token(member)
        return member

    def sign_out_router(self) -> APIRouter:
        """POST /staff/sign-out on every service: the cookie is per host, so any one clears it.

        It answers with this service's own signed-out page, never a redirect to intake's
        sign-in: where each service is its own origin (``make run``), a form's redirect to
        another origin breaks the pages' ``form-action 'self'`` and the browser stays put.
        """
        router = APIRouter(include_in_schema=False)

        @router.post("/staff/sign-out")
        async def sign_out(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
            token = request.cookies.get(SESSION_COOKIE, "")
            try:
                member = self.verify(token)
            except NotSignedIn:
                member = None
            # A forged cross-site sign-out would only be a nuisance, but it is refused anyway.
            if member is not None and not self.csrf_is_valid(member, csrf_token):
                raise StaffPageRefusal(http.HTTP_403_FORBIDDEN, "This form has expired", "")
            language = request_language(request).value
            response = RedirectResponse(
                page_path(request, f"/staff/signed-out?lang={language}"),
                status_code=http.HTTP_303_SEE_OTHER,
            )
            self.clear_session_cookie(response)
            return response

        @router.get("/staff/signed-out")
        async def signed_out(request: Request) -> Response:
            language = request_language(request)
            title, text, sign_in = _SIGNED_OUT[language]
            link = (f"{self._sign_in_url}?lang={language.value}", sign_in)
            return message_page(language, self._statement_url, (title, text), link)

        return router


_SIGNED_OUT = {
    Language.SV: ("Du är utloggad", "Du är utloggad från alla personalsidor.", "Logga in igen"),
    Language.EN: ("You are signed out", "You are signed out of every staff page.", "Sign in again"),
}


def staff_api(*roles: Role) -> Callable[[Request], Awaitable[StaffMember]]:
    """A dependency for a staff API route: a bearer token of someone holding one of ``roles``.

    Module-level, so a route module can declare ``Chair = Annotated[StaffMember,
    Depends(staff_api(Role.COUNCIL_CHAIR))]``; the StaffAuth is the app's (``app.state.staff``).
    """
    needed = frozenset(roles)

    async def signed_in_staff(request: Request) -> StaffMember:
        return await _auth_of(request).api_member(request, needed)

    return signed_in_staff


def staff_page(*roles: Role) -> Callable[[Request], Awaitable[StaffMember]]:
    """A dependency for a staff page: the session cookie of someone holding one of ``roles``.

    Sets ``request.state.csrf_token`` for the page's forms and checks it on a POST.
    """
    needed = frozenset(roles)

    async def signed_in_staff(request: Request) -> StaffMember:
        return await _auth_of(request).page_member(request, needed)

    return signed_in_staff


def _auth_of(request: Request) -> StaffAuth:
    auth = getattr(request.app.state, "staff", None)
    if not isinstance(auth, StaffAuth):  # a wiring mistake, not a request's fault
        raise TypeError("the app has no StaffAuth in app.state.staff")
    return auth


class StaffPageRefusal(HTTPException):
    """A staff page refused: rendered as a small HTML page, not JSON."""

    def __init__(
        self, status_code: int, title: str, text: str, *, link: tuple[str, str] | None = None
    ) -> None:
        super().__init__(status_code, text)
        self.title = title
        self.link = link

    def page(self) -> HTMLResponse:
        """The refusal as a page a person can act on."""
        link = (
            f'<p><a href="{html.escape(self.link[0])}">{html.escape(self.link[1])}</a></p>'
            if self.link
            else ""
        )
        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(self.title)}</title></head>"
            '<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;'
            f'line-height:1.5"><h1>{html.escape(self.title)}</h1>'
            f"<p>{html.escape(str(self.detail))}</p>{link}</body></html>"
        )
        headers = SECURITY_HEADERS | {"Cache-Control": "no-store"}
        return HTMLResponse(body, status_code=self.status_code, headers=headers)


async def page_refusal_handler(_request: Request, refusal: Exception) -> Response:
    """Render a staff page's refusal; every service's HTTP app registers it."""
    if not isinstance(refusal, StaffPageRefusal):  # registered for this class only
        raise refusal
    return refusal.page()


def _needs(roles: frozenset[Role]) -> str:
    return "this needs the role " + " or ".join(sorted(role.value for role in roles))


def _member(claims: dict[str, Any], *, roles: Iterable[str]) -> StaffMember:
    known = {role.value for role in Role}
    return StaffMember(
        id=str(claims["sub"]),
        email=str(claims.get("email", "")),
        name=str(claims.get("name") or claims.get("email") or claims["sub"]),
        roles=frozenset(Role(role) for role in roles if role in known),
        session_id=str(claims.get("sid") or claims.get("jti") or claims["sub"]),
    )


def _roles_in_claims(claims: dict[str, Any], path: str) -> list[str]:
    """The role names at a dotted ``path`` of a provider's claims, e.g. ``realm_access.roles``."""
    found: Any = claims
    for part in path.split("."):
        found = found.get(part, {}) if isinstance(found, dict) else {}
    return [role for role in found if isinstance(role, str)] if isinstance(found, list) else []


def member_from_provider(claims: dict[str, Any], roles_path: str) -> StaffMember:
    """The person a provider's verified claims describe, with the DigitalWell roles they list."""
    return _member(claims, roles=_roles_in_claims(claims, roles_path))


def _issuer_of(token: str) -> str | None:
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
    except jwt.PyJWTError:
        return None
    return issuer if isinstance(issuer, str) else None


class _OidcVerifier:
    """Access tokens from the region's OpenID Connect provider, checked against its JWKS."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.issuer = settings.staff_oidc_issuer.rstrip("/")
        jwks_url = settings.staff_oidc_jwks_url or f"{self.issuer}/.well-known/jwks.json"
        # PyJWKClient caches the keys and fetches again only for a key id it has not seen.
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True)
        self._audience = settings.staff_oidc_audience
        self._roles_claim = settings.staff_oidc_roles_claim

    def verify(self, token: str) -> StaffMember:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "ES256", "PS256"],
                audience=self._audience or None,
                issuer=[self.issuer, f"{self.issuer}/"],  # providers differ on the slash
                options={"require": ["exp", "sub"], "verify_aud": bool(self._audience)},
            )
        except jwt.PyJWTError as refused:
            raise NotSignedIn(str(refused)) from refused
        return member_from_provider(claims, self._roles_claim)
