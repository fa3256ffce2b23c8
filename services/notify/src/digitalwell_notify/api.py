"""notify's JSON API under /api/v1: the delivery log and resend, for signed-in staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi import status as http

from digitalwell_notify import usecases
from digitalwell_notify.deps import DepsDep
from digitalwell_notify.domain import DELIVERY_LOG_ROLES, DeliveryStatus, LogAccess
from digitalwell_notify.models import EmailDetail, EmailList, EmailSummary, LogFilters
from digitalwell_shared.staff import StaffMember, staff_api

_ID_MAX = 64
# Module-level, so a route's parameter and its router's guard are one dependency, run once.
_api_staff = staff_api(*DELIVERY_LOG_ROLES)
ApiStaff = Annotated[StaffMember, Depends(_api_staff)]
EmailId = Annotated[str, Path(max_length=_ID_MAX)]

router = APIRouter(
    prefix="/api/v1",
    tags=["delivery log"],
    dependencies=[Depends(_api_staff)],
    responses={401: {"description": "not signed in"}, 403: {"description": "not your role"}},
)


def _not_found(email_id: str) -> HTTPException:
    return HTTPException(http.HTTP_404_NOT_FOUND, f"No e-mail has the id {email_id!r}")


def _not_failed(email_id: str, current: DeliveryStatus) -> HTTPException:
    return HTTPException(
        http.HTTP_409_CONFLICT,
        f"E-mail {email_id!r} is {current.value}: only a failed e-mail can be sent again",
    )


@router.get("/emails", summary="The delivery log, newest first: your area's e-mails")
async def list_emails(
    deps: DepsDep, staff: ApiStaff, filters: Annotated[LogFilters, Query()]
) -> EmailList:
    """The e-mails of your area that match the filters."""
    access = LogAccess.of(staff.roles)
    found = await usecases.delivery_log(deps, access, **filters.model_dump())
    return EmailList(emails=[EmailSummary.of(email, access) for email in found])


@router.get(
    "/emails/{email_id}",
    summary="One e-mail; its text (links masked) for administrators",
    responses={404: {"description": "no e-mail of your area has this id"}},
)
async def get_email(deps: DepsDep, staff: ApiStaff, email_id: EmailId) -> EmailDetail:
    """One e-mail of your area, with what your role may see of it."""
    access = LogAccess.of(staff.roles)
    try:
        email = await usecases.get_email(deps, email_id, access)
    except usecases.EmailNotFoundError as missing:
        raise _not_found(email_id) from missing
    return EmailDetail.of(email, access)


@router.post(
    "/emails/{email_id}/resend",
    status_code=http.HTTP_202_ACCEPTED,
    summary="Send a failed e-mail of your area again",
    responses={
        202: {"description": "queued again, due now; its attempts are kept"},
        404: {"description": "no e-mail of your area has this id"},
        409: {"description": "the e-mail is pending or sent, not failed"},
    },
)
async def resend_email(deps: DepsDep, staff: ApiStaff, email_id: EmailId) -> EmailSummary:
    """Queue a failed e-mail again; the delivery worker sends it within seconds."""
    access = LogAccess.of(staff.roles)
    try:
        resent = await usecases.resend_email(deps, email_id, access)
    except usecases.EmailNotFoundError as missing:
        raise _not_found(email_id) from missing
    except usecases.EmailNotFailedError as refused:
        raise _not_failed(email_id, refused.status) from refused
    return EmailSummary.of(resent, access)
