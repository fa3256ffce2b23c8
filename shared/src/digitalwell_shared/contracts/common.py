"""Value types that several contracts share."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field


def _require_timezone(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone")
    return value


AwareDatetime = Annotated[datetime, AfterValidator(_require_timezone)]


class Language(StrEnum):
    """The languages people are written to in."""

    SV = "sv"
    EN = "en"


class SupportKind(StrEnum):
    """The kinds of support the programme gives."""

    INNOVATION_FORUM = "innovation_forum"
    COACHING = "coaching"
    TEST_ENVIRONMENT = "test_environment"
    EXPERT_ADVICE = "expert_advice"
    FINANCING_ADVICE = "financing_advice"


class Organisation(BaseModel):
    """The applying organisation."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(description="registered name of the organisation")
    org_number: str = Field(description="Swedish organisation number, normalised as NNNNNN-NNNN")


class Contact(BaseModel):
    """The person the programme writes to about an application."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(description="full name")
    email: EmailStr = Field(description="e-mail address")
    phone: str = Field(description="phone number in E.164 form, e.g. +46701234567")
    language: Language = Field(description="language the person is written to in")


class Attendee(BaseModel):
    """A person booked on a forum session."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(description="full name")
    email: EmailStr = Field(description="e-mail address")
    language: Language = Field(description="language the person is written to in")
