"""intake's staff routes: sign-in (page and token), the staff start page, accounts, the register."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator, BaseModel, EmailStr, Field, StringConstraints

from digitalwell_intake.accounts import (
    MAX_PASSWORD_LENGTH,
    AccountExists,
    AccountLocked,
    Accounts,
    PasswordRefused,
    SignInRefused,
)
from digitalwell_intake.domain import ApplicationStatus
from digitalwell_intake.region_sign_in import RegionSignIn, RegionSignInFailed
from digitalwell_intake.settings import Settings
from digitalwell_intake.store import ApplicationStore
from digitalwell_shared.mongo import Document
from digitalwell_shared.pages import SECURITY_HEADERS
from digitalwell_shared.staff import (
    Role,
    SessionToken,
    StaffAuth,
    StaffMember,
    staff_api,
    staff_page,
)
from digitalwell_shared.text import single_line

TEMPLATES = Path(__file__).parent / "templates"
_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
# The sign-in form's own CSRF check: a random value in a cookie and in the form (double submit),
# since there is no session yet to bind a token to.
_SIGN_IN_NONCE = "digitalwell_sign_in"
_REGISTER_ROLES = (Role.INTAKE_OFFICER, Role.ADMINISTRATOR)

AnyStaff = Annotated[StaffMember, Depends(staff_api())]
Administrator = Annotated[StaffMember, Depends(staff_api(Role.ADMINISTRATOR))]
RegistrarApi = Annotated[StaffMember, Depends(staff_api(*_REGISTER_ROLES))]
RegistrarPage = Annotated[StaffMember, Depends(staff_page(*_REGISTER_ROLES))]
SignedInPage = Annotated[StaffMember, Depends(staff_page())]
Password = Annotated[str, StringConstraints(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(single_line),
]


class SignInRequest(BaseModel):
    """An e-mail address and password to exchange for a token."""

    email: EmailStr
    password: Password


class TokenResponse(BaseModel):
    """A bearer token that every service's staff API accepts (OAuth 2 token response shape)."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the token's type, not a secret
    expires_in: int = Field(description="seconds until the token stops working")


class StaffMemberView(BaseModel):
    """Who a token or session belongs to."""

    id: str
    email: str
    name: str
    roles: list[Role]


class NewAccount(BaseModel):
    """A staff account to create."""

    email: EmailStr
    name: Name
    roles: list[Role] = Field(min_length=1)
    password: Password


class AccountView(BaseModel):
    """A staff account, without its password."""

    id: str
    email: str
    name: str
    roles: list[Role]
    created_at: datetime
    last_sign_in_at: datetime | None = None


class RegisteredApplication(BaseModel):
    """An application as the register lists it."""

    id: str
    case_number: str | None
    title: str
    organisation_name: str
    status: ApplicationStatus
    submitted_at: datetime


def _account_view(account: Document) -> AccountView:
    return AccountView(
        id=account["_id"],
        email=account["email"],
        name=account["name"],
        roles=[Role(role) for role in account["roles"]],
        created_at=account["created_at"],
        last_sign_in_at=account.get("last_sign_in_at"),
    )


def _registered(application: Document) -> RegisteredApplication:
    return RegisteredApplication(
        id=application["_id"],
        case_number=application.get("case_number"),
        title=application["application"]["title"],
        organisation_name=application["application"]["organisation"]["name"],
        status=ApplicationStatus(application["status"]),
        submitted_at=application["submitted_at"],
    )


def _issue(staff: StaffAuth, account: Document) -> SessionToken:
    return staff.issue(
        staff_id=account["_id"],
        email=account["email"],
        name=account["name"],
        roles=[Role(role) for role in account["roles"]],
    )


def create_staff_api(
    staff: StaffAuth, accounts: Accounts, store: ApplicationStore, *, password_sign_in: bool
) -> APIRouter:
    """Sign-in for API clients, who am I, accounts (administrators), the register (officers)."""
    router = APIRouter(prefix="/api/v1", tags=["staff"])
    router.include_router(_token_api(staff, accounts, password_sign_in=password_sign_in))

    @router.get("/auth/me", summary="Who the bearer token belongs to")
    async def me(member: AnyStaff) -> StaffMemberView:
        return StaffMemberView(
            id=member.id, email=member.email, name=member.name, roles=sorted(member.roles)
        )

    @router.get("/staff", summary="Staff accounts (administrators)")
    async def list_accounts(_admin: Administrator) -> list[AccountView]:
        return [_account_view(account) for account in await accounts.store.list()]

    @router.post(
        "/staff",
        status_code=http.HTTP_201_CREATED,
        summary="Create a staff account (administrators)",
        responses={409: {"description": "an account has this e-mail address"}},
    )
    async def create_account(new: NewAccount, _admin: Administrator) -> AccountView:
        try:
            account = await accounts.create(str(new.email), new.name, new.roles, new.password)
        except PasswordRefused as refused:
            raise HTTPException(
                http.HTTP_422_UNPROCESSABLE_CONTENT,
                [{"loc": ["body", "password"], "msg": str(refused), "type": "password_refused"}],
            ) from refused
        except AccountExists as exists:
            raise HTTPException(
                http.HTTP_409_CONFLICT, f"an account with the address {new.email} exists"
            ) from exists
        return _account_view(account)

    @router.get("/applications", summary="The register of applications (intake officers)")
    async def register(
        _officer: RegistrarApi,
        status: ApplicationStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[RegisteredApplication]:
        return [_registered(application) for application in await store.registered(status, limit)]

    return router


def _token_api(staff: StaffAuth, accounts: Accounts, *, password_sign_in: bool) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/auth/token",
        summary="Exchange a staff e-mail address and password for a bearer token",
        responses={
            401: {"description": "wrong e-mail address or password"},
            429: {"description": "the account is locked after repeated failures"},
        },
    )
    async def token(credentials: SignInRequest) -> TokenResponse:
        if not password_sign_in:
            raise HTTPException(
                http.HTTP_403_FORBIDDEN,
                "password sign-in is off: staff sign in at the region's OpenID Connect provider, "
                "and API clients send its access token",
            )
        try:
            account = await accounts.sign_in(str(credentials.email), credentials.password)
        except AccountLocked as locked:
            retry_after = max(1, int((locked.until - datetime.now(UTC)).total_seconds()))
            raise HTTPException(
                http.HTTP_429_TOO_MANY_REQUESTS,
                str(locked),
                headers={"Retry-After": str(retry_after)},
            ) from locked
        except SignInRefused as refused:
            raise HTTPException(http.HTTP_401_UNAUTHORIZED, str(refused)) from refused
        session = _issue(staff, account)
        expires_in = int((session.expires_at - datetime.now(UTC)).total_seconds())
        return TokenResponse(access_token=session.token, expires_in=expires_in)

    return router


def create_staff_pages(
    settings: Settings,
    staff: StaffAuth,
    accounts: Accounts,
    store: ApplicationStore,
    region: RegionSignIn | None,
) -> APIRouter:
    """The sign-in page (or the region's sign-in), the staff start page and the register page."""
    templates = Jinja2Templates(directory=TEMPLATES)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    if region is None:
        router.include_router(_sign_in_pages(settings, staff, accounts, templates))
    else:
        router.include_router(_region_sign_in_pages(settings, staff, region, templates))
    router.include_router(_signed_in_pages(settings, store, templates))
    return router


def _render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=_PAGE_HEADERS
    )


def _signed_in_pages(
    settings: Settings, store: ApplicationStore, templates: Jinja2Templates
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    links = {
        "Council: cases and reports": f"{settings.council_url.rstrip('/')}/staff/cases",
        "Forum: sessions and bookings": f"{settings.forum_url.rstrip('/')}/staff/sessions",
        "E-mail delivery log": f"{settings.notify_url.rstrip('/')}/staff/emails",
    }

    @router.get("/staff")
    async def home(request: Request, member: SignedInPage) -> Response:
        return _render(
            templates,
            request,
            "staff/home.html",
            {"member": member, "links": links, "sees_register": member.has_any(_REGISTER_ROLES)},
        )

    @router.get("/staff/applications")
    async def register_page(
        request: Request,
        member: RegistrarPage,
        status: ApplicationStatus | None = None,
    ) -> Response:
        applications = [_registered(found) for found in await store.registered(status, 200)]
        return _render(
            templates,
            request,
            "staff/applications.html",
            {
                "member": member,
                "applications": applications,
                "status": status.value if status else "",
                "statuses": [choice.value for choice in ApplicationStatus],
            },
        )

    return router


def _sign_in_pages(
    settings: Settings, staff: StaffAuth, accounts: Accounts, templates: Jinja2Templates
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    def sign_in_form(
        request: Request, next_url: str, error: str = "", email: str = "", status_code: int = 200
    ) -> HTMLResponse:
        nonce = secrets.token_urlsafe(24)
        response = _render(
            templates,
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
            secure=settings.base_url.startswith("https://"),
        )
        return response

    @router.get("/staff/sign-in")
    async def sign_in_page(request: Request, next: str = "") -> Response:  # noqa: A002 - the usual name
        return sign_in_form(request, _safe_next(next, settings))

    @router.post("/staff/sign-in")
    async def sign_in(
        request: Request,
        email: Annotated[str, Form(max_length=320)] = "",
        password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
        nonce: Annotated[str, Form(max_length=100)] = "",
        next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002 - the usual name
    ) -> Response:
        next_url = _safe_next(next, settings)
        expected = request.cookies.get(_SIGN_IN_NONCE, "")
        if not expected or not hmac.compare_digest(expected.encode(), nonce.encode()):
            return sign_in_form(
                request,
                next_url,
                "The sign-in form had expired. Please sign in again.",
                email,
                http.HTTP_403_FORBIDDEN,
            )
        if not email.strip() or not password:
            return sign_in_form(
                request,
                next_url,
                "Enter your e-mail address and password.",
                email,
                http.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        try:
            account = await accounts.sign_in(email.strip(), password)
        except AccountLocked as locked:
            message = f"{locked}. Try again after {locked.until:%H:%M} UTC."
            return sign_in_form(request, next_url, message, email, http.HTTP_429_TOO_MANY_REQUESTS)
        except SignInRefused as refused:
            return sign_in_form(
                request, next_url, f"Sign-in failed: {refused}.", email, http.HTTP_401_UNAUTHORIZED
            )
        response = RedirectResponse(next_url or "/staff", status_code=http.HTTP_303_SEE_OTHER)
        staff.set_session_cookie(response, _issue(staff, account))
        response.delete_cookie(_SIGN_IN_NONCE, path="/staff/sign-in")
        return response

    return router


def _region_sign_in_pages(
    settings: Settings, staff: StaffAuth, region: RegionSignIn, templates: Jinja2Templates
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @router.get("/staff/sign-in")
    async def sign_in_page(request: Request, next: str = "") -> Response:  # noqa: A002 - the usual name
        return await region.redirect(request, _safe_next(next, settings))

    @router.get("/staff/oidc/callback")
    async def callback(request: Request) -> Response:
        try:
            member, next_url = await region.complete(request)
        except RegionSignInFailed as failed:
            return _render(
                templates,
                request,
                "staff/sign_in_failed.html",
                {"reason": str(failed)},
                http.HTTP_401_UNAUTHORIZED,
            )
        session = staff.issue(
            staff_id=f"oidc:{member.id}", email=member.email, name=member.name, roles=member.roles
        )
        response = RedirectResponse(
            _safe_next(next_url, settings) or "/staff", status_code=http.HTTP_303_SEE_OTHER
        )
        staff.set_session_cookie(response, session)
        return response

    return router


def _safe_next(next_url: str, settings: Settings) -> str:
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
    own_host = urlsplit(settings.base_url).hostname
    if parts.scheme in {"http", "https"} and parts.hostname == own_host:
        return next_url
    return ""
