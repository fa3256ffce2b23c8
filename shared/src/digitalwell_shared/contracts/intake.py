"""Events that intake publishes."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from digitalwell_shared.contracts.base import CE_TYPE_PREFIX, IntegrationEvent
from digitalwell_shared.contracts.common import AwareDatetime, Contact, Organisation, SupportKind


class Stage(StrEnum):
    """How far the applicant's idea has come."""

    IDEA = "idea"
    PROTOTYPE = "prototype"
    PILOT = "pilot"
    ON_MARKET = "on_market"


class ApplicationSubmitted(IntegrationEvent):
    """An applicant submitted an application for support."""

    topic: ClassVar[str] = "intake.application-submitted.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.intake.ApplicationSubmitted.v1"

    application_id: str = Field(description="the application's id, assigned by intake")
    case_number: str = Field(
        description="the registration number in the programme's series, e.g. DW-2026-0042"
    )
    submitted_at: AwareDatetime = Field(description="when intake accepted the application")
    organisation: Organisation
    contact: Contact
    title: str = Field(description="short name of the idea or service")
    summary: str = Field(description="what the service is, in a few sentences")
    need: str = Field(description="the need it meets and who benefits")
    target_groups: list[str] = Field(description="the groups of people it is for")
    stage: Stage
    business_model: str = Field(description="how the service is to be paid for")
    public_sector_partners: list[str] = Field(
        description="public-sector organisations already involved"
    )
    support_requested: list[SupportKind] = Field(
        min_length=1, description="the kinds of support asked for"
    )


class ApplicationWithdrawn(IntegrationEvent):
    """The applicant withdrew an application."""

    topic: ClassVar[str] = "intake.application-withdrawn.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.intake.ApplicationWithdrawn.v1"

    application_id: str = Field(description="the withdrawn application")
    withdrawn_at: AwareDatetime = Field(description="when the applicant withdrew it")
    reason: str = Field("", description="the applicant's reason, if given")
    case_number: str | None = Field(
        None,
        description=(
            "the application's registration number, e.g. DW-2026-0042 (absent in events "
            "written before it was added)"
        ),
    )


class SessionEndReason(StrEnum):
    """Why intake ended a person's staff sessions."""

    SIGNED_OUT = "signed_out"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a reason, not a password
    ACCOUNT_DISABLED = "account_disabled"
    ROLES_CHANGED = "roles_changed"


class StaffSessionRevoked(IntegrationEvent):
    """intake ended a staff member's session(s): every service refuses their tokens from now on."""

    topic: ClassVar[str] = "intake.staff-session-revoked.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.intake.StaffSessionRevoked.v1"
    key_field: ClassVar[str] = "staff_id"

    staff_id: str = Field(description="the staff account whose sessions end (the token's sub)")
    session_id: str | None = Field(
        None,
        description=(
            "the one session that ends (the token's sid); null ends every session of the person "
            "that began before revoked_at"
        ),
    )
    reason: SessionEndReason
    revoked_at: AwareDatetime = Field(description="when intake ended the session(s)")
