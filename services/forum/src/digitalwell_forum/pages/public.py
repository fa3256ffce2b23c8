"""forum's pages for everyone: the sessions, a session and its booking form, a booking's pages.

A booking's own pages (see it and cancel it, take a seat offered) open only with the signed
link from the booking's e-mails; a granted application's workshops, with its decision's link.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from digitalwell_forum import usecases
from digitalwell_forum.api import BookingLimit
from digitalwell_forum.deps import Deps, DepsDep
from digitalwell_forum.domain import BookingRefusedError, BookingStatus, Refusal, needs_grant
from digitalwell_forum.models import BookingRequest
from digitalwell_forum.pages.forms import BOOKING_FIELDS, field_errors
from digitalwell_forum.pages.rendering import (
    Form,
    LanguageParameter,
    TokenParameter,
    link_refused,
    message,
    not_found,
    refused,
    render,
    text,
)
from digitalwell_forum.records import ForumSession, Grant
from digitalwell_forum.views import REFUSAL_STATUS, booking_view, session_view
from digitalwell_shared.contracts import Language
from digitalwell_shared.pages import language_of

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/")
async def sessions_page(
    request: Request, deps: DepsDep, lang: LanguageParameter = None
) -> Response:
    """Upcoming sessions with seats left, each linking to its booking form."""
    now = deps.clock()
    upcoming = [session_view(s, now, deps.links) for s in await usecases.upcoming_sessions(deps)]
    return render(request, "sessions.html", language_of(lang), {"sessions": upcoming})


@router.get("/workshops/{application_id}")
async def workshops_page(
    request: Request,
    application_id: str,
    deps: DepsDep,
    token: TokenParameter = "",
    lang: LanguageParameter = None,
) -> Response:
    """The workshops a granted application may book: the link in its decision letter."""
    language = language_of(lang)
    grant = await _granted(request, deps, language, application_id, token)
    if isinstance(grant, HTMLResponse):
        return grant
    now = deps.clock()
    workshops = [
        session_view(s, now, deps.links)
        for s in await usecases.upcoming_sessions(deps)
        if needs_grant(s.kind)
    ]
    context = {
        "sessions": workshops,
        "case_number": grant.case_number or application_id,
        # Each booking form opens filled in, behind the same signed link.
        "form_query": urlencode({"application": application_id, "token": token}),
    }
    return render(request, "sessions.html", language, context, private=True)


@router.get("/sessions/{session_id}")
async def session_page(  # noqa: PLR0917 - the page's path, query and dependencies
    request: Request,
    session_id: str,
    deps: DepsDep,
    lang: LanguageParameter = None,
    application: Annotated[str, Query(max_length=100)] = "",
    token: TokenParameter = "",
) -> Response:
    """A session and its booking form; with a grant's signed link, the application filled in."""
    language = language_of(lang)
    found = await usecases.find_session(deps, session_id)
    if found is None:
        return not_found(request, language)
    form = {"language": language.value}
    if application:
        grant = await _granted(request, deps, language, application, token)
        if isinstance(grant, HTMLResponse):
            return grant
        form["application_id"] = grant.case_number or application
    return _session_form(request, deps, found, language, form, {})


async def _granted(
    request: Request, deps: Deps, language: Language, application_id: str, token: str
) -> Grant | HTMLResponse:
    """The grant behind a workshop link, or the page that says why the link does not work."""
    if refusal := link_refused(request, language, deps.links.workshop_link(application_id, token)):
        return refusal
    grant = await usecases.find_grant(deps, application_id)
    if grant is None:  # the decision has not reached forum yet
        return refused(request, language, BookingRefusedError(Refusal.UNKNOWN_APPLICATION))
    if not grant.innovation_forum:
        return refused(request, language, BookingRefusedError(Refusal.NOT_GRANTED))
    return grant


@router.post("/sessions/{session_id}/book")
async def book(request: Request, session_id: str, limit: BookingLimit, deps: DepsDep) -> Response:
    """Book from the form: the booking's page, or the form again with what is wrong."""
    posted = await request.form()
    language = language_of(text(posted.get("lang")))
    form = {name: text(posted.get(name)) for name in BOOKING_FIELDS}
    found = await usecases.find_session(deps, session_id)
    if found is None:
        return not_found(request, language)
    try:
        booking = BookingRequest.model_validate(
            {**form, "language": form["language"] or language.value}
        )
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        return _session_form(
            request, deps, found, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    await limit.by_email(booking.email)
    try:
        outcome = await usecases.book(deps, session_id, booking)
    except BookingRefusedError as refusal:
        return _session_form(
            request,
            deps,
            found,
            language,
            form,
            {},
            REFUSAL_STATUS[refusal.reason],
            refusal=refusal.reason.value,
        )
    if not outcome.created:
        # Anyone can type an address: the existing booking's page stays with its holder.
        return message(request, language, "booking_title", "booked_again", status.HTTP_200_OK)
    url = deps.links.cancel_url(outcome.booking_id, found, booking.language)
    return RedirectResponse(f"{url}&done=booked", status_code=status.HTTP_303_SEE_OTHER)


def _session_form(  # noqa: PLR0917 - the form page's parts, named at each call
    request: Request,
    deps: Deps,
    found: ForumSession,
    language: Language,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = status.HTTP_200_OK,
    *,
    refusal: str | None = None,
) -> HTMLResponse:
    view = session_view(found, deps.clock(), deps.links)
    return render(
        request,
        "session.html",
        language,
        {"session": view, "form": Form(form), "errors": Form(errors), "refusal": refusal},
        status_code,
    )


# -- a booking's own pages ----------------------------------------------------------------


@router.get("/bookings/{booking_id}/cancel")
async def booking_page(  # noqa: PLR0917 - the page's path, query and dependencies
    request: Request,
    booking_id: str,
    deps: DepsDep,
    token: TokenParameter = "",
    lang: LanguageParameter = None,
    done: str = "",
) -> Response:
    """The booking, its calendar file and a button to cancel: the link in every e-mail."""
    language = language_of(lang)
    if refusal := link_refused(request, language, deps.links.cancel_link(booking_id, token)):
        return refusal
    loaded = await usecases.find_booking(deps, booking_id)
    if loaded is None:
        return not_found(request, language)
    booking, found = loaded
    now = deps.clock()
    view = booking_view(booking, found, now, deps.links)
    context = {
        "booking": view,
        "session": view.session,
        "token": token,
        "done": done,
        "email": booking.email,
        "can_cancel": booking.status is not BookingStatus.CANCELLED and now < found.starts_at,
        "calendar_url": deps.links.calendar_url(booking_id, found),
        "accept_url": deps.links.accept_url(booking_id, found, language),
    }
    return render(request, "booking.html", language, context, private=True)


@router.post("/bookings/{booking_id}/cancel")
async def cancel(request: Request, booking_id: str, deps: DepsDep) -> Response:
    """Cancel the booking, leave the waitlist or decline an offer; then its page again."""
    posted = await request.form()
    token, language = text(posted.get("token")), language_of(text(posted.get("lang")))
    if refusal := link_refused(request, language, deps.links.cancel_link(booking_id, token)):
        return refusal
    try:
        await usecases.cancel_booking(deps, booking_id)
    except BookingRefusedError as error:
        return refused(request, language, error)
    # Back to the booking's page with the link it came with, which works as long.
    query = urlencode({"token": token, "lang": language.value, "done": "cancelled"})
    return RedirectResponse(
        f"{deps.links.base_url}/bookings/{booking_id}/cancel?{query}",
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.get("/bookings/{booking_id}/accept")
async def offer_page(
    request: Request,
    booking_id: str,
    deps: DepsDep,
    token: TokenParameter = "",
    lang: LanguageParameter = None,
) -> Response:
    """The seat offered, and a button to take it."""
    language = language_of(lang)
    if refusal := link_refused(request, language, deps.links.accept_link(booking_id, token)):
        return refusal
    loaded = await usecases.find_booking(deps, booking_id)
    if loaded is None:
        return not_found(request, language)
    booking, found = loaded
    if booking.status is not BookingStatus.OFFERED:
        # Taken already, or passed on: the booking's own page says which.
        url = deps.links.cancel_url(booking_id, found, language)
        return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)
    view = booking_view(booking, found, deps.clock(), deps.links)
    context = {
        "booking": view,
        "session": view.session,
        "token": token,
        "cancel_url": deps.links.cancel_url(booking_id, found, language),
    }
    return render(request, "accept.html", language, context, private=True)


@router.post("/bookings/{booking_id}/accept")
async def accept(request: Request, booking_id: str, deps: DepsDep) -> Response:
    """Take the seat, then show the booking."""
    posted = await request.form()
    token, language = text(posted.get("token")), language_of(text(posted.get("lang")))
    if refusal := link_refused(request, language, deps.links.accept_link(booking_id, token)):
        return refusal
    try:
        await usecases.accept_offer(deps, booking_id)
    except BookingRefusedError as error:
        return refused(request, language, error)
    loaded = await usecases.find_booking(deps, booking_id)
    if loaded is None:  # accepted a moment ago: only a dropped database gets here
        return not_found(request, language)
    url = deps.links.cancel_url(booking_id, loaded[1], language)
    return RedirectResponse(f"{url}&done=accepted", status_code=status.HTTP_303_SEE_OTHER)
