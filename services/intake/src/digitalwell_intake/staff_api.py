"""intake's staff JSON API under /api/v1: tokens, who am I, one-time codes, passwords, accounts.

Sign-in for API clients (a bearer token every service accepts), its renewal and sign-out; each
person's own one-time codes and password; administrators' accounts. The officer's register is
``register.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi import status as http

from digitalwell_intake import totp
from digitalwell_intake.deps import ClientAddress, DepsDep, WebDep
from digitalwell_intake.domain import (
    AccountExistsError,
    AccountNotFoundError,
    EnrolmentNeededError,
    PasswordRefusedError,
    SignInRefusedError,
    SignInThrottledError,
)
from digitalwell_intake.models import (
    AccountView,
    NewAccount,
    PasswordChange,
    PasswordReset,
    RolesChange,
    SignInRequest,
    StaffMemberView,
    TokenResponse,
    TotpCode,
    TotpEnrolment,
)
from digitalwell_intake.usecases import accounts, sign_in
from digitalwell_intake.views import account_view
from digitalwell_shared.staff import (
    NotSignedInError,
    Role,
    SessionToken,
    StaffAuth,
    StaffMember,
    staff_api,
)

AnyStaff = Annotated[StaffMember, Depends(staff_api())]
Administrator = Annotated[StaffMember, Depends(staff_api(Role.ADMINISTRATOR))]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no account has this id"}}

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.post(
    "/auth/token",
    summary="Exchange a staff e-mail address and password for a bearer token",
    responses={
        401: {"description": "wrong e-mail address or password, or locked for a while"},
        429: {"description": "too many attempts from this address; see Retry-After"},
    },
)
async def token(
    credentials: SignInRequest, client: ClientAddress, deps: DepsDep, web: WebDep
) -> TokenResponse:
    """A bearer token for the person the e-mail address and password sign in."""
    if web.region is not None:
        raise HTTPException(
            http.HTTP_403_FORBIDDEN,
            "password sign-in is off: staff sign in at the region's OpenID Connect provider, "
            "and API clients send its access token",
        )
    try:
        account = await sign_in.sign_in(
            deps,
            str(credentials.email),
            credentials.password,
            client=client,
            totp_code=credentials.totp,
        )
    except EnrolmentNeededError as needed:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED, f"{needed}, then send its code in totp"
        ) from needed
    except SignInThrottledError as throttled:
        raise HTTPException(
            http.HTTP_429_TOO_MANY_REQUESTS,
            str(throttled),
            headers={"Retry-After": str(throttled.retry_after)},
        ) from throttled
    except SignInRefusedError as refused:
        raise HTTPException(http.HTTP_401_UNAUTHORIZED, str(refused)) from refused
    return _token_response(sign_in.issue_token(deps, account))


@router.post(
    "/auth/refresh",
    summary="A new token for the same session, valid for another idle period",
    responses={401: {"description": "the token is not valid, or the session has ended"}},
)
async def refresh(request: Request, deps: DepsDep, web: WebDep) -> TokenResponse:
    """The bearer token's session renewed."""
    renewed = await sign_in.renew(deps, _bearer_member(web.staff, request))
    if renewed is None:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED,
            "the session cannot be renewed: sign in again",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return _token_response(renewed)


@router.post(
    "/auth/sign-out",
    status_code=http.HTTP_204_NO_CONTENT,
    summary="End the bearer token's session in every service",
)
async def sign_out(request: Request, deps: DepsDep, web: WebDep) -> Response:
    """End the session in every service."""
    member = _bearer_member(web.staff, request)
    await sign_in.sign_out(deps, member.id, member.session_id)
    return Response(status_code=http.HTTP_204_NO_CONTENT)


@router.get("/auth/me", summary="Who the bearer token belongs to")
async def me(member: AnyStaff) -> StaffMemberView:
    """Who the bearer token belongs to."""
    return StaffMemberView(
        id=member.id, email=member.email, name=member.name, roles=sorted(member.roles)
    )


@router.post("/auth/totp", summary="Start enrolling an authenticator app (one-time codes)")
async def start_totp(member: AnyStaff, deps: DepsDep) -> TotpEnrolment:
    """A new authenticator app secret, pending until a code confirms it."""
    try:
        secret = await sign_in.start_enrolment(deps, member.id)
    except AccountNotFoundError as missing:
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
async def confirm_totp(code: TotpCode, member: AnyStaff, deps: DepsDep) -> Response:
    """Confirm the pending app with a code from it."""
    try:
        await sign_in.confirm_enrolment(deps, member.id, code.code)
    except (SignInRefusedError, AccountNotFoundError) as refused:
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
    change: PasswordChange, member: AnyStaff, client: ClientAddress, deps: DepsDep
) -> AccountView:
    """Set one's own new password, giving the current one."""
    try:
        account = await sign_in.change_password(
            deps,
            member.id,
            change.current_password,
            change.new_password,
            client=client,
        )
    except PasswordRefusedError as refused:
        raise _password_refused("new_password", refused) from refused
    except SignInRefusedError as refused:
        raise HTTPException(http.HTTP_401_UNAUTHORIZED, str(refused)) from refused
    except AccountNotFoundError as missing:  # signed in at the region's provider
        raise HTTPException(
            http.HTTP_409_CONFLICT, "your password is kept by the region's sign-in"
        ) from missing
    return account_view(account)


@router.get("/staff", summary="Staff accounts (administrators)")
async def list_accounts(_admin: Administrator, deps: DepsDep) -> list[AccountView]:
    """Every staff account."""
    return [account_view(account) for account in await accounts.list_accounts(deps)]


@router.post(
    "/staff",
    status_code=http.HTTP_201_CREATED,
    summary="Create a staff account (administrators)",
    responses={409: {"description": "an account has this e-mail address"}},
)
async def create_account(new: NewAccount, _admin: Administrator, deps: DepsDep) -> AccountView:
    """Create a staff account."""
    try:
        account = await accounts.create_account(
            deps, str(new.email), new.name, new.roles, new.password
        )
    except PasswordRefusedError as refused:
        raise _password_refused("password", refused) from refused
    except AccountExistsError as exists:
        raise HTTPException(
            http.HTTP_409_CONFLICT, f"an account with the address {new.email} exists"
        ) from exists
    return account_view(account)


@router.post(
    "/staff/{account_id}/disable",
    summary="Disable an account and end its sessions (administrators)",
    responses=_NOT_FOUND,
)
async def disable(account_id: str, _admin: Administrator, deps: DepsDep) -> AccountView:
    """Disable an account, ending its sessions."""
    try:
        return account_view(await accounts.set_disabled(deps, account_id, disabled=True))
    except AccountNotFoundError as missing:
        raise _no_account(account_id) from missing


@router.post(
    "/staff/{account_id}/enable",
    summary="Enable a disabled account (administrators)",
    responses=_NOT_FOUND,
)
async def enable(account_id: str, _admin: Administrator, deps: DepsDep) -> AccountView:
    """Enable a disabled account."""
    try:
        return account_view(await accounts.set_disabled(deps, account_id, disabled=False))
    except AccountNotFoundError as missing:
        raise _no_account(account_id) from missing


@router.put(
    "/staff/{account_id}/roles",
    summary="Set an account's roles and end its sessions (administrators)",
    responses=_NOT_FOUND,
)
async def set_roles(
    account_id: str, change: RolesChange, _admin: Administrator, deps: DepsDep
) -> AccountView:
    """Set an account's roles, ending its sessions."""
    try:
        return account_view(await accounts.set_roles(deps, account_id, change.roles))
    except AccountNotFoundError as missing:
        raise _no_account(account_id) from missing


@router.post(
    "/staff/{account_id}/password",
    summary="Set a new password for someone and end their sessions (administrators)",
    responses=_NOT_FOUND,
)
async def reset_password(
    account_id: str, reset: PasswordReset, _admin: Administrator, deps: DepsDep
) -> AccountView:
    """Set someone's new password, ending their sessions."""
    try:
        return account_view(await accounts.reset_password(deps, account_id, reset.password))
    except PasswordRefusedError as refused:
        raise _password_refused("password", refused) from refused
    except AccountNotFoundError as missing:
        raise _no_account(account_id) from missing


def _password_refused(field: str, refused: PasswordRefusedError) -> HTTPException:
    return HTTPException(
        http.HTTP_422_UNPROCESSABLE_CONTENT,
        [{"loc": ["body", field], "msg": str(refused), "type": "password_refused"}],
    )


def _no_account(account_id: str) -> HTTPException:
    return HTTPException(http.HTTP_404_NOT_FOUND, f"no staff account has the id {account_id}")


def _token_response(session: SessionToken) -> TokenResponse:
    expires_in = int((session.expires_at - datetime.now(UTC)).total_seconds())
    return TokenResponse(access_token=session.token, expires_in=expires_in)


def _bearer_member(staff: StaffAuth, request: Request) -> StaffMember:
    """The person behind the bearer token (not the cookie: these routes change things)."""
    scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
    try:
        return staff.verify(bearer.strip() if scheme.lower() == "bearer" else "")
    except NotSignedInError as refused:
        raise HTTPException(
            http.HTTP_401_UNAUTHORIZED,
            "the bearer token is not valid",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from refused
