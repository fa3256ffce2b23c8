"""Staff sign-in, shared by the four services: who a request is from and what they may do.

intake checks passwords and issues a session token (a JWT signed with intake's Ed25519 private
key, EdDSA, with the person's roles); every service verifies it here with intake's public keys
(so no other service can mint one), from the ``Authorization: Bearer`` header on its
staff API or from the session cookie on its staff pages. Cookies are per host, not per port,
so a browser signed in on intake's page is signed in on every service's pages of the same
host. With ``STAFF_OIDC_ISSUER`` set, bearer tokens from the region's OpenID Connect provider
are accepted as well, their roles read from a claim.

A session ends at its idle deadline (``exp``, renewed through intake's refresh), at its maximum
length (``auth_time`` + the session length), or when intake revokes it (``RevokedSessions``,
kept up to date from StaffSessionRevoked by ``staff_revocations``).

Routes declare what they need with ``staff_api(*roles)`` or ``staff_page(*roles)``. Pages
answer 401 with a link to the sign-in page, 403 naming the roles they need; every form a
signed-in person posts carries a CSRF token bound to their session.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from digitalwell_shared.contracts import Language
from digitalwell_shared.http_guard import keep_private
from digitalwell_shared.pages import language_of, page_path, public_url
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.site import message_page, request_language
from digitalwell_shared.site_text import role_names, site_text

SESSION_COOKIE = "digitalwell_staff"
CSRF_FIELD = "csrf_token"
ISSUER = "digitalwell"
AUDIENCE = "digitalwell-staff"
ALGORITHM = "EdDSA"
_CLOCK_LEEWAY = timedelta(seconds=30)  # replicas' clocks differ a little


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
    # Set for DigitalWell's own sessions (intake's tokens), None for a provider's access token.
    session_started_at: datetime | None = None
    expires_at: datetime | None = None

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


class StaffKeyError(ValueError):
    """A key setting cannot be read; the message names what is wrong, never the key."""


def decode_key_bytes(text: str, *, setting: str) -> tuple[str, bytes]:
    """``<key id>:<base64url 32 bytes>`` as its key id and raw bytes."""
    kid, sep, encoded = text.strip().partition(":")
    if not sep or not kid or not encoded:
        raise StaffKeyError(f"{setting}: each key is <key id>:<base64url key>")
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as broken:
        raise StaffKeyError(f"{setting}: key {kid!r} is not base64url") from broken
    if len(raw) != 32:  # noqa: PLR2004 - an Ed25519 key is 32 bytes
        raise StaffKeyError(f"{setting}: key {kid!r} is not a 32-byte Ed25519 key")
    return kid, raw


def parse_verify_keys(text: str) -> dict[str, Ed25519PublicKey]:
    """``STAFF_VERIFY_KEYS`` as public keys by key id."""
    keys = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        kid, raw = decode_key_bytes(entry, setting="STAFF_VERIFY_KEYS")
        keys[kid] = Ed25519PublicKey.from_public_bytes(raw)
    if not keys:
        raise StaffKeyError("STAFF_VERIFY_KEYS: at least one key is needed")
    return keys


class RevokedSessions:
    """Which sessions intake has ended, as this replica last read them (see staff_revocations).

    Two kinds: one session by its id, or every session of a person begun before a time.
    """

    def __init__(self) -> None:
        self._sessions: set[str] = set()
        self._people: dict[str, datetime] = {}

    def replace(self, sessions: Iterable[str], people: dict[str, datetime]) -> None:
        """Take what the database holds now (a whole, consistent reading)."""
        self._sessions = set(sessions)
        self._people = dict(people)

    def add(self, staff_id: str, session_id: str | None, revoked_at: datetime) -> None:
        """Note one revocation at once, before the next reading."""
        if session_id is not None:
            self._sessions.add(session_id)
        elif revoked_at > self._people.get(staff_id, datetime.min.replace(tzinfo=UTC)):
            self._people[staff_id] = revoked_at

    def is_revoked(self, staff_id: str, session_id: str, started_at: datetime) -> bool:
        """True when this session, or every session of the person begun by then, has ended."""
        if session_id in self._sessions:
            return True
        revoked_at = self._people.get(staff_id)
        return revoked_at is not None and started_at <= revoked_at


class StaffAuth:
    """Verifies staff session tokens, makes and checks CSRF tokens, and the FastAPI guards."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._keys = parse_verify_keys(settings.staff_verify_keys)
        self._csrf_key = hmac.new(
            settings.staff_csrf_secret.get_secret_value().encode(), b"csrf", hashlib.sha256
        ).digest()
        self.session_length = timedelta(minutes=settings.staff_session_minutes)
        self.idle_length = timedelta(minutes=settings.staff_idle_minutes)
        self._sign_in_url = settings.staff_sign_in_url
        # intake's staff pages: where sessions are renewed and ended (the same host's cookie).
        self._intake_staff_url = settings.staff_sign_in_url.removesuffix("/sign-in")
        self._statement_url = settings.accessibility_statement_url
        self._secure_cookie = settings.base_url.startswith("https://")
        self._oidc = _OidcVerifier(settings) if settings.staff_oidc_issuer else None
        self.revoked = RevokedSessions()

    # -- tokens -------------------------------------------------------------------------

    def verify(self, token: str) -> StaffMember:
        """The person a token names; NotSignedIn when forged, expired, revoked or malformed."""
        if self._oidc is not None and (_issuer_of(token) or "").rstrip("/") == self._oidc.issuer:
            return self._oidc.verify(token)
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self._keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise NotSignedIn("the token is not signed with a key this service knows")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],  # only EdDSA: an HS256 or "none" token is refused here
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=_CLOCK_LEEWAY,
                options={"require": ["exp", "iat", "sub", "sid", "auth_time"]},
            )
        except jwt.PyJWTError as refused:
            raise NotSignedIn(str(refused)) from refused
        issued_at = datetime.fromtimestamp(claims["iat"], UTC)
        expires_at = datetime.fromtimestamp(claims["exp"], UTC)
        started_at = datetime.fromtimestamp(claims["auth_time"], UTC)
        # A token meant to outlive the session length was not minted by intake's rules.
        if expires_at - issued_at > self.session_length or (
            expires_at - started_at > self.session_length + _CLOCK_LEEWAY
        ):
            raise NotSignedIn("the token lives longer than a staff session may")
        member = _member(claims, roles=claims.get("roles", []))
        if self.revoked.is_revoked(member.id, member.session_id, started_at):
            raise NotSignedIn("the session has ended")
        return StaffMember(
            id=member.id,
            email=member.email,
            name=member.name,
            roles=member.roles,
            session_id=member.session_id,
            session_started_at=started_at,
            expires_at=expires_at,
        )

    def csrf_token(self, member: StaffMember) -> str:
        """The token every form of this person's session must send back."""
        return hmac.new(self._csrf_key, member.session_id.encode(), hashlib.sha256).hexdigest()

    def sign_out_ticket(self, member: StaffMember) -> dict[str, str]:
        """What intake needs to end ``member``'s session after another service cleared the cookie.

        An HMAC under the CSRF key (which every service has) of the staff id, the session id and
        a five-minute expiry: it can only end that one session, and only for a short while.
        """
        expires = str(int(datetime.now(UTC).timestamp()) + _TICKET_SECONDS)
        proof = self._ticket_proof(member.id, member.session_id, expires)
        return {"staff": member.id, "sid": member.session_id, "expires": expires, "proof": proof}

    def _ticket_proof(self, staff_id: str, session_id: str, expires: str) -> str:
        message = f"sign-out\x1f{staff_id}\x1f{session_id}\x1f{expires}".encode()
        return hmac.new(self._csrf_key, message, hashlib.sha256).hexdigest()

    def sign_out_ticket_is_valid(self, ticket: dict[str, str]) -> bool:
        """True when ``ticket`` came from ``sign_out_ticket`` and has not expired; constant time."""
        fields = [ticket.get(name, "") for name in ("staff", "sid", "expires")]
        if not all(fields) or not fields[2].isdigit():
            return False
        if int(fields[2]) < datetime.now(UTC).timestamp():
            return False
        expected = self._ticket_proof(*fields)
        return hmac.compare_digest(expected.encode(), ticket.get("proof", "").encode())

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

    def sign_in_url(self, next_url: str = "", language: Language | None = None) -> str:
        """The sign-in page (in ``language``), returning to ``next_url`` afterwards."""
        query = {"next": next_url} if next_url else {}
        if language is not None:
            query["lang"] = language.value
        return f"{self._sign_in_url}?{urlencode(query)}" if query else self._sign_in_url

    def refresh_url(self, next_url: str) -> str:
        """The page at intake that renews the browser's session and comes back to ``next_url``."""
        return f"{self._intake_staff_url}/session/refresh?{urlencode({'next': next_url})}"

    def wants_renewal(self, member: StaffMember) -> bool:
        """True when less than half the idle period is left and a renewal would add to it."""
        if member.expires_at is None or member.session_started_at is None:
            return False
        now = datetime.now(UTC)
        ends = member.session_started_at + self.session_length
        return member.expires_at - now < self.idle_length / 2 and member.expires_at < ends

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
        language = request_language(request)
        try:
            member = self.verify(token)
        except NotSignedIn:
            raise self._refusal(
                request,
                http.HTTP_401_UNAUTHORIZED,
                "unauthorised",
                link=(self.sign_in_url(public_url(request), language), "sign_in"),
            ) from None
        if request.method == "GET" and self.wants_renewal(member):
            # Through intake and back: a page in use keeps its session from going idle.
            renew = self.refresh_url(public_url(request))
            raise self._refusal(
                request,
                http.HTTP_303_SEE_OTHER,
                "renewing",
                link=(renew, "continue"),
                location=renew,
            )
        if needed and not member.has_any(needed):
            raise self._refusal(
                request,
                http.HTTP_403_FORBIDDEN,
                "forbidden",
                link=(self.sign_in_url(public_url(request), language), "sign_in_as_other"),
                roles=role_names(needed, language),
            )
        if request.method not in {"GET", "HEAD"}:
            form = await request.form()
            sent = form.get(CSRF_FIELD)
            if not isinstance(sent, str) or not self.csrf_is_valid(member, sent):
                raise self._refusal(request, http.HTTP_403_FORBIDDEN, "form_expired")
        request.state.staff = member
        request.state.csrf_token = self.csrf_token(member)
        return member

    def _refusal(
        self,
        request: Request,
        status_code: int,
        what: str,
        *,
        link: tuple[str, str] | None = None,
        location: str | None = None,
        **values: object,
    ) -> StaffPageRefusal:
        """A refusal page in the reader's language: ``what``'s title and text from site_text."""
        language = request_language(request)
        return StaffPageRefusal(
            status_code,
            site_text(language, f"{what}_title"),
            site_text(language, f"{what}_text", **values),
            link=None if link is None else (link[0], site_text(language, link[1])),
            location=location,
            language=language,
            statement_url=self._statement_url,
        )

    def sign_out_router(self) -> APIRouter:
        """POST /staff/sign-out on every service: the cookie goes, and intake ends the session.

        The answer is this service's own signed-out page, never a redirect to another origin:
        where each service is its own origin (``make run``), a form's redirect to another origin
        breaks the pages' ``form-action 'self'`` and the browser stays put. That page then loads
        intake's ``/staff/sign-out/complete`` (a new navigation, which form-action does not
        govern) with a short-lived ticket that names the session, and intake revokes it
        everywhere. intake's own route of the same path comes first there.
        """
        router = APIRouter(include_in_schema=False)

        @router.post("/staff/sign-out")
        async def sign_out(
            request: Request,
            csrf_token: Annotated[str, Form()] = "",
            lang: Annotated[str, Form(max_length=5)] = "",
        ) -> Response:
            token = request.cookies.get(SESSION_COOKIE, "")
            try:
                member = self.verify(token)
            except NotSignedIn:
                member = None
            # A forged cross-site sign-out would only be a nuisance, but it is refused anyway.
            if member is not None and not self.csrf_is_valid(member, csrf_token):
                raise self._refusal(request, http.HTTP_403_FORBIDDEN, "form_expired")
            # The page's language comes with the form; else the request's.
            language = language_of(lang) if lang else request_language(request)
            query = {"lang": language.value}
            if member is not None:
                query |= self.sign_out_ticket(member)
            response = RedirectResponse(
                page_path(request, f"/staff/signed-out?{urlencode(query)}"),
                status_code=http.HTTP_303_SEE_OTHER,
            )
            self.clear_session_cookie(response)
            return response

        @router.get("/staff/signed-out")
        async def signed_out(request: Request) -> Response:
            language = request_language(request)
            title, text, sign_in = (
                site_text(language, key)
                for key in ("signed_out_title", "signed_out_text", "sign_in_again")
            )
            ticket = {name: request.query_params.get(name, "") for name in _TICKET_FIELDS}
            if all(ticket.values()):
                # Onwards to intake, which ends the session in every service and says so.
                finish = f"{self._intake_staff_url}/sign-out/complete?" + urlencode(
                    {"lang": language.value, **ticket}
                )
                return message_page(
                    language, self._statement_url, (title, text), (finish, sign_in), refresh=finish
                )
            link = (f"{self._sign_in_url}?lang={language.value}", sign_in)
            return message_page(language, self._statement_url, (title, text), link)

        return router


_TICKET_FIELDS = ("staff", "sid", "expires", "proof")
_TICKET_SECONDS = 300


def staff_api(*roles: Role) -> Callable[[Request], Awaitable[StaffMember]]:
    """A dependency for a staff API route: a bearer token of someone holding one of ``roles``.

    Module-level, so a route module can declare ``Chair = Annotated[StaffMember,
    Depends(staff_api(Role.COUNCIL_CHAIR))]``; the StaffAuth is the app's (``app.state.staff``).
    """
    needed = frozenset(roles)

    async def signed_in_staff(request: Request) -> StaffMember:
        keep_private(request)  # a staff answer, or its refusal, is no cache's business
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
        self,
        status_code: int,
        title: str,
        text: str,
        *,
        link: tuple[str, str] | None = None,
        location: str | None = None,
        language: Language = Language.SV,
        statement_url: str = "",
    ) -> None:
        super().__init__(status_code, text)
        self.title = title
        self.link = link
        self.location = location
        self.language = language
        self.statement_url = statement_url

    def page(self) -> HTMLResponse:
        """The refusal as a page in the site's look: what is wrong, and home or the way on."""
        home = (f"/?lang={self.language.value}", site_text(self.language, "go_home"))
        return message_page(
            self.language,
            self.statement_url,
            (self.title, str(self.detail)),
            self.link or home,
            self.status_code,
            also=home if self.link else None,
            headers={"Location": self.location} if self.location is not None else None,
        )


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
    """The person a provider's verified claims describe, with the DigitalWell roles they list.

    A person is known by the provider's subject within its issuer (``sub`` is unique and never
    reassigned there; an e-mail address is neither), and the address is taken only when the
    provider says it has verified it, so nobody becomes a council member by typing an address.
    """
    issuer = str(claims.get("iss", "")).rstrip("/")
    subject = str(claims["sub"])
    email = str(claims.get("email", "")) if claims.get("email_verified") is True else ""
    name = claims.get("name") or claims.get("preferred_username") or email or subject
    return StaffMember(
        id=f"{issuer}|{subject}",
        email=email,
        name=str(name),
        roles=frozenset(
            Role(role)
            for role in _roles_in_claims(claims, roles_path)
            if role in {known.value for known in Role}
        ),
        session_id=str(claims.get("sid") or claims.get("jti") or subject),
    )


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
