"""forum's calendar files: the feed of upcoming sessions, and a confirmed booking's dates."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.responses import Response

from digitalwell_forum import usecases
from digitalwell_forum.calendar import sessions_feed
from digitalwell_forum.deps import DepsDep
from digitalwell_forum.domain import BookingStatus
from digitalwell_forum.pages.rendering import TokenParameter
from digitalwell_forum.records import session_summary
from digitalwell_shared.calendar import ICS_MEDIA_TYPE, booking_calendar
from digitalwell_shared.links import LinkCheck

router = APIRouter(include_in_schema=False)


@router.get("/calendar.ics")
async def feed(deps: DepsDep) -> Response:
    """Every upcoming session as a calendar that programs can subscribe to."""
    upcoming = await usecases.upcoming_sessions(deps)
    ics = sessions_feed(upcoming, domain=deps.calendar_domain, base_url=deps.links.base_url)
    return Response(
        ics,
        media_type=ICS_MEDIA_TYPE,
        headers={"Content-Disposition": 'inline; filename="digitalwell.ics"'},
    )


@router.get("/bookings/{booking_id}.ics")
async def booking_ics(booking_id: str, deps: DepsDep, token: TokenParameter = "") -> Response:
    """The booking's calendar file, while the booking holds a seat."""
    check = deps.links.calendar_link(booking_id, token)
    if check is LinkCheck.EXPIRED:
        return Response("The link has expired.", status_code=status.HTTP_410_GONE)
    if check is not LinkCheck.VALID:
        return Response("The link is not valid.", status_code=status.HTTP_403_FORBIDDEN)
    loaded = await usecases.find_booking(deps, booking_id)
    if loaded is None or loaded[0].status is not BookingStatus.CONFIRMED:
        return Response("No confirmed booking.", status_code=status.HTTP_404_NOT_FOUND)
    booking, found = loaded
    ics = booking_calendar(
        booking.id,
        session_summary(found),
        domain=deps.calendar_domain,
        url=deps.links.session_page_url(found.id),
        description=found.description,
    )
    return Response(
        ics,
        media_type=ICS_MEDIA_TYPE,
        headers={
            "Content-Disposition": 'attachment; filename="digitalwell.ics"',
            "Cache-Control": "no-store",
        },
    )
