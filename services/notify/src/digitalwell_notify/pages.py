"""notify's HTML pages: unsubscribing for recipients (RFC 8058); the delivery log for staff."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path as FilePath
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi import status as http
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from digitalwell_notify import usecases
from digitalwell_notify.deps import Deps, DepsDep
from digitalwell_notify.domain import DELIVERY_LOG_ROLES, LogAccess
from digitalwell_notify.models import FILTER_MAX, LogFilters
from digitalwell_notify.page_text import WORDING
from digitalwell_notify.records import Subscription
from digitalwell_notify.views import (
    delivery_log_view,
    email_language,
    problem_view,
    subscription_view,
)
from digitalwell_shared.contracts import Language
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.pages import page_path
from digitalwell_shared.site import PageRenderer, request_language
from digitalwell_shared.staff import StaffMember, staff_page

TEMPLATES = FilePath(__file__).parent / "templates" / "pages"
_pages = PageRenderer(TEMPLATES, WORDING)
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


def _problem(request: Request, problem: str, status_code: int) -> HTMLResponse:
    # In both languages, the page's own in Swedish: a bad link does not tell whose to use.
    return _pages.render(
        request,
        "problem.html",
        Language.SV,
        problem_view(problem),
        status_code=status_code,
        private=True,
        switch_url="",
    )


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
    # In the language the e-mail was written in; no cache: it holds the link's token.
    return _pages.render(
        request,
        "unsubscribe.html",
        email_language(subscription.email),
        subscription_view(subscription, token, state),
        private=True,
        switch_url="",
    )


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
    language = request_language(request)
    context = delivery_log_view(language, access, found, filters=filters, notice=notice)
    # No cache: the log holds people's addresses.
    return _pages.render(request, "staff_emails.html", language, context, private=True)


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
