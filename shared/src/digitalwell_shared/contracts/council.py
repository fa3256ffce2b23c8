"""Events that council publishes."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from digitalwell_shared.contracts.base import CE_TYPE_PREFIX, IntegrationEvent
from digitalwell_shared.contracts.common import AwareDatetime, SupportKind


class Decision(StrEnum):
    """What the Innovation Council decided."""

    GRANTED = "granted"
    REJECTED = "rejected"


class SupportGranted(BaseModel):
    """One kind of support granted, with the council's note on it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: SupportKind
    note: str = Field("", description="what the support consists of")


class GrantDecided(IntegrationEvent):
    """The Innovation Council decided an application."""

    topic: ClassVar[str] = "council.grant-decided.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.council.GrantDecided.v1"

    application_id: str = Field(description="the decided application")
    case_number: str = Field(description="the application's registration number, e.g. DW-2026-0042")
    decision: Decision
    support_granted: list[SupportGranted] = Field(
        default_factory=list, description="empty when rejected"
    )
    motivation: str = Field(description="the reasons, written to the applicant")
    decided_at: AwareDatetime = Field(description="when the chair recorded the decision")
    decided_by: str = Field(description="name of the council chair who took the decision")
    assessed_by: list[str] = Field(
        default_factory=list,
        description="names of the council members who assessed the case (none with a conflict)",
    )
