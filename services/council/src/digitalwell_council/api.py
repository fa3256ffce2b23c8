"""council's JSON API for staff: the queue, a case, scores, conflicts, the decision and reports."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi import status as http

from digitalwell_council import usecases
from digitalwell_council.deps import Deps, DepsDep
from digitalwell_council.domain import CaseRefusalError, CaseStatus, ConflictOfInterestError
from digitalwell_council.models import (
    CaseDetail,
    CaseList,
    ConflictRequest,
    DecisionRequest,
    Meeting,
    Report,
    ReportRowOut,
    ScoringRequest,
)
from digitalwell_council.records import GivenScore, Support
from digitalwell_council.reporting import Period, ReportRow, report_csv
from digitalwell_council.usecases import member_key
from digitalwell_council.views import case_summary, case_view, meeting
from digitalwell_shared.http_guard import excerpt
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE
from digitalwell_shared.staff import Role, StaffMember, staff_api

CASE_ID_MAX = 100
CaseId = Annotated[str, Path(max_length=CASE_ID_MAX, description="the case's id")]
# Who does what: members and the chair read and assess; only the chair decides; the
# administrator may read the programme's figures, which hold no personal data.
COUNCIL = (Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR)
REPORT_READERS = (*COUNCIL, Role.ADMINISTRATOR)
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"

CouncilStaff = Annotated[StaffMember, Depends(staff_api(*COUNCIL))]
CouncilMember = Annotated[StaffMember, Depends(staff_api(Role.COUNCIL_MEMBER))]
CouncilChair = Annotated[StaffMember, Depends(staff_api(Role.COUNCIL_CHAIR))]
ReportReader = Annotated[StaffMember, Depends(staff_api(*REPORT_READERS))]

_REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "not your role, or you declared a conflict of interest on the case"},
    404: {"description": "no case has this id"},
}


def not_found(case_id: str) -> HTTPException:
    """The 404 for an unknown case id."""
    return HTTPException(http.HTTP_404_NOT_FOUND, f"No case has the id {excerpt(case_id)!r}")


def refusal(refused: CaseRefusalError) -> HTTPException:
    """403 for a member with a conflict of interest, 409 for a move the case's state forbids."""
    code = (
        http.HTTP_403_FORBIDDEN
        if isinstance(refused, ConflictOfInterestError)
        else http.HTTP_409_CONFLICT
    )
    return HTTPException(code, str(refused)[:1].upper() + str(refused)[1:])


def report_rows(rows: list[ReportRow]) -> list[ReportRowOut]:
    """Report rows in the API's shape."""
    return [ReportRowOut.model_validate(row, from_attributes=True) for row in rows]


def csv_response(rows: list[ReportRow], period: Period) -> Response:
    """The report as a CSV download."""
    return Response(
        report_csv(rows),
        media_type=CSV_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="council-report-{period.value}.csv"',
            "Cache-Control": "no-store",
        },
    )


router = APIRouter(prefix="/api/v1")


async def _detail(deps: Deps, case_id: str, viewer: StaffMember) -> CaseDetail:
    """The case as ``viewer`` may see it; 404 when there is none."""
    file = await usecases.case_file(deps, case_id)
    if file is None:
        raise not_found(case_id)
    return case_view(
        file,
        viewer=member_key(viewer),
        chair=Role.COUNCIL_CHAIR in viewer.roles,
        required=deps.quorum,
        now=deps.clock(),
    )


async def _act(
    deps: Deps, case_id: str, viewer: StaffMember, action: Awaitable[object]
) -> CaseDetail:
    """Run a use case on the case, turning its refusals into 403, 404 or 409."""
    try:
        await action
    except usecases.CaseNotFoundError as missing:
        raise not_found(case_id) from missing
    except CaseRefusalError as refused:
        raise refusal(refused) from refused
    return await _detail(deps, case_id, viewer)


# -- cases ----------------------------------------------------------------------------------------


@router.get("/cases", summary="The queue of cases", responses=_REFUSALS, tags=["cases"])
async def list_cases(
    deps: DepsDep,
    _viewer: CouncilStaff,
    status: CaseStatus | None = None,
    application_id: Annotated[str | None, Query(max_length=CASE_ID_MAX)] = None,
    sort: Annotated[str, Query(pattern="^(oldest|newest)$")] = "oldest",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CaseList:
    """The queue: cases by age, optionally of one status or one application."""
    found = await usecases.queue(
        deps,
        status=status,
        application_id=application_id,
        oldest_first=sort == "oldest",
        limit=limit,
    )
    now = deps.clock()
    return CaseList(cases=[case_summary(case, now) for case in found])


@router.get(
    "/cases/{case_id}",
    summary="One case: the application, scores (unless you declared a conflict), audit trail",
    responses=_REFUSALS,
    tags=["cases"],
)
async def get_case(deps: DepsDep, case_id: CaseId, viewer: CouncilStaff) -> CaseDetail:
    """One case as the caller may see it (independent assessment, conflicts of interest)."""
    return await _detail(deps, case_id, viewer)


@router.post(
    "/cases/{case_id}/scores",
    summary="Score the case on some or all criteria (the latest score per criterion counts)",
    responses={
        **_REFUSALS,
        409: {"description": "the case is decided or withdrawn"},
        422: {"description": "a score outside 1-5, an unknown criterion, a blank comment"},
    },
    tags=["cases"],
)
async def score_case(
    deps: DepsDep, case_id: CaseId, scoring: ScoringRequest, scorer: CouncilMember
) -> CaseDetail:
    """A council member's scores; the case as they may see it now."""
    scores = [
        GivenScore(criterion=score.criterion, score=score.score, comment=score.comment)
        for score in scoring.scores
    ]
    return await _act(deps, case_id, scorer, usecases.score_case(deps, case_id, scorer, scores))


@router.post(
    "/cases/{case_id}/conflicts",
    status_code=http.HTTP_201_CREATED,
    summary="Declare your conflict of interest on the case (send confirm: true)",
    responses={
        **_REFUSALS,
        409: {"description": "already declared, or the case is closed"},
        422: {"description": "confirm is not true, or the note is too long"},
    },
    tags=["cases"],
)
async def declare_conflict(
    deps: DepsDep, case_id: CaseId, declarer: CouncilStaff, declaration: ConflictRequest
) -> CaseDetail:
    """A council member's or the chair's conflict of interest on the case."""
    reason = declaration.reason.strip()
    return await _act(
        deps, case_id, declarer, usecases.declare_conflict(deps, case_id, declarer, reason)
    )


@router.post(
    "/cases/{case_id}/decision",
    status_code=http.HTTP_201_CREATED,
    summary="Record the chair's decision; GrantDecided goes out",
    responses={
        **_REFUSALS,
        409: {
            "description": (
                "already decided, withdrawn, or short of the quorum (the message says how "
                "many full assessments are missing and who has criteria left)"
            )
        },
        422: {"description": "a missing motivation, an unknown or misplaced kind of support"},
    },
    tags=["cases"],
)
async def decide_case(
    deps: DepsDep, case_id: CaseId, decision: DecisionRequest, decider: CouncilChair
) -> CaseDetail:
    """The chair's decision, recorded and announced as GrantDecided in one transaction."""
    deciding = usecases.decide_case(
        deps,
        case_id,
        chair=decider,
        decision=decision.decision,
        support_granted=[
            Support(kind=support.kind, note=support.note) for support in decision.support_granted
        ],
        motivation=decision.motivation,
    )
    return await _act(deps, case_id, decider, deciding)


@router.get(
    "/meeting",
    summary="The council's meeting: cases ready for decision, with means and spread",
    responses=_REFUSALS,
    tags=["cases"],
)
async def get_meeting(deps: DepsDep, viewer: CouncilChair) -> Meeting:
    """The cases that reached the quorum and await the chair's decision."""
    return meeting(
        await usecases.cases_under_assessment(deps),
        viewer=member_key(viewer),
        required=deps.quorum,
        now=deps.clock(),
    )


# -- reports --------------------------------------------------------------------------------------


@router.get("/reports", summary="The programme's figures per month or year", tags=["reports"])
async def get_report(deps: DepsDep, _reader: ReportReader, period: Period = Period.MONTH) -> Report:
    """Received, withdrawn, decided and granted by kind, per month or year."""
    rows = await usecases.report(deps, period)
    return Report(period=period, time_zone=str(PROGRAMME_TIME_ZONE), rows=report_rows(rows))


@router.get(
    "/reports.csv",
    summary="The same figures as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    tags=["reports"],
)
async def get_report_csv(
    deps: DepsDep, _reader: ReportReader, period: Period = Period.MONTH
) -> Response:
    """The report as CSV for Excel with Swedish settings."""
    return csv_response(await usecases.report(deps, period), period)
