"""Staff sign-in pages: by password or at the region's provider; sign-out; renewal.

By password (with one-time codes) or at the region's provider; the sign-out that ends a
session everywhere, and the renewal every service redirects to.

``password_router`` or ``region_router`` (whichever sign-in the settings choose) and
``router`` (sign-out, renewal), all included by ``app.py``.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from digitalwell_intake import totp
from digitalwell_intake.deps import ClientAddress, Deps, DepsDep, Web, WebDep
from digitalwell_intake.domain import (
    MAX_PASSWORD_LENGTH,
    EnrolmentNeededError,
    SignInRefusedError,
    SignInThrottledError,
)
from digitalwell_intake.pages.rendering import staff_page, staff_words
from digitalwell_intake.records import StaffAccount
from digitalwell_intake.region_sign_in import RegionSignIn, RegionSignInFailedError
from digitalwell_intake.usecases import sign_in as signing_in
from digitalwell_shared.logging import get_logger
from digitalwell_shared.pages import language_of
from digitalwell_shared.site import request_language
from digitalwell_shared.site_text import site_text
from digitalwell_shared.staff import (
    SESSION_COOKIE,
    NotSignedInError,
    StaffMember,
    StaffPageRefusalError,
)

log = get_logger(__name__)
# The sign-in form's own CSRF check: a random value in a cookie and in the form (double submit),
# since there is no session yet to bind a token to.
_SIGN_IN_NONCE = "digitalwell_sign_in"


def _region(web: WebDep) -> RegionSignIn:
    """The region's provider; app.py includes ``region_router`` only when there is one."""
    if web.region is None:
        raise HTTPException(http.HTTP_404_NOT_FOUND)
    return web.region


Region = Annotated[RegionSignIn, Depends(_region)]

password_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
region_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
router = APIRouter(include_in_schema=False)


@password_router.get("/staff/sign-in")
async def sign_in_page(request: Request, web: WebDep, next: str = "") -> Response:  # noqa: A002 - the usual name
    """The sign-in form."""
    return _sign_in_form(request, web, safe_next(next, web))


@password_router.post("/staff/sign-in")
async def sign_in(
    request: Request,
    deps: DepsDep,
    web: WebDep,
    *,
    client: ClientAddress,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
    totp_code: Annotated[str, Form(max_length=10)] = "",
    nonce: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002 - the usual name
) -> Response:
    """Sign in with the form, or show it again with why not."""
    next_url = safe_next(next, web)
    expected = request.cookies.get(_SIGN_IN_NONCE, "")
    if not expected or not hmac.compare_digest(expected.encode(), nonce.encode()):
        error = staff_words(request, "form_expired")
        return _sign_in_form(
            request, web, next_url, error, email, status_code=http.HTTP_403_FORBIDDEN
        )
    if not email.strip() or not password:
        error = staff_words(request, "enter_email_and_password")
        return _sign_in_form(
            request, web, next_url, error, email, status_code=http.HTTP_422_UNPROCESSABLE_CONTENT
        )
    try:
        account = await signing_in.sign_in(
            deps, email.strip(), password, client=client, totp_code=totp_code
        )
    except EnrolmentNeededError as needed:
        return _enrol_page(request, needed, next_url)
    except SignInThrottledError as throttled:
        wait = staff_words(request, "throttled", seconds=throttled.retry_after)
        refused = _sign_in_form(
            request, web, next_url, wait, email, status_code=http.HTTP_429_TOO_MANY_REQUESTS
        )
        refused.headers["Retry-After"] = str(throttled.retry_after)
        return refused
    except SignInRefusedError:
        error = staff_words(request, "sign_in_refused")
        return _sign_in_form(
            request, web, next_url, error, email, status_code=http.HTTP_401_UNAUTHORIZED
        )
    return _signed_in(deps, web, account, next_url)


@password_router.post("/staff/sign-in/enrol")
async def enrol(
    request: Request,
    *,
    deps: DepsDep,
    web: WebDep,
    ticket: Annotated[str, Form(max_length=100)] = "",
    code: Annotated[str, Form(max_length=10)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002 - the usual name
) -> Response:
    """The end of a first sign-in that must enrol an authenticator app."""
    # The ticket is the CSRF check: only the page that showed the QR code has it.
    next_url = safe_next(next, web)
    try:
        account = await signing_in.enrol_at_sign_in(deps, ticket, code)
    except SignInRefusedError:
        return staff_page(
            request,
            "staff/message.html",
            {
                "title": staff_words(request, "not_signed_in"),
                "text": staff_words(request, "code_refused"),
                "sign_in": True,
            },
            http.HTTP_401_UNAUTHORIZED,
        )
    return _signed_in(deps, web, account, next_url)


def _sign_in_form(
    request: Request,
    web: Web,
    next_url: str,
    error: str = "",
    email: str = "",
    *,
    status_code: int = http.HTTP_200_OK,
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = staff_page(
        request,
        "staff/sign_in.html",
        {"next": next_url, "error": error, "email": email, "nonce": nonce},
        status_code,
    )
    response.set_cookie(
        _SIGN_IN_NONCE,
        nonce,
        max_age=3600,
        path="/staff/sign-in",
        httponly=True,
        samesite="strict",
        secure=web.settings.base_url.startswith("https://"),
    )
    return response


def _enrol_page(request: Request, needed: EnrolmentNeededError, next_url: str) -> HTMLResponse:
    uri = totp.otpauth_uri(needed.secret, needed.email)
    return staff_page(
        request,
        "staff/totp_enrol.html",
        {
            "ticket": needed.ticket,
            "next": next_url,
            "uri": uri,
            "qr": Markup(totp.qr_svg(uri)),  # noqa: S704 - SVG drawn by segno, no input
            "action": "/staff/sign-in/enrol",
        },
    )


def _signed_in(deps: Deps, web: Web, account: StaffAccount, next_url: str) -> Response:
    response = RedirectResponse(next_url or "/staff", status_code=http.HTTP_303_SEE_OTHER)
    web.staff.set_session_cookie(response, signing_in.issue_token(deps, account))
    response.delete_cookie(_SIGN_IN_NONCE, path="/staff/sign-in")
    return response


@region_router.get("/staff/sign-in")
async def region_sign_in_page(
    request: Request,
    web: WebDep,
    region: Region,
    next: str = "",  # noqa: A002 - the usual name
) -> Response:
    """Off to the region's provider, to come back to the callback."""
    return await region.redirect(request, safe_next(next, web))


@region_router.get("/staff/oidc/callback")
async def callback(request: Request, deps: DepsDep, web: WebDep, region: Region) -> Response:
    """The provider's answer: a session, or the page that says why not."""
    try:
        member, next_url = await region.complete(request)
    except RegionSignInFailedError as failed:
        log.info("region sign-in failed", reason=str(failed))
        return staff_page(
            request,
            "staff/sign_in_failed.html",
            {"no_role": failed.no_role},
            http.HTTP_401_UNAUTHORIZED,
        )
    issued = deps.issuer.issue(
        staff_id=f"oidc:{member.id}", email=member.email, name=member.name, roles=member.roles
    )
    response = RedirectResponse(
        safe_next(next_url, web) or "/staff", status_code=http.HTTP_303_SEE_OTHER
    )
    web.staff.set_session_cookie(response, issued)
    return response


@router.post("/staff/sign-out")
async def sign_out(
    request: Request,
    deps: DepsDep,
    web: WebDep,
    csrf_token: Annotated[str, Form()] = "",
    lang: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """End the session in every service and clear the cookie."""
    # Every service's sign-out form ends up here (the others pass it on with a 307), and
    # the CSRF key is the same in every service, so the form's token is checked here.
    member = _cookie_member(web, request)
    if member is not None:
        if not web.staff.csrf_is_valid(member, csrf_token):
            language = request_language(request)
            raise StaffPageRefusalError(
                http.HTTP_403_FORBIDDEN,
                site_text(language, "form_expired_title"),
                site_text(language, "form_expired_text"),
                language=language,
                statement_url=str(web.settings.accessibility_statement_url),
            )
        if member.session_started_at is not None:
            await signing_in.sign_out(deps, member.id, member.session_id)
    language = language_of(lang) if lang else request_language(request)
    query = urlencode({"lang": language.value})
    response = RedirectResponse(f"/staff/signed-out?{query}", status_code=http.HTTP_303_SEE_OTHER)
    web.staff.clear_session_cookie(response)
    return response


@router.get("/staff/session/refresh")
async def refresh(request: Request, deps: DepsDep, web: WebDep, next: str = "") -> Response:  # noqa: A002 - the usual name
    """The session renewed, or off to sign in again."""
    next_url = safe_next(next, web) or "/staff"
    member = _cookie_member(web, request)
    renewed = await signing_in.renew(deps, member) if member is not None else None
    if renewed is None:
        response = RedirectResponse(
            web.staff.sign_in_url(next_url), status_code=http.HTTP_303_SEE_OTHER
        )
        web.staff.clear_session_cookie(response)
        return response
    response = RedirectResponse(next_url, status_code=http.HTTP_303_SEE_OTHER)
    web.staff.set_session_cookie(response, renewed)
    return response


@router.get("/staff/sign-out/complete")
async def complete_sign_out(request: Request, deps: DepsDep, web: WebDep) -> Response:
    """Where another service's signed-out page sends the browser, so intake ends the session."""
    # The other service cleared the cookie and passed on its ticket: end the session it
    # names in every service. A ticket that does not check out ends nothing.
    ticket = dict(request.query_params)
    if web.staff.sign_out_ticket_is_valid(ticket):
        await signing_in.sign_out(deps, ticket["staff"], ticket["sid"])
    query = urlencode({"lang": ticket["lang"]}) if ticket.get("lang") else ""
    response = RedirectResponse(f"/staff/signed-out?{query}", status_code=http.HTTP_303_SEE_OTHER)
    web.staff.clear_session_cookie(response)
    return response


def _cookie_member(web: Web, request: Request) -> StaffMember | None:
    try:
        return web.staff.verify(request.cookies.get(SESSION_COOKIE, ""))
    except NotSignedInError:
        return None


def safe_next(next_url: str, web: Web) -> str:
    """Where to go after signing in: a path here, or a page of the same host (another service).

    Anything else is dropped, so the sign-in page cannot be used to send someone elsewhere.
    """
    if not next_url:
        return ""
    parts = urlsplit(next_url)
    if (
        not parts.scheme
        and not parts.netloc
        and next_url.startswith("/")
        and not next_url.startswith("//")
    ):
        return next_url
    own_host = urlsplit(web.settings.base_url).hostname
    if parts.scheme in {"http", "https"} and parts.hostname == own_host:
        return next_url
    return ""
