"""Signing out on every service: POST /staff/sign-out and the signed-out page.

The answer is this service's own signed-out page, never a redirect to another origin: where
each service is its own origin (``make run``), a form's redirect to another origin breaks the
pages' ``form-action 'self'`` and the browser stays put. That page then loads intake's
``/staff/sign-out/complete`` (a new navigation, which form-action does not govern) with a
short-lived ticket that names the session, and intake revokes it everywhere. intake's own
route of the same path comes first there.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi import status as http
from fastapi.responses import RedirectResponse, Response

from digitalwell_shared.pages import language_of, page_path
from digitalwell_shared.site import message_page, request_language
from digitalwell_shared.site_text import site_text
from digitalwell_shared.staff.auth import SESSION_COOKIE, TICKET_FIELDS
from digitalwell_shared.staff.guards import auth_of, refusal
from digitalwell_shared.staff.members import NotSignedInError

router = APIRouter(include_in_schema=False)


@router.post("/staff/sign-out")
async def sign_out(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    lang: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """The cookie goes, and the signed-out page passes the session on to intake to end."""
    auth = auth_of(request)
    try:
        member = auth.verify(request.cookies.get(SESSION_COOKIE, ""))
    except NotSignedInError:
        member = None
    # A forged cross-site sign-out would only be a nuisance, but it is refused anyway.
    if member is not None and not auth.csrf_is_valid(member, csrf_token):
        raise refusal(auth, request, http.HTTP_403_FORBIDDEN, "form_expired")
    # The page's language comes with the form; else the request's.
    language = language_of(lang) if lang else request_language(request)
    query = {"lang": language.value}
    if member is not None:
        query |= auth.sign_out_ticket(member)
    response = RedirectResponse(
        page_path(request, f"/staff/signed-out?{urlencode(query)}"),
        status_code=http.HTTP_303_SEE_OTHER,
    )
    auth.clear_session_cookie(response)
    return response


@router.get("/staff/signed-out")
async def signed_out(request: Request) -> Response:
    """Says so; with a ticket, loads intake's page that ends the session everywhere."""
    auth = auth_of(request)
    language = request_language(request)
    title, text, sign_in = (
        site_text(language, key) for key in ("signed_out_title", "signed_out_text", "sign_in_again")
    )
    ticket = {name: request.query_params.get(name, "") for name in TICKET_FIELDS}
    if all(ticket.values()):
        # Onwards to intake, which ends the session in every service and says so.
        finish = f"{auth.intake_staff_url}/sign-out/complete?" + urlencode(
            {"lang": language.value, **ticket}
        )
        return message_page(
            language, auth.statement_url, (title, text), (finish, sign_in), refresh=finish
        )
    link = (f"{auth.sign_in_page}?lang={language.value}", sign_in)
    return message_page(language, auth.statement_url, (title, text), link)
