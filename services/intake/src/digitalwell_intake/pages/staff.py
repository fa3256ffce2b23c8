"""The staff pages: the start page, one's own password and codes, administrators' accounts.

Sign-in is ``sign_in.py``; the officer's register is ``register.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from digitalwell_intake import totp
from digitalwell_intake.deps import ClientAddress, Deps, DepsDep, WebDep
from digitalwell_intake.domain import (
    MAX_PASSWORD_LENGTH,
    AccountNotFoundError,
    PasswordRefusedError,
    SignInRefusedError,
)
from digitalwell_intake.pages.rendering import staff_page, staff_words
from digitalwell_intake.register import REGISTER_ROLES
from digitalwell_intake.usecases import accounts, sign_in
from digitalwell_intake.views import account_view
from digitalwell_shared.logging import get_logger
from digitalwell_shared.staff import Role, StaffMember
from digitalwell_shared.staff import staff_page as staff_page_guard

log = get_logger(__name__)
SignedInPage = Annotated[StaffMember, Depends(staff_page_guard())]
AdministratorPage = Annotated[StaffMember, Depends(staff_page_guard(Role.ADMINISTRATOR))]

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/staff")
async def home(request: Request, member: SignedInPage, web: WebDep) -> Response:
    """The staff start page: links to what the person's roles may use."""
    settings = web.settings
    links = {  # by the key of their label in page_text.staff
        "link_council": f"{settings.council_url.rstrip('/')}/staff/cases",
        "link_forum": f"{settings.forum_url.rstrip('/')}/staff/sessions",
        "link_notify": f"{settings.notify_url.rstrip('/')}/staff/emails",
    }
    return staff_page(
        request,
        "staff/home.html",
        {
            "member": member,
            "links": links,
            "sees_register": member.has_any(REGISTER_ROLES),
            "is_administrator": member.has_any([Role.ADMINISTRATOR]),
        },
    )


@router.get("/staff/totp")
async def totp_page(request: Request, member: SignedInPage, deps: DepsDep) -> Response:
    """Enrol an authenticator app: its QR code."""
    try:
        secret = await sign_in.start_enrolment(deps, member.id)
    except AccountNotFoundError:
        raise HTTPException(http.HTTP_409_CONFLICT, "kept by the region's sign-in") from None
    uri = totp.otpauth_uri(secret, member.email)
    return staff_page(
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
    request: Request,
    member: SignedInPage,
    deps: DepsDep,
    code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Confirm the app with a code from it."""
    try:
        await sign_in.confirm_enrolment(deps, member.id, code)
    except (SignInRefusedError, AccountNotFoundError):
        title, text, status_code = (
            "not_enrolled",
            "code_refused",
            http.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    else:
        title, text, status_code = "enrolled_title", "enrolled_text", http.HTTP_200_OK
    return staff_page(
        request,
        "staff/message.html",
        {
            "member": member,
            "title": staff_words(request, title),
            "text": staff_words(request, text),
        },
        status_code,
    )


@router.get("/staff/password")
async def password_page(request: Request, member: SignedInPage) -> Response:
    """The form to change one's own password."""
    return staff_page(request, "staff/password.html", {"member": member})


@router.post("/staff/password")
async def change_password(
    request: Request,
    member: SignedInPage,
    *,
    deps: DepsDep,
    web: WebDep,
    client: ClientAddress,
    current_password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
    new_password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
) -> Response:
    """Change one's own password; this browser goes on signed in."""
    try:
        account = await sign_in.change_password(
            deps, member.id, current_password, new_password, client=client
        )
    except (PasswordRefusedError, SignInRefusedError, AccountNotFoundError) as refused:
        error = staff_words(
            request,
            "password_kept_by_region"
            if isinstance(refused, AccountNotFoundError)
            else "current_password_wrong"
            if isinstance(refused, SignInRefusedError)
            else "not_changed",
        )
        return staff_page(
            request,
            "staff/password.html",
            {"member": member, "error": error},
            http.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    # Every session of the person ended, this one too; this browser goes on in a new one.
    response = RedirectResponse("/staff", status_code=http.HTTP_303_SEE_OTHER)
    web.staff.set_session_cookie(response, sign_in.issue_token(deps, account))
    return response


@router.get("/staff/accounts")
async def list_page(request: Request, member: AdministratorPage, deps: DepsDep) -> Response:
    """Administrators' list of staff accounts."""
    return await _accounts_page(request, deps, member)


@router.post("/staff/accounts/{account_id}/{action}")
async def act(
    request: Request,
    account_id: str,
    action: str,
    *,
    member: AdministratorPage,
    deps: DepsDep,
    password: Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH)] = "",
) -> Response:
    """Disable, enable or set a new password for an account; the list again."""
    try:
        if action == "disable":
            account = await accounts.set_disabled(deps, account_id, disabled=True)
        elif action == "enable":
            account = await accounts.set_disabled(deps, account_id, disabled=False)
        elif action == "password":
            account = await accounts.reset_password(deps, account_id, password)
        else:
            raise HTTPException(http.HTTP_404_NOT_FOUND, f"no action {action!r}")
    except PasswordRefusedError as refused:
        log.info("password refused", reason=str(refused))
        return await _accounts_page(
            request,
            deps,
            member,
            staff_words(request, "not_changed"),
            http.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    except AccountNotFoundError as missing:
        raise HTTPException(http.HTTP_404_NOT_FOUND, "no such account") from missing
    done = staff_words(request, f"done_{action}", email=account.email)
    return await _accounts_page(request, deps, member, done)


async def _accounts_page(
    request: Request,
    deps: Deps,
    member: StaffMember,
    notice: str = "",
    status_code: int = http.HTTP_200_OK,
) -> HTMLResponse:
    listed = [account_view(account) for account in await accounts.list_accounts(deps)]
    return staff_page(
        request,
        "staff/accounts.html",
        {"member": member, "accounts": listed, "notice": notice},
        status_code,
    )
