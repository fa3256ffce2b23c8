"""council's JSON API for staff: the queue, a case, scores, conflicts, the decision and reports."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from fastapi import status as http

from digitalwell_council import usecases
from digitalwell_council.domain import CaseRefusal, CaseStatus, ConflictOfInterest
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
from digitalwell_council.reporting import Period, ReportRow, report_csv
from digitalwell_council.store import CaseStore
from digitalwell_council.usecases import EventCommitter, member_key
from digitalwell_council.views import case_summary, meeting, read_case
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


def refusal(refused: CaseRefusal) -> HTTPException:
    """403 for a member with a conflict of interest, 409 for a move the case's state forbids."""
    code = (
        http.HTTP_403_FORBIDDEN
        if isinstance(refused, ConflictOfInterest)
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


def create_router(
    committer: EventCommitter, store: CaseStore, members: tuple[str, ...], quorum: int
) -> APIRouter:
    """The staff API under /api/v1, every route behind a bearer token."""
    cases = _Cases(committer, store, members, quorum)
    router = APIRouter(prefix="/api/v1")
    router.include_router(_case_routes(cases), tags=["cases"])
    router.include_router(_report_routes(store), tags=["reports"])
    return router


@dataclass(frozen=True)
class _Cases:
    """What the case routes share."""

    committer: EventCommitter
    store: CaseStore
    members: tuple[str, ...]
    quorum: int

    async def detail(self, case_id: str, viewer: StaffMember) -> CaseDetail:
        """The case as ``viewer`` may see it; 404 when there is none."""
        case = await read_case(
            self.store,
            case_id,
            viewer=member_key(viewer),
            chair=Role.COUNCIL_CHAIR in viewer.roles,
            configured_members=self.members,
            required=self.quorum,
        )
        if case is None:
            raise not_found(case_id)
        return case

    async def act(self, case_id: str, viewer: StaffMember, action: Awaitable[object]) -> CaseDetail:
        """Run a use case on the case, turning its refusals into 403, 404 or 409."""
        try:
            await action
        except usecases.CaseNotFound as missing:
            raise not_found(case_id) from missing
        except CaseRefusal as refused:
            raise refusal(refused) from refused
        return await self.detail(case_id, viewer)


def _case_routes(cases: _Cases) -> APIRouter:
    router = APIRouter()

    @router.get("/cases", summary="The queue of cases", responses=_REFUSALS)
    async def list_cases(
        _viewer: CouncilStaff,
        status: CaseStatus | None = None,
        application_id: Annotated[str | None, Query(max_length=CASE_ID_MAX)] = None,
        sort: Annotated[str, Query(pattern="^(oldest|newest)$")] = "oldest",
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> CaseList:
        found = await cases.store.queue(
            status=status,
            application_id=application_id,
            oldest_first=sort == "oldest",
            limit=limit,
        )
        now = datetime.now(UTC)
        return CaseList(cases=[case_summary(case, now) for case in found])

    @router.get(
        "/cases/{case_id}",
        summary="One case: the application, scores (unless you declared a conflict), audit trail",
        responses=_REFUSALS,
    )
    async def get_case(case_id: CaseId, viewer: CouncilStaff) -> CaseDetail:
        return await cases.detail(case_id, viewer)

    @router.post(
        "/cases/{case_id}/scores",
        summary="Score the case on some or all criteria (the latest score per criterion counts)",
        responses={
            **_REFUSALS,
            409: {"description": "the case is decided or withdrawn"},
            422: {"description": "a score outside 1-5, an unknown criterion, a blank comment"},
        },
    )
    async def score_case(
        case_id: CaseId, scoring: ScoringRequest, scorer: CouncilMember
    ) -> CaseDetail:
        scores = [(score.criterion, score.score, score.comment) for score in scoring.scores]
        return await cases.act(
            case_id,
            scorer,
            usecases.score_case(cases.committer, cases.store, case_id, scorer, scores),
        )

    @router.post(
        "/cases/{case_id}/conflicts",
        status_code=http.HTTP_201_CREATED,
        summary="Declare your conflict of interest on the case (send confirm: true)",
        responses={
            **_REFUSALS,
            409: {"description": "already declared, or the case is closed"},
            422: {"description": "confirm is not true, or the note is too long"},
        },
    )
    async def declare_conflict(
        case_id: CaseId, declarer: CouncilStaff, declaration: ConflictRequest
    ) -> CaseDetail:
        reason = declaration.reason.strip()
        return await cases.act(
            case_id,
            declarer,
            usecases.declare_conflict(cases.committer, cases.store, case_id, declarer, reason),
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
    )
    async def decide_case(
        case_id: CaseId, decision: DecisionRequest, decider: CouncilChair
    ) -> CaseDetail:
        return await cases.act(
            case_id,
            decider,
            usecases.decide_case(
                cases.committer,
                cases.store,
                case_id,
                required=cases.quorum,
                chair=decider,
                decision=decision.decision,
                support_granted=[
                    (support.kind, support.note) for support in decision.support_granted
                ],
                motivation=decision.motivation,
            ),
        )

    @router.get(
        "/meeting",
        summary="The council's meeting: cases ready for decision, with means and spread",
        responses=_REFUSALS,
    )
    async def get_meeting(viewer: CouncilChair) -> Meeting:
        return await meeting(cases.store, viewer=member_key(viewer), required=cases.quorum)

    return router


def _report_routes(store: CaseStore) -> APIRouter:
    router = APIRouter()

    @router.get("/reports", summary="The programme's figures per month or year")
    async def get_report(_reader: ReportReader, period: Period = Period.MONTH) -> Report:
        rows = await usecases.report(store, period)
        return Report(period=period, time_zone=str(PROGRAMME_TIME_ZONE), rows=report_rows(rows))

    @router.get(
        "/reports.csv",
        summary="The same figures as CSV",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def get_report_csv(_reader: ReportReader, period: Period = Period.MONTH) -> Response:
        return csv_response(await usecases.report(store, period), period)

    return router
