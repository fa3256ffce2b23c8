"""notify's HTML pages: unsubscribing for recipients (RFC 8058); the delivery log for staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path as FilePath
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from digitalwell_notify import usecases
from digitalwell_notify.deps import Deps, DepsDep
from digitalwell_notify.domain import DELIVERY_LOG_ROLES, LogAccess
from digitalwell_notify.models import FILTER_MAX, LogFilters
from digitalwell_notify.records import Subscription
from digitalwell_notify.views import delivery_log_view, problem_view, subscription_view
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.pages import SECURITY_HEADERS, page_path
from digitalwell_shared.site import page_templates, request_language
from digitalwell_shared.staff import StaffMember, staff_page

TEMPLATES = FilePath(__file__).parent / "templates" / "pages"
# No caching either: the staff pages hold people's addresses.
_PAGE_HEADERS = SECURITY_HEADERS | {"Cache-Control": "no-store"}
_templates = page_templates(TEMPLATES)
# Module-level, so a route's parameter and its router's guard are one dependency, run once.
_page_staff = staff_page(*DELIVERY_LOG_ROLES)
PageStaff = Annotated[StaffMember, Depends(_page_staff)]
Token = Annotated[str, Query(description="the unsubscribe token from the e-mail's link")]
_FILTERS = ("recipient", "application_id", "template", "status", "limit")

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
staff_router = APIRouter(
    include_in_schema=False,
    default_response_class=HTMLResponse,
    dependencies=[Depends(_page_staff)],
)


def _page(
    request: Request, name: str, context: dict[str, Any], status_code: int = http.HTTP_200_OK
) -> HTMLResponse:
    response = _templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(_PAGE_HEADERS)
    return response


def _problem(request: Request, problem: str, status_code: int) -> HTMLResponse:
    return _page(request, "problem.html", problem_view(problem), status_code)


# -- Unsubscribe (RFC 8058) ---------------------------------------------------------------------


async def _answer(
    request: Request,
    deps: Deps,
    email_id: str,
    token: str,
    *,
    act: Callable[[Deps, str], Awaitable[Subscription]],
    state: str | None,
) -> HTMLResponse:
    check = await usecases.unsubscribe_link_check(deps, email_id, token)
    if check is LinkCheck.INVALID:
        return _problem(request, "bad_link", http.HTTP_403_FORBIDDEN)
    if check is LinkCheck.EXPIRED:
        return _problem(request, "expired_link", http.HTTP_410_GONE)
    try:
        subscription = await act(deps, email_id)
    except usecases.EmailNotFoundError:
        return _problem(request, "not_found", http.HTTP_404_NOT_FOUND)
    except usecases.NotUnsubscribableError:
        return _problem(request, "essential", http.HTTP_404_NOT_FOUND)
    if state is None:  # a look, not a change
        state = "unsubscribed" if subscription.unsubscribed else "confirm"
    return _page(request, "unsubscribe.html", subscription_view(subscription, token, state))


@router.get("/unsubscribe/{email_id}")
async def unsubscribe_page(
    request: Request, deps: DepsDep, email_id: str, token: Token = ""
) -> Response:
    """Ask the recipient to confirm; a GET changes nothing, since link scanners follow it."""
    return await _answer(request, deps, email_id, token, act=usecases.subscription, state=None)


@router.post("/unsubscribe/{email_id}")
async def unsubscribe(
    request: Request, deps: DepsDep, email_id: str, token: Token = ""
) -> Response:
    """The one-click POST (body ``List-Unsubscribe=One-Click``) and the page's own form."""
    return await _answer(
        request, deps, email_id, token, act=usecases.unsubscribe, state="unsubscribed"
    )


@router.post("/unsubscribe/{email_id}/undo")
async def resubscribe(
    request: Request, deps: DepsDep, email_id: str, token: Token = ""
) -> Response:
    """Undo the unsubscription, with the same token."""
    return await _answer(
        request, deps, email_id, token, act=usecases.resubscribe, state="resubscribed"
    )


# -- Staff: the delivery log and resend --------------------------------------------------------


@staff_router.get("/staff/emails")
async def delivery_log_page(
    request: Request,
    deps: DepsDep,
    staff: PageStaff,
    filters: Annotated[LogFilters, Query()],
    notice: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """The delivery log as a table, failed e-mails marked, each with a resend button.

    In the reader's language; each subject in the language its e-mail was sent in.
    """
    access = LogAccess.of(staff.roles)
    found = await usecases.delivery_log(deps, access, **filters.model_dump())
    context = delivery_log_view(
        request, request_language(request), access, found, filters=filters, notice=notice
    )
    return _page(request, "staff_emails.html", context)


@staff_router.post("/staff/emails/{email_id}/resend")
async def resend_from_page(
    request: Request, deps: DepsDep, staff: PageStaff, email_id: str
) -> Response:
    """Resend, then show the log again with the same filters and what happened."""
    posted = await request.form()
    filters = {
        name: value
        for name in (*_FILTERS, "lang")
        if isinstance(value := posted.get(name), str) and value and len(value) <= FILTER_MAX
    }
    try:
        await usecases.resend_email(deps, email_id, LogAccess.of(staff.roles))
    except usecases.EmailNotFoundError:
        notice = "not_found"
    except usecases.EmailNotFailedError:
        notice = "not_failed"
    else:
        notice = "resent"
    return RedirectResponse(
        page_path(request, f"/staff/emails?{urlencode({**filters, 'notice': notice})}"),
        status_code=http.HTTP_303_SEE_OTHER,
    )


router.include_router(staff_router)
