"""The forum coordinators' pages: every session, scheduling one, its bookings, who came, report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from digitalwell_forum import usecases
from digitalwell_forum.deps import Deps, DepsDep
from digitalwell_forum.domain import BookingRefusedError, SessionStatus
from digitalwell_forum.models import CancelSessionRequest, SessionRequest
from digitalwell_forum.page_text import translate
from digitalwell_forum.pages.forms import (
    SCHEDULE_FIELDS,
    BadSeriesError,
    field_errors,
    session_payload,
)
from digitalwell_forum.pages.rendering import Form, LanguageParameter, not_found, render, text
from digitalwell_forum.usecases import UnknownBookingsError
from digitalwell_forum.views import (
    REFUSAL_STATUS,
    attendance_report_view,
    session_view,
    staff_booking_view,
)
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.pages import language_of, page_path
from digitalwell_shared.staff import Role, StaffMember, staff_page

# The signed-in coordinator behind a staff page; on a POST the form's CSRF token is checked.
CoordinatorPage = Annotated[
    StaffMember, Depends(staff_page(Role.FORUM_COORDINATOR, Role.ADMINISTRATOR))
]

router = APIRouter(prefix="/staff", include_in_schema=False, default_response_class=HTMLResponse)


@router.get("/sessions")
async def staff_sessions(
    request: Request, _member: CoordinatorPage, deps: DepsDep, lang: LanguageParameter = None
) -> Response:
    """Every session, and the form to schedule one."""
    language = language_of(lang)
    return await _staff_list(request, deps, language, {"coordinator_language": "sv"}, {})


@router.post("/sessions")
async def schedule(request: Request, member: CoordinatorPage, deps: DepsDep) -> Response:
    """Schedule a session from the form, or show the form again with what is wrong."""
    posted = await request.form()
    language = language_of(text(posted.get("lang")))
    form = {name: text(posted.get(name)) for name in SCHEDULE_FIELDS}
    try:
        plan = SessionRequest.model_validate(session_payload(form))
    except BadSeriesError:
        errors = {"later_dates": translate(language, "error_date_format")}
        return await _staff_list(
            request, deps, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    except ValidationError as invalid:
        errors = field_errors(invalid, language)
        return await _staff_list(
            request, deps, language, form, errors, status.HTTP_422_UNPROCESSABLE_CONTENT
        )
    session_id = await usecases.schedule_session(deps, plan, member)
    return RedirectResponse(
        page_path(request, f"/staff/sessions/{session_id}?lang={language.value}"),
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.get("/sessions/{session_id}")
async def staff_session(
    request: Request,
    session_id: str,
    _member: CoordinatorPage,
    deps: DepsDep,
    lang: LanguageParameter = None,
    saved: bool = False,
) -> Response:
    """A session's bookings, the attendance form once it has begun, and cancelling it."""
    return await _staff_session(request, deps, session_id, language_of(lang), saved=saved)


@router.post("/sessions/{session_id}/attendance")
async def mark_attendance(
    request: Request, session_id: str, _member: CoordinatorPage, deps: DepsDep
) -> Response:
    """Save who came."""
    posted = await request.form()
    language = language_of(text(posted.get("lang")))
    attended = [value for value in posted.getlist("attended") if isinstance(value, str)]
    try:
        await usecases.mark_attendance(deps, session_id, attended)
    except (BookingRefusedError, UnknownBookingsError) as refused:
        reason = refused.reason.value if isinstance(refused, BookingRefusedError) else None
        return await _staff_session(
            request, deps, session_id, language, refusal=reason, status_code=409
        )
    return RedirectResponse(
        page_path(request, f"/staff/sessions/{session_id}?lang={language.value}&saved=1"),
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.post("/sessions/{session_id}/cancel")
async def cancel_session(
    request: Request, session_id: str, _member: CoordinatorPage, deps: DepsDep
) -> Response:
    """Cancel the session and tell everyone booked."""
    posted = await request.form()
    language = language_of(text(posted.get("lang")))
    try:
        reason = CancelSessionRequest(reason=text(posted.get("reason"))).reason
    except ValidationError:
        return await _staff_session(
            request,
            deps,
            session_id,
            language,
            refusal="reason_invalid",
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    try:
        await usecases.cancel_session(deps, session_id, reason)
    except BookingRefusedError as refused:
        return await _staff_session(
            request,
            deps,
            session_id,
            language,
            refusal=refused.reason.value,
            status_code=REFUSAL_STATUS[refused.reason],
        )
    return RedirectResponse(
        page_path(request, f"/staff/sessions/{session_id}?lang={language.value}"),
        status_code=status.HTTP_303_SEE_OTHER,
    )


@router.get("/report")
async def report(
    request: Request, _member: CoordinatorPage, deps: DepsDep, lang: LanguageParameter = None
) -> Response:
    """Attendance and no-shows per session and per kind."""
    shown = attendance_report_view(*await usecases.attendance(deps))
    return render(request, "staff_report.html", language_of(lang), {"report": shown}, private=True)


async def _staff_list(  # noqa: PLR0917 - the list page's parts, named at each call
    request: Request,
    deps: Deps,
    language: Language,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = status.HTTP_200_OK,
) -> Response:
    now = deps.clock()
    listed = [session_view(s, now, deps.links) for s in await usecases.all_sessions(deps)]
    context = {
        "sessions": listed,
        "form": Form(form),
        "errors": Form(errors),
        "kinds": [kind.value for kind in SessionKind],
    }
    return render(request, "staff_sessions.html", language, context, status_code, private=True)


async def _staff_session(
    request: Request,
    deps: Deps,
    session_id: str,
    language: Language,
    *,
    saved: bool = False,
    refusal: str | None = None,
    status_code: int = status.HTTP_200_OK,
) -> Response:
    found = await usecases.find_session(deps, session_id)
    if found is None:
        return not_found(request, language)
    now = deps.clock()
    listed = await usecases.session_bookings(deps, session_id)
    context = {
        "session": session_view(found, now, deps.links),
        "bookings": [staff_booking_view(b) for b in listed],
        "begun": now >= found.starts_at and found.status is SessionStatus.SCHEDULED,
        "saved": saved,
        "refusal": refusal,
    }
    return render(request, "staff_session.html", language, context, status_code, private=True)
