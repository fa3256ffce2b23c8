"""intake's JSON API for applicants: submit an application, read its status, withdraw it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Response, status
from fastapi.exceptions import RequestValidationError

from digitalwell_intake.deps import DepsDep, WebDep
from digitalwell_intake.domain import ApplicationStatus, IllegalMoveError, withdraw_token_is_valid
from digitalwell_intake.models import (
    ApplicationRequest,
    ApplicationStatusView,
    SubmissionResult,
    WithdrawRequest,
)
from digitalwell_intake.usecases import applications
from digitalwell_intake.views import Links, status_view
from digitalwell_shared.contracts import Language
from digitalwell_shared.http_guard import excerpt
from digitalwell_shared.throttle import RequestLimit, throttled

# Visible ASCII, as the Idempotency-Key draft's examples use: room for a UUID or a hash.
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")
_TOKEN_MAX = 200
_NOT_FOUND = "No application has this id; check the id or link in your receipt"


def _not_found_detail(application_id: str) -> str:
    """The 404 message for an unknown application id."""
    return f"{_NOT_FOUND} ({excerpt(application_id)!r})"


def _conflict_detail(refused: IllegalMoveError) -> str:
    """The 409 message for a withdrawal that comes too late."""
    if refused.current is ApplicationStatus.WITHDRAWN:
        return "The application is already withdrawn"
    return (
        f"The application is already {refused.current.value}: "
        "a decided application cannot be withdrawn"
    )


def _idempotency_key_error(kind: str, message: str, key: str | None) -> RequestValidationError:
    """A 422 in FastAPI's usual shape, naming the header."""
    return RequestValidationError(
        [{"loc": ("header", "Idempotency-Key"), "msg": message, "type": kind, "input": key}]
    )


def _idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="repeat a request with the same key to get the same application",
        ),
    ] = None,
) -> str | None:
    if idempotency_key is not None and not _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise _idempotency_key_error(
            "idempotency_key_invalid",
            "Idempotency-Key must be 1 to 200 visible ASCII characters, such as a UUID",
            idempotency_key,
        )
    return idempotency_key


IdempotencyKey = Annotated[str | None, Depends(_idempotency_key)]
# One count for the API and the form: both submit applications.
ApplicationLimit = Annotated[RequestLimit, Depends(throttled("applications"))]


def _submission_result(
    links: Links, submission: applications.Submission, language: Language
) -> SubmissionResult:
    application_id = submission.application_id
    result = SubmissionResult(
        id=application_id,
        status_url=links.status_url(application_id),
        status_page_url=links.status_page_url(application_id),
    )
    if submission.same_request:
        result.withdraw_url = links.withdraw_url(application_id)
        result.withdraw_page_url = links.withdraw_page_url(application_id, language)
    return result


router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post(
    "/applications",
    status_code=status.HTTP_201_CREATED,
    summary="Submit an application",
    responses={
        200: {"description": "a repeat of an earlier submission: the first application"},
        201: {"description": "a new application; Location is its status URL"},
        422: {"description": "a field is invalid, or an Idempotency-Key was reused"},
        429: {"description": "too many applications from this address or e-mail address"},
    },
)
async def submit_application(
    application: ApplicationRequest,
    response: Response,
    *,
    idempotency_key: IdempotencyKey,
    limit: ApplicationLimit,
    deps: DepsDep,
    web: WebDep,
) -> SubmissionResult:
    """A new application (201), or the first one this request repeats (200)."""
    await limit.by_email(application.contact.email)
    try:
        submission = await applications.submit_application(
            deps, application, idempotency_key=idempotency_key
        )
    except applications.IdempotencyKeyReusedError as reused:
        raise _idempotency_key_error(
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different application; "
            "use a new key for a new application",
            idempotency_key,
        ) from reused
    response.status_code = status.HTTP_201_CREATED if submission.created else status.HTTP_200_OK
    response.headers["Location"] = web.links.status_url(submission.application_id)
    return _submission_result(web.links, submission, application.contact.language)


@router.get(
    "/applications/{application_id}",
    summary="An application's status and timeline",
    response_model_exclude_none=True,
    responses={404: {"description": "no application has this id"}},
)
async def get_application(application_id: str, deps: DepsDep, web: WebDep) -> ApplicationStatusView:
    """The status and timeline anyone with the id may see."""
    application = await applications.find_application(deps, application_id)
    if application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _not_found_detail(application_id))
    return status_view(application, web.links)


@router.post(
    "/applications/{application_id}/withdraw",
    summary="Withdraw an application",
    response_model_exclude_none=True,
    responses={
        403: {"description": "the token is not this application's"},
        404: {"description": "no application has this id"},
        409: {"description": "the application is already withdrawn or decided"},
    },
)
async def withdraw_application(
    application_id: str,
    token: Annotated[
        str,
        Query(max_length=_TOKEN_MAX, description="the token from the application's withdraw_url"),
    ],
    deps: DepsDep,
    web: WebDep,
    withdrawal: Annotated[WithdrawRequest | None, Body()] = None,
) -> ApplicationStatusView:
    """Withdraw the application the token is for; its status now."""
    # The token first: without it, nobody learns whether an id exists.
    if not withdraw_token_is_valid(web.links.link_secret, application_id, token):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "The withdrawal token is not valid for this application"
        )
    reason = withdrawal.reason if withdrawal is not None else ""
    try:
        await applications.withdraw_application(deps, application_id, reason)
    except applications.ApplicationNotFoundError as missing:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, _not_found_detail(application_id)
        ) from missing
    except IllegalMoveError as refused:
        raise HTTPException(status.HTTP_409_CONFLICT, _conflict_detail(refused)) from refused
    # The status as stored, as a later GET shows it (the database keeps times to the ms).
    application = await applications.find_application(deps, application_id)
    if application is None:  # withdrawn a moment ago: only a dropped database gets here
        raise HTTPException(status.HTTP_404_NOT_FOUND, _not_found_detail(application_id))
    return status_view(application, web.links)
