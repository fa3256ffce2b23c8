"""forum's HTTP routes: whether an application may book an Innovation Forum workshop."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from digitalwell_forum.store import EligibilityStore


class Eligibility(BaseModel):
    """Whether an application may book an Innovation Forum workshop."""

    application_id: str
    innovation_forum: bool


def create_router(store: EligibilityStore) -> APIRouter:
    """The eligibility route, bound to forum's store."""
    router = APIRouter(prefix="/api/v1", tags=["eligibility"])

    @router.get("/eligibility/{application_id}", summary="May this application book a workshop?")
    async def get_eligibility(application_id: str) -> Eligibility:
        grant = await store.get(application_id)
        return Eligibility(
            application_id=application_id,
            innovation_forum=bool(grant and grant["innovation_forum"]),
        )

    return router
