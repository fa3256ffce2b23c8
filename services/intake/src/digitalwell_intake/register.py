"""The officer's register of applications: the list as JSON and as a staff page.

For intake officers and administrators: every application as registered, newest first,
optionally of one status.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from digitalwell_intake.deps import DepsDep
from digitalwell_intake.domain import ApplicationStatus
from digitalwell_intake.models import RegisteredApplication
from digitalwell_intake.pages.rendering import staff_page
from digitalwell_intake.usecases.applications import registered_applications
from digitalwell_intake.views import registered
from digitalwell_shared.staff import Role, StaffMember, staff_api
from digitalwell_shared.staff import staff_page as staff_page_guard

REGISTER_ROLES = (Role.INTAKE_OFFICER, Role.ADMINISTRATOR)
_PAGE_LIMIT = 200
RegistrarApi = Annotated[StaffMember, Depends(staff_api(*REGISTER_ROLES))]
RegistrarPage = Annotated[StaffMember, Depends(staff_page_guard(*REGISTER_ROLES))]

api_router = APIRouter(prefix="/api/v1", tags=["staff"])
page_router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


@api_router.get("/applications", summary="The register of applications (intake officers)")
async def register(
    _officer: RegistrarApi,
    deps: DepsDep,
    status: ApplicationStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[RegisteredApplication]:
    """The register, newest first, optionally of one status."""
    return [registered(found) for found in await registered_applications(deps, status, limit)]


@page_router.get("/staff/applications")
async def register_page(
    request: Request,
    member: RegistrarPage,
    deps: DepsDep,
    status: ApplicationStatus | None = None,
) -> Response:
    """The register as a page: the newest 200, optionally of one status."""
    found = await registered_applications(deps, status, _PAGE_LIMIT)
    return staff_page(
        request,
        "staff/applications.html",
        {
            "member": member,
            "applications": [registered(application) for application in found],
            "status": status.value if status else "",
            "statuses": [choice.value for choice in ApplicationStatus],
        },
    )
