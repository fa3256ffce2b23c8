"""council's HTTP routes: the case list and one case, read-only until staff sign-in arrives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from digitalwell_council.domain import CaseStatus
from digitalwell_council.store import CaseStore
from digitalwell_shared.mongo import Document


class CaseSummary(BaseModel):
    """A case as the queue lists it; no personal data."""

    id: str
    application_id: str
    status: CaseStatus
    title: str
    opened_at: datetime
    submitted_at: datetime


class CaseList(BaseModel):
    """Cases, newest first."""

    cases: list[CaseSummary]


def _summary(case: Document) -> CaseSummary:
    return CaseSummary(
        id=case["_id"],
        application_id=case["application_id"],
        status=CaseStatus(case["status"]),
        title=case["application"]["title"],
        opened_at=case["opened_at"],
        submitted_at=case["submitted_at"],
    )


def create_router(store: CaseStore) -> APIRouter:
    """The case routes, bound to the case store."""
    router = APIRouter(prefix="/api/v1", tags=["cases"])

    @router.get("/cases", summary="List cases")
    async def list_cases(
        status: CaseStatus | None = None,
        application_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> CaseList:
        cases = await store.list(status=status, application_id=application_id, limit=limit)
        return CaseList(cases=[_summary(case) for case in cases])

    @router.get(
        "/cases/{case_id}", summary="One case", responses={404: {"description": "no such case"}}
    )
    async def get_case(case_id: Annotated[str, Field(max_length=100)]) -> CaseSummary:
        case = await store.by_id(case_id)
        if case is None:
            raise HTTPException(404, f"no case with id {case_id!r}")
        return _summary(case)

    return router
