"""intake's staff routes: sign-in (page and token), the staff start page, accounts, the register."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Response
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import AfterValidator, BaseModel, EmailStr, Field, StringConstraints

from digitalwell_intake import totp
from digitalwell_intake.accounts import (
    MAX_PASSWORD_LENGTH,
    AccountExists,
    AccountNotFound,
    Accounts,
    EnrolmentNeeded,
    PasswordRefused,
    SignInRefused,
    SignInThrottled,
)
from digitalwell_intake.domain import ApplicationStatus
from digitalwell_intake.region_sign_in import RegionSignIn, RegionSignInFailed
from digitalwell_intake.sessions import SessionIssuer
from digitalwell_intake.settings import Settings
from digitalwell_intake.staff_text import staff_text
from digitalwell_intake.store import ApplicationStore
from digitalwell_shared.local_time import local_time
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document
from digitalwell_shared.pages import SECURITY_HEADERS, language_of, other_language
from digitalwell_shared.site import page_templates, request_language
from digitalwell_shared.site_text import role_name, site_text
from digitalwell_shared.staff import (
    SESSION_COOKIE,
    NotSignedIn,
    Role,
    SessionToken,
    StaffAuth,
    StaffMember,
    StaffPageRefusal,
    staff_api,
    staff_page,
)
from digitalwell_shared.text import single_line

TEMPLATES = Path(__file__).parent / "templates"
_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
log = get_logger(__name__)
# The sign-in form's own CSRF check: a random value in a cookie and in the form (double submit),
# since there is no session yet to bind a token to.
_SIGN_IN_NONCE = "digitalwell_sign_in"
_REGISTER_ROLES = (Role.INTAKE_OFFICER, Role.ADMINISTRATOR)

AnyStaff = Annotated[StaffMember, Depends(staff_api())]
Administrator = Annotated[StaffMember, Depends(staff_api(Role.ADMINISTRATOR))]
RegistrarApi = Annotated[StaffMember, Depends(staff_api(*_REGISTER_ROLES))]
RegistrarPage = Annotated[StaffMember, Depends(staff_page(*_REGISTER_ROLES))]
SignedInPage = Annotated[StaffMember, Depends(staff_page())]
AdministratorPage = Annotated[StaffMember, Depends(staff_page(Role.ADMINISTRATOR))]
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
    totp: str = Field(
        "",
        max_length=10,
        description="the current one-time code, for administrators, chairs and anyone enrolled",
    )


class TotpEnrolment(BaseModel):
    """A new authenticator app secret, pending until a code from it confirms it."""

    secret: str
    otpauth_uri: str
    qr_svg: str = Field(description="the URI as an SVG QR code")


class TotpCode(BaseModel):
    """A one-time code from the authenticator app."""

    code: str = Field(min_length=6, max_length=10)


class PasswordChange(BaseModel):
    """One's own new password, with the current one."""

    current_password: Password
    new_password: Password


class PasswordReset(BaseModel):
    """A new password an administrator sets for someone."""

    password: Password


class RolesChange(BaseModel):
    """The roles an account is to hold from now on."""

    roles: list[Role] = Field(min_length=1)


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
    disabled: bool = False
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
        disabled=bool(account.get("disabled")),
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


def _issue(
    issuer: SessionIssuer, account: Document, renewing: StaffMember | None = None
) -> SessionToken:
    """A new session for ``account``, or ``renewing`` that session with the account's roles."""
    return issuer.issue(
        staff_id=account["_id"],
        email=account["email"],
        name=account["name"],
        roles=[Role(role) for role in account["roles"]],
        session_id=renewing.session_id if renewing else None,
        started_at=renewing.session_started_at if renewing else None,
    )


def _client(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: uvicorn's forwarded one)."""
    return request.client.host if request.client else "unknown"


async def renew(
    issuer: SessionIssuer, accounts: Accounts, member: StaffMember
) -> SessionToken | None:
    """The person's session renewed for another idle period; None when it may not go on.

    The account is read again: a disabled account ends here, and the roles are the current
    ones. A session past its maximum length is not renewed.
    """
    if member.session_started_at is None:  # a provider's access token: the provider renews it
        return None
    if member.session_started_at + issuer.session_length <= datetime.now(UTC):
        return None
    if member.id.startswith("oidc:"):
        # Signed in at the region's provider: no account here, and the roles stay the token's.
        return issuer.issue(
            staff_id=member.id,
            email=member.email,
            name=member.name,
            roles=member.roles,
            session_id=member.session_id,
            started_at=member.session_started_at,
        )
    account = await accounts.store.by_id(member.id)
    if account is None or account.get("disabled"):
        return None
    return _issue(issuer, account, renewing=member)


def create_staff_api(
    staff: StaffAuth,
    issuer: SessionIssuer,
    accounts: Accounts,
    store: ApplicationStore,
    *,
    password_sign_in: bool,
) -> APIRouter:
    """Sign-in for API clients, who am I, accounts (administrators), the register (officers)."""
    router = APIRouter(prefix="/api/v1", tags=["staff"])
    router.include_router(_token_api(issuer, accounts, password_sign_in=password_sign_in))
    router.include_router(_session_api(staff, issuer, accounts))
    router.include_router(_account_api(accounts))
    router.include_router(_own_password_api(accounts))

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
            raise _password_refused("password", refused) from refused
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


def _password_refused(field: str, refused: PasswordRefused) -> HTTPException:
    return HTTPException(
        http.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", field], "msg": str(refused), "type": "password_refused"}],
    )


def _no_account(account_id: str) -> HTTPException:
    return HTTPException(http.HTTP_404_NOT_FOUND, f"no staff account has the id {account_id}")


def _account_api(accounts: Accounts) -> APIRouter:
    """Administrators disable, enable, reset and re-role accounts; people change their password.

    Each of these but enabling ends the person's sessions in every service.
    """
    router = APIRouter()
    not_found: dict[int | str, dict[str, Any]] = {404: {"description": "no account has this id"}}

    @router.post(
        "/staff/{account_id}/disable",
        summary="Disable an account and end its sessions (administrators)",
        responses=not_found,
    )
    async def disable(account_id: str, _admin: Administrator) -> AccountView:
        try:
            return _account_view(await accounts.set_disabled(account_id, disabled=True))
        except AccountNotFound as missing:
            raise _no_account(account_id) from missing

    @router.post(
        "/staff/{account_id}/enable",
        summary="Enable a disabled account (administrators)",
        responses=not_found,
    )
    async def enable(account_id: str, _admin: Administrator) -> AccountView:
        try:
            return _account_view(await accounts.set_disabled(account_id, disabled=False))
        except AccountNotFound as missing:
            raise _no_account(account_id) from missing

    @router.put(
        "/staff/{account_id}/roles",
        summary="Set an account's roles and end its sessions (administrators)",
        responses=not_found,
    )
    async def set_roles(account_id: str, change: RolesChange, _admin: Administrator) -> AccountView:
        try:
            return _account_view(await accounts.set_roles(account_id, change.roles))
        except AccountNotFound as missing:
            raise _no_account(account_id) from missing

    @router.post(
        "/staff/{account_id}/password",
        summary="Set a new password for someone and end their sessions (administrators)",
        responses=not_found,
    )
    async def reset_password(
        account_id: str, reset: PasswordReset, _admin: Administrator
    ) -> AccountView:
        try:
            return _account_view(await accounts.reset_password(account_id, reset.password))
        except PasswordRefused as refused:
            raise _password_refused("password", refused) from refused
        except AccountNotFound as missing:
            raise _no_account(account_id) from missing

    return router


def _own_password_api(accounts: Accounts) -> APIRouter:
    router = APIRouter()

    @router.post("/auth/totp", summary="Start enrolling an authenticator app (one-time codes)")
    async def start_totp(member: AnyStaff) -> TotpEnrolment:
        try:
            secret = await accounts.start_enrolment(member.id)
        except AccountNotFound as missing:
            raise HTTPException(
                http.HTTP_409_CONFLICT, "your second factor is kept by the region's sign-in"
            ) from missing
        uri = totp.otpauth_uri(secret, member.email)
        return TotpEnrolment(secret=secret, otpauth_uri=uri, qr_svg=totp.qr_svg(uri))

    @router.post(
        "/auth/totp/confirm",
        status_code=http.HTTP_204_NO_CONTENT,
        summary="Confirm the app with a code from it; from now on sign-in needs a code",
        responses={422: {"description": "the code is not right"}},
    )
    async def confirm_totp(code: TotpCode, member: AnyStaff) -> Response:
        try:
            await accounts.confirm_enrolment(member.id, code.code)
        except (SignInRefused, AccountNotFound) as refused:
            raise HTTPException(
                http.HTTP_422_UNPROCESSABLE_CONTENT,
                [{"loc": ["body", "code"], "msg": "the code is not right", "type": "totp"}],
            ) from refused
        return Response(status_code=http.HTTP_204_NO_CONTENT)

    @router.post(
        "/auth/password",
        summary="Change one's own password (needs the current one); ends every session",
        responses={401: {"description": "the current password is not right"}},
    )
    async def change_password(
        request: Request, change: PasswordChange, member: AnyStaff
    ) -> AccountView:
        try:
            account = await accounts.change_password(
                member.id, change.current_password, change.new_password, client=_client(request)
            )
        except PasswordRefused as refused:
            raise _password_refused("new_password", refused) from refused
        except SignInRefused as refused:
            raise HTTPException(http.HTTP_401_UNAUTHORIZED, str(refused)) from refused
        except AccountNotFound as missing:  # signed in at the region's provider
            raise HTTPException(
                http.HTTP_409_CONFLICT, "your password is kept by the region's sign-in"
            ) from missing
        return _account_view(account)

    return router


def _token_response(session: SessionToken) -> TokenResponse:
    expires_in = int((session.expires_at - datetime.now(UTC)).total_seconds())
    return TokenResponse(access_token=session.token, expires_in=expires_in)


def _bearer_member(staff: StaffAuth, request: Request) -> StaffMember:
    """The person behind the bearer token (not the cookie: these routes change things)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        return staff.verify(token.strip() if scheme.lower() == "bearer" else "")
    except NotSignedIn as refused:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED,
            "the bearer token is not valid",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from refused


def _token_api(issuer: SessionIssuer, accounts: Accounts, *, password_sign_in: bool) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/auth/token",
        summary="Exchange a staff e-mail address and password for a bearer token",
        responses={
            401: {"description": "wrong e-mail address or password, or locked for a while"},
            429: {"description": "too many attempts from this address; see Retry-After"},
        },
    )
    async def token(request: Request, credentials: SignInRequest) -> TokenResponse:
        if not password_sign_in:
            raise HTTPException(
                http.HTTP_403_FORBIDDEN,
                "password sign-in is off: staff sign in at the region's OpenID Connect provider, "
                "and API clients send its access token",
            )
        try:
            account = await accounts.sign_in(
                str(credentials.email),
                credentials.password,
                client=_client(request),
                totp=credentials.totp,
            )
        except EnrolmentNeeded as needed:
            raise HTTPException(
                http.HTTP_401_UNAUTHORIZED, f"{needed}, then send its code in totp"
            ) from needed
        except SignInThrottled as throttled:
            raise HTTPException(
                http.HTTP_429_TOO_MANY_REQUESTS,
                str(throttled),
                headers={"Retry-After": str(throttled.retry_after)},
            ) from throttled
        except SignInRefused as refused:
            raise HTTPException(http.HTTP_401_UNAUTHORIZED, str(refused)) from refused
        return _token_response(_issue(issuer, account))

    return router


def _session_api(staff: StaffAuth, issuer: SessionIssuer, accounts: Accounts) -> APIRouter:
    router = APIRouter()

    @router.post(
        "/auth/refresh",
        summary="A new token for the same session, valid for another idle period",
        responses={401: {"description": "the token is not valid, or the session has ended"}},
    )
    async def refresh(request: Request) -> TokenResponse:
        session = await renew(issuer, accounts, _bearer_member(staff, request))
        if session is None:
            raise HTTPException(
                http.HTTP_401_UNAUTHORIZED,
                "the session cannot be renewed: sign in again",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        return _token_response(session)

    @router.post(
        "/auth/sign-out",
        status_code=http.HTTP_204_NO_CONTENT,
        summary="End the bearer token's session in every service",
    )
    async def sign_out(request: Request) -> Response:
        member = _bearer_member(staff, request)
        await accounts.sign_out(member.id, member.session_id)
        return Response(status_code=http.HTTP_204_NO_CONTENT)

    return router


def create_staff_pages(
    settings: Settings,
    *,
    staff: StaffAuth,
    issuer: SessionIssuer,
    accounts: Accounts,
    store: ApplicationStore,
    region: RegionSignIn | None,
) -> APIRouter:
    """Sign-in (or the region's), sign-out, renewal, the start, register and account pages."""
    templates = page_templates(TEMPLATES)
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    if region is None:
        router.include_router(_sign_in_pages(settings, staff, issuer, accounts, templates))
        router.include_router(_enrolment_at_sign_in(settings, staff, issuer, accounts, templates))
    else:
        router.include_router(_region_sign_in_pages(settings, staff, issuer, region, templates))
    router.include_router(_session_pages(settings, staff, issuer, accounts))
    router.include_router(sign_out_completion(staff, accounts))
    router.include_router(_account_pages(staff, issuer, accounts, templates))
    router.include_router(_signed_in_pages(settings, store, templates))
    return router


def _session_pages(
    settings: Settings, staff: StaffAuth, issuer: SessionIssuer, accounts: Accounts
) -> APIRouter:
    """Sign-out that ends the session everywhere, and the renewal every service redirects to."""
    router = APIRouter(include_in_schema=False)

    @router.post("/staff/sign-out")
    async def sign_out(
        request: Request,
        csrf_token: Annotated[str, Form()] = "",
        lang: Annotated[str, Form(max_length=5)] = "",
    ) -> Response:
        # Every service's sign-out form ends up here (the others pass it on with a 307), and
        # the CSRF key is the same in every service, so the form's token is checked here.
        try:
            member: StaffMember | None = staff.verify(request.cookies.get(SESSION_COOKIE, ""))
        except NotSignedIn:
            member = None
        if member is not None:
            if not staff.csrf_is_valid(member, csrf_token):
                language = request_language(request)
                raise StaffPageRefusal(
                    http.HTTP_403_FORBIDDEN,
                    site_text(language, "form_expired_title"),
                    site_text(language, "form_expired_text"),
                    language=language,
                    statement_url=str(settings.accessibility_statement_url),
                )
            if member.session_started_at is not None:
                await accounts.sign_out(member.id, member.session_id)
        language = language_of(lang) if lang else request_language(request)
        query = urlencode({"lang": language.value})
        response = RedirectResponse(
            f"/staff/signed-out?{query}", status_code=http.HTTP_303_SEE_OTHER
        )
        staff.clear_session_cookie(response)
        return response

    @router.get("/staff/session/refresh")
    async def refresh(request: Request, next: str = "") -> Response:  # noqa: A002 - the usual name
        next_url = _safe_next(next, settings) or "/staff"
        try:
            member = staff.verify(request.cookies.get(SESSION_COOKIE, ""))
        except NotSignedIn:
            member = None
        session = await renew(issuer, accounts, member) if member is not None else None
        if session is None:
            response = RedirectResponse(
                staff.sign_in_url(next_url), status_code=http.HTTP_303_SEE_OTHER
            )
            staff.clear_session_cookie(response)
            return response
        response = RedirectResponse(next_url, status_code=http.HTTP_303_SEE_OTHER)
        staff.set_session_cookie(response, session)
        return response

    return router


def _account_pages(
    staff: StaffAuth, issuer: SessionIssuer, accounts: Accounts, templates: Jinja2Templates
) -> APIRouter:
    """Changing one's own password; administrators' list of accounts with its actions."""
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    router.include_router(_password_page(staff, issuer, accounts, templates))

    async def accounts_page(
        request: Request, member: StaffMember, notice: str = "", status_code: int = 200
    ) -> HTMLResponse:
        listed = [_account_view(account) for account in await accounts.store.list()]
        return _render(
            templates,
            request,
            "staff/accounts.html",
            {"member": member, "accounts": listed, "notice": notice},
            status_code,
        )

    @router.get("/staff/accounts")
    async def list_page(request: Request, member: AdministratorPage) -> Response:
        return await accounts_page(request, member)

    @router.post("/staff/accounts/{account_id}/{action}")
    async def act(
        request: Request,
        account_id: str,
        action: str,
        member: AdministratorPage,
        password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
    ) -> Response:
        try:
            if action == "disable":
                account = await accounts.set_disabled(account_id, disabled=True)
            elif action == "enable":
                account = await accounts.set_disabled(account_id, disabled=False)
            elif action == "password":
                account = await accounts.reset_password(account_id, password)
            else:
                raise HTTPException(http.HTTP_404_NOT_FOUND, f"no action {action!r}")
        except PasswordRefused as refused:
            log.info("password refused", reason=str(refused))
            return await accounts_page(
                request,
                member,
                staff_text(request_language(request), "not_changed"),
                http.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        except AccountNotFound as missing:
            raise HTTPException(http.HTTP_404_NOT_FOUND, "no such account") from missing
        done = staff_text(request_language(request), f"done_{action}", email=account["email"])
        return await accounts_page(request, member, done)

    return router


def _password_page(
    staff: StaffAuth, issuer: SessionIssuer, accounts: Accounts, templates: Jinja2Templates
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @router.get("/staff/totp")
    async def totp_page(request: Request, member: SignedInPage) -> Response:
        try:
            secret = await accounts.start_enrolment(member.id)
        except AccountNotFound:
            raise HTTPException(http.HTTP_409_CONFLICT, "kept by the region's sign-in") from None
        uri = totp.otpauth_uri(secret, member.email)
        return _render(
            templates,
            request,
            "staff/totp_enrol.html",
            {
                "member": member,
                "uri": uri,
                "qr": Markup(totp.qr_svg(uri)),  # noqa: S704 - SVG drawn by segno, no input
                "action": "/staff/totp",
            },
        )

    @router.post("/staff/totp")
    async def confirm_totp(
        request: Request, member: SignedInPage, code: Annotated[str, Form(max_length=10)] = ""
    ) -> Response:
        try:
            await accounts.confirm_enrolment(member.id, code)
        except (SignInRefused, AccountNotFound):
            language = request_language(request)
            return _render(
                templates,
                request,
                "staff/message.html",
                {
                    "member": member,
                    "title": staff_text(language, "not_enrolled"),
                    "text": staff_text(language, "code_refused"),
                },
                http.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        language = request_language(request)
        return _render(
            templates,
            request,
            "staff/message.html",
            {
                "member": member,
                "title": staff_text(language, "enrolled_title"),
                "text": staff_text(language, "enrolled_text"),
            },
        )

    @router.get("/staff/password")
    async def password_page(request: Request, member: SignedInPage) -> Response:
        return _render(templates, request, "staff/password.html", {"member": member})

    @router.post("/staff/password")
    async def change_password(
        request: Request,
        member: SignedInPage,
        current_password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
        new_password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
    ) -> Response:
        try:
            account = await accounts.change_password(
                member.id, current_password, new_password, client=_client(request)
            )
        except (PasswordRefused, SignInRefused, AccountNotFound) as refused:
            error = staff_text(
                request_language(request),
                "password_kept_by_region"
                if isinstance(refused, AccountNotFound)
                else "current_password_wrong"
                if isinstance(refused, SignInRefused)
                else "not_changed",
            )
            return _render(
                templates,
                request,
                "staff/password.html",
                {"member": member, "error": error},
                http.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        # Every session of the person ended, this one too; this browser goes on in a new one.
        response = RedirectResponse("/staff", status_code=http.HTTP_303_SEE_OTHER)
        staff.set_session_cookie(response, _issue(issuer, account))
        return response

    return router


def _render(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> HTMLResponse:
    """A staff page in the reader's language (``?lang=``, else the browser's, else Swedish)."""
    language = request_language(request)
    switch = other_language(language)
    here = request.url if request.method == "GET" else request.url.replace(path="/staff")
    context = {
        "lang": language.value,
        "t": partial(staff_text, language),
        "local": lambda moment: local_time(moment, language),
        "role_list": lambda roles: ", ".join(sorted(role_name(str(r), language) for r in roles)),
        "switch_lang": switch.value,
        "switch_url": str(here.include_query_params(lang=switch.value)),
        **context,
    }
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=_PAGE_HEADERS
    )


def _signed_in_pages(
    settings: Settings, store: ApplicationStore, templates: Jinja2Templates
) -> APIRouter:
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
    links = {  # by the key of their label in staff_text
        "link_council": f"{settings.council_url.rstrip('/')}/staff/cases",
        "link_forum": f"{settings.forum_url.rstrip('/')}/staff/sessions",
        "link_notify": f"{settings.notify_url.rstrip('/')}/staff/emails",
    }

    @router.get("/staff")
    async def home(request: Request, member: SignedInPage) -> Response:
        return _render(
            templates,
            request,
            "staff/home.html",
            {
                "member": member,
                "links": links,
                "sees_register": member.has_any(_REGISTER_ROLES),
                "is_administrator": member.has_any([Role.ADMINISTRATOR]),
            },
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
    settings: Settings,
    staff: StaffAuth,
    issuer: SessionIssuer,
    accounts: Accounts,
    templates: Jinja2Templates,
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
        *,
        email: Annotated[str, Form(max_length=320)] = "",
        password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
        totp_code: Annotated[str, Form(max_length=10)] = "",
        nonce: Annotated[str, Form(max_length=100)] = "",
        next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002 - the usual name
    ) -> Response:
        next_url = _safe_next(next, settings)
        expected = request.cookies.get(_SIGN_IN_NONCE, "")
        if not expected or not hmac.compare_digest(expected.encode(), nonce.encode()):
            return sign_in_form(
                request,
                next_url,
                staff_text(request_language(request), "form_expired"),
                email,
                http.HTTP_403_FORBIDDEN,
            )
        if not email.strip() or not password:
            return sign_in_form(
                request,
                next_url,
                staff_text(request_language(request), "enter_email_and_password"),
                email,
                http.HTTP_422_UNPROCESSABLE_CONTENT,
            )
        try:
            account = await accounts.sign_in(
                email.strip(), password, client=_client(request), totp=totp_code
            )
        except EnrolmentNeeded as needed:
            uri = totp.otpauth_uri(needed.secret, needed.email)
            return _render(
                templates,
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
        except SignInThrottled as throttled:
            wait = staff_text(request_language(request), "throttled", seconds=throttled.retry_after)
            refused_page = sign_in_form(
                request, next_url, wait, email, http.HTTP_429_TOO_MANY_REQUESTS
            )
            refused_page.headers["Retry-After"] = str(throttled.retry_after)
            return refused_page
        except SignInRefused:
            refused_text = staff_text(request_language(request), "sign_in_refused")
            return sign_in_form(request, next_url, refused_text, email, http.HTTP_401_UNAUTHORIZED)
        response = RedirectResponse(next_url or "/staff", status_code=http.HTTP_303_SEE_OTHER)
        staff.set_session_cookie(response, _issue(issuer, account))
        response.delete_cookie(_SIGN_IN_NONCE, path="/staff/sign-in")
        return response

    return router


def _enrolment_at_sign_in(
    settings: Settings,
    staff: StaffAuth,
    issuer: SessionIssuer,
    accounts: Accounts,
    templates: Jinja2Templates,
) -> APIRouter:
    """The end of a first sign-in that must enrol an authenticator app."""
    router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

    @router.post("/staff/sign-in/enrol")
    async def enrol(
        request: Request,
        ticket: Annotated[str, Form(max_length=100)] = "",
        code: Annotated[str, Form(max_length=10)] = "",
        next: Annotated[str, Form(max_length=2000)] = "",  # noqa: A002 - the usual name
    ) -> Response:
        # The ticket is the CSRF check: only the page that showed the QR code has it.
        next_url = _safe_next(next, settings)
        try:
            account = await accounts.enrol_at_sign_in(ticket, code)
        except SignInRefused:
            language = request_language(request)
            return _render(
                templates,
                request,
                "staff/message.html",
                {
                    "title": staff_text(language, "not_signed_in"),
                    "text": staff_text(language, "code_refused"),
                    "sign_in": True,
                },
                http.HTTP_401_UNAUTHORIZED,
            )
        response = RedirectResponse(next_url or "/staff", status_code=http.HTTP_303_SEE_OTHER)
        staff.set_session_cookie(response, _issue(issuer, account))
        response.delete_cookie(_SIGN_IN_NONCE, path="/staff/sign-in")
        return response

    return router


def _region_sign_in_pages(
    settings: Settings,
    staff: StaffAuth,
    issuer: SessionIssuer,
    region: RegionSignIn,
    templates: Jinja2Templates,
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
            log.info("region sign-in failed", reason=str(failed))
            return _render(
                templates,
                request,
                "staff/sign_in_failed.html",
                {"no_role": failed.no_role},
                http.HTTP_401_UNAUTHORIZED,
            )
        session = issuer.issue(
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


def sign_out_completion(staff: StaffAuth, accounts: Accounts) -> APIRouter:
    """Where another service's signed-out page sends the browser, so intake ends the session."""
    router = APIRouter(include_in_schema=False)

    @router.get("/staff/sign-out/complete")
    async def complete_sign_out(request: Request) -> Response:
        # The other service cleared the cookie and passed on its ticket: end the session it
        # names in every service. A ticket that does not check out ends nothing.
        ticket = dict(request.query_params)
        if staff.sign_out_ticket_is_valid(ticket):
            await accounts.sign_out(ticket["staff"], ticket["sid"])
        query = urlencode({"lang": ticket["lang"]}) if ticket.get("lang") else ""
        response = RedirectResponse(
            f"/staff/signed-out?{query}", status_code=http.HTTP_303_SEE_OTHER
        )
        staff.clear_session_cookie(response)
        return response

    return router
