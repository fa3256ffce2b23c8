"""forum's JSON API: sessions, bookings, seat offers, attendance, and who may book a workshop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from digitalwell_forum import usecases
from digitalwell_forum.deps import Deps, DepsDep
from digitalwell_forum.domain import BookingRefusedError, Refusal, SessionStatus
from digitalwell_forum.models import (
    AttendanceReport,
    AttendanceRequest,
    BookingRequest,
    BookingResult,
    BookingView,
    CancelSessionRequest,
    Scheduled,
    SessionList,
    SessionRequest,
    SessionView,
    StaffBookingList,
)
from digitalwell_forum.page_text import API_REFUSALS
from digitalwell_forum.records import ForumSession
from digitalwell_forum.usecases import UnknownBookingsError
from digitalwell_forum.views import (
    REFUSAL_STATUS,
    attendance_report_view,
    booking_view,
    session_view,
    staff_booking_view,
)
from digitalwell_shared.contracts import SessionKind
from digitalwell_shared.links import LinkCheck
from digitalwell_shared.staff import Role, StaffMember, staff_api
from digitalwell_shared.throttle import RequestLimit, throttled

_TOKEN_MAX = 200
_UNKNOWN_SHOWN = 5
TokenParameter = Annotated[str, Query(max_length=_TOKEN_MAX, description="the link's token")]
_BAD_TOKEN = "The token is not valid for this booking; use the link in the e-mail"  # noqa: S105
_EXPIRED_TOKEN = "The link has expired: its session has ended"  # noqa: S105 - a message, not a secret
Coordinator = Annotated[StaffMember, Depends(staff_api(Role.FORUM_COORDINATOR, Role.ADMINISTRATOR))]
# One count for the API and the booking form.
BookingLimit = Annotated[RequestLimit, Depends(throttled("bookings"))]


class Eligibility(BaseModel):
    """Whether an application may book an Innovation Forum workshop."""

    application_id: str
    innovation_forum: bool


class SessionCancelled(BaseModel):
    """A cancelled session and how many bookings ended with it."""

    id: str
    status: str
    bookings_ended: int


class RefusalBody(BaseModel):
    """Why a request was refused: a sentence, and a code a program can act on."""

    detail: str
    reason: Refusal


def refusal_response(refused: BookingRefusedError) -> JSONResponse:
    """The JSON answer to a refused request, with the status its reason calls for."""
    body = RefusalBody(detail=API_REFUSALS[refused.reason], reason=refused.reason)
    return JSONResponse(body.model_dump(mode="json"), status_code=REFUSAL_STATUS[refused.reason])


_REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": RefusalBody, "description": "refused; `reason` names the rule"}
    for code in (403, 404, 409)
}


router = APIRouter(prefix="/api/v1")
"""The routes under /api/v1; coordinators' routes need a forum_coordinator's token."""


@router.get("/eligibility/{application_id}", tags=["eligibility"])
async def get_eligibility(application_id: str, deps: DepsDep) -> Eligibility:
    """Whether this application may book an Innovation Forum workshop."""
    grant = await usecases.find_grant(deps, application_id)
    return Eligibility(
        application_id=application_id, innovation_forum=bool(grant and grant.innovation_forum)
    )


async def _session(deps: Deps, session_id: str) -> ForumSession:
    found = await usecases.find_session(deps, session_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, API_REFUSALS[Refusal.SESSION_NOT_FOUND])
    return found


@router.post(
    "/sessions",
    status_code=status.HTTP_201_CREATED,
    tags=["sessions"],
    responses={422: {"description": "a field is invalid; the error names it"}},
)
async def schedule_session(
    request: SessionRequest, member: Coordinator, response: Response, deps: DepsDep
) -> Scheduled:
    """Schedule a session (forum coordinator); ForumSessionScheduled goes out."""
    session_id = await usecases.schedule_session(deps, request, member)
    response.headers["Location"] = f"{deps.links.base_url}/api/v1/sessions/{session_id}"
    return Scheduled(id=session_id, url=deps.links.session_page_url(session_id))


@router.get("/sessions", tags=["sessions"])
async def list_sessions(deps: DepsDep, kind: SessionKind | None = None) -> SessionList:
    """Upcoming sessions with the seats left, soonest first."""
    now = deps.clock()
    upcoming = await usecases.upcoming_sessions(deps, kind)
    return SessionList(sessions=[session_view(found, now, deps.links) for found in upcoming])


@router.get("/sessions/{session_id}", tags=["sessions"], responses={404: {}})
async def get_session(session_id: str, deps: DepsDep) -> SessionView:
    """One session, upcoming or not."""
    return session_view(await _session(deps, session_id), deps.clock(), deps.links)


@router.post("/sessions/{session_id}/cancel", tags=["sessions"], responses=_REFUSALS)
async def cancel_session(
    session_id: str,
    _member: Coordinator,
    deps: DepsDep,
    request: CancelSessionRequest | None = None,
) -> Any:
    """Cancel a session (forum coordinator); everyone booked on it is told."""
    reason = request.reason if request is not None else ""
    try:
        ended = await usecases.cancel_session(deps, session_id, reason)
    except BookingRefusedError as refused:
        return refusal_response(refused)
    return SessionCancelled(
        id=session_id, status=SessionStatus.CANCELLED.value, bookings_ended=ended
    )


@router.get("/sessions/{session_id}/bookings", tags=["sessions"], responses={404: {}})
async def list_bookings(session_id: str, _member: Coordinator, deps: DepsDep) -> StaffBookingList:
    """A session's bookings in arrival order (forum coordinator)."""
    await _session(deps, session_id)
    found = await usecases.session_bookings(deps, session_id)
    return StaffBookingList(session_id=session_id, bookings=[staff_booking_view(b) for b in found])


@router.put("/sessions/{session_id}/attendance", tags=["attendance"], responses=_REFUSALS)
async def mark_attendance(
    session_id: str, request: AttendanceRequest, _member: Coordinator, deps: DepsDep
) -> Any:
    """Record who came (forum coordinator): the listed confirmed bookings; others no-shows."""
    try:
        await usecases.mark_attendance(deps, session_id, request.attended)
    except BookingRefusedError as refused:
        return refusal_response(refused)
    except UnknownBookingsError as unknown:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            # A few of them: enough to find the mistake, not the whole list sent back.
            "attended names bookings that are not confirmed bookings of this session: "
            + ", ".join(unknown.booking_ids[:_UNKNOWN_SHOWN])
            + (", …" if len(unknown.booking_ids) > _UNKNOWN_SHOWN else ""),
        ) from unknown
    report = attendance_report_view(*await usecases.attendance(deps))
    return next(row for row in report.sessions if row.session_id == session_id)


@router.get("/reports/attendance", tags=["attendance"])
async def get_attendance_report(_member: Coordinator, deps: DepsDep) -> AttendanceReport:
    """Attendance and no-shows per session that has begun, and per kind (coordinator)."""
    return attendance_report_view(*await usecases.attendance(deps))


def _check_link(*checks: LinkCheck) -> None:
    """Go on if one of the tokens works; else 410 if one has expired, else 403."""
    # The token first: without it, nobody learns whether a booking exists.
    if LinkCheck.VALID in checks:
        return
    if LinkCheck.EXPIRED in checks:
        raise HTTPException(status.HTTP_410_GONE, _EXPIRED_TOKEN)
    raise HTTPException(status.HTTP_403_FORBIDDEN, _BAD_TOKEN)


async def _booking_view(deps: Deps, booking_id: str) -> BookingView:
    loaded = await usecases.find_booking(deps, booking_id)
    if loaded is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, API_REFUSALS[Refusal.BOOKING_NOT_FOUND])
    booking, found = loaded
    return booking_view(booking, found, deps.clock(), deps.links)


async def _act(
    deps: Deps, action: Callable[[Deps, str], Awaitable[object]], booking_id: str
) -> Any:
    try:
        await action(deps, booking_id)
    except BookingRefusedError as refused:
        return refusal_response(refused)
    return await _booking_view(deps, booking_id)


@router.get("/bookings/{booking_id}", tags=["bookings"], responses={403: {}, 404: {}})
async def get_booking(booking_id: str, token: TokenParameter, deps: DepsDep) -> BookingView:
    """A booking, with the token from its cancel link."""
    links = deps.links
    _check_link(links.cancel_link(booking_id, token), links.accept_link(booking_id, token))
    return await _booking_view(deps, booking_id)


@router.post("/bookings/{booking_id}/cancel", tags=["bookings"], responses=_REFUSALS)
async def cancel_booking(booking_id: str, token: TokenParameter, deps: DepsDep) -> Any:
    """Cancel a booking, leave the waitlist or decline a seat, with the cancel token."""
    _check_link(deps.links.cancel_link(booking_id, token))
    return await _act(deps, usecases.cancel_booking, booking_id)


@router.post("/bookings/{booking_id}/accept", tags=["bookings"], responses=_REFUSALS)
async def accept_seat(booking_id: str, token: TokenParameter, deps: DepsDep) -> Any:
    """Take the seat offered to this booking, with the token from the offer's e-mail."""
    _check_link(deps.links.accept_link(booking_id, token))
    return await _act(deps, usecases.accept_offer, booking_id)


@router.post(
    "/sessions/{session_id}/bookings",
    status_code=status.HTTP_201_CREATED,
    tags=["bookings"],
    response_model_exclude_none=True,
    responses={
        200: {"description": "this person's existing booking of the session"},
        201: {"description": "a new booking: confirmed, or waitlisted when the session is full"},
        422: {
            "description": (
                "a field is invalid, application_id is missing, or forum knows no decision on "
                "the application it names (unknown_application)"
            )
        },
        429: {"description": "too many bookings from this address or e-mail address"},
        **_REFUSALS,
    },
)
async def book(
    session_id: str,
    request: BookingRequest,
    response: Response,
    limit: BookingLimit,
    deps: DepsDep,
) -> Any:
    """Book a seat; the same e-mail address booking again gets its existing booking."""
    await limit.by_email(request.email)
    try:
        outcome = await usecases.book(deps, session_id, request)
    except BookingRefusedError as refused:
        return refusal_response(refused)
    result = BookingResult(
        id=outcome.booking_id, status=outcome.status.value, position=outcome.position
    )
    booked = await usecases.find_session(deps, session_id) if outcome.created else None
    if booked is not None:
        # Only the request that made the booking learns its links: anyone can send an
        # address, so a repeat must not hand over someone else's cancel link.
        result.booking_url = deps.links.cancel_url(outcome.booking_id, booked, request.language)
        result.cancel_url = result.booking_url
        result.calendar_url = deps.links.calendar_url(outcome.booking_id, booked)
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return result
