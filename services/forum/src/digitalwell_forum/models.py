"""What forum's HTTP API takes and gives: requests checked field by field, and views."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationInfo,
    field_validator,
)

from digitalwell_forum.domain import date_problems, programme_time
from digitalwell_forum.records import SessionDate
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.text import MultiLineText, SingleLineText

TITLE_MAX = 200
TEXT_MAX = 5000
LOCATION_MAX = 500
NAME_MAX = 200
REASON_MAX = 2000
CAPACITY_MAX = 10_000
SERIES_MAX = 20
PARTICIPANTS_MAX = 50
_BOOKING_ID_MAX = 100

ProgrammeTime = Annotated[
    datetime,
    AfterValidator(programme_time),
    Field(description="ISO 8601; a time without an offset is Swedish time (Europe/Stockholm)"),
]


class DateRequest(BaseModel):
    """One further date of a training series."""

    model_config = ConfigDict(extra="forbid")

    starts_at: ProgrammeTime
    ends_at: ProgrammeTime


class SessionRequest(BaseModel):
    """A session a coordinator schedules."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SessionKind
    title: SingleLineText = Field(min_length=1, max_length=TITLE_MAX)
    description: MultiLineText = Field("", max_length=TEXT_MAX)
    starts_at: ProgrammeTime
    ends_at: ProgrammeTime
    later_dates: list[DateRequest] = Field(
        default_factory=list,
        max_length=SERIES_MAX,
        description="further dates of a training series, booked together with the first",
    )
    location: SingleLineText = Field(
        min_length=1, max_length=LOCATION_MAX, description="place or link"
    )
    capacity: int = Field(ge=1, le=CAPACITY_MAX, description="seats")
    public_sector_participants: list[
        Annotated[SingleLineText, Field(min_length=1, max_length=NAME_MAX)]
    ] = Field(
        default_factory=list,
        max_length=PARTICIPANTS_MAX,
        description="who from the public sector takes part, e.g. Region Värmland, hemtjänst",
    )
    registration_deadline: ProgrammeTime | None = Field(
        None, description="last moment to book; the session's start when left out"
    )
    coordinator_language: Language = Field(
        Language.SV, description="the language the coordinator is told in how the session fills"
    )

    @field_validator("starts_at")
    @classmethod
    def _in_the_future(cls, starts_at: datetime) -> datetime:
        if starts_at <= datetime.now(UTC):
            raise ValueError("the session must start in the future")
        return starts_at

    @field_validator("ends_at")
    @classmethod
    def _after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_at <= starts_at:
            raise ValueError("the session must end after it starts")
        return ends_at

    @field_validator("later_dates")
    @classmethod
    def _a_series(cls, later: list[DateRequest], info: ValidationInfo) -> list[DateRequest]:
        kind, starts_at, ends_at = (info.data.get(key) for key in ("kind", "starts_at", "ends_at"))
        if later and kind is not None and kind is not SessionKind.TRAINING:
            raise ValueError("only a training can be a series of several dates")
        if starts_at is not None and ends_at is not None:
            first = SessionDate(starts_at=starts_at, ends_at=ends_at)
            dates = [first, *(SessionDate(starts_at=d.starts_at, ends_at=d.ends_at) for d in later)]
            problems = date_problems(SessionKind.TRAINING, dates)
            if problems:
                raise ValueError("; ".join(problems))
        return later

    @field_validator("registration_deadline")
    @classmethod
    def _before_start(cls, deadline: datetime | None, info: ValidationInfo) -> datetime | None:
        starts_at = info.data.get("starts_at")
        if deadline is not None and starts_at is not None and deadline > starts_at:
            raise ValueError("registration must close no later than the session starts")
        return deadline

    @property
    def dates(self) -> list[SessionDate]:
        """Every date of the session, the first one first."""
        return [
            SessionDate(starts_at=self.starts_at, ends_at=self.ends_at),
            *(SessionDate(starts_at=d.starts_at, ends_at=d.ends_at) for d in self.later_dates),
        ]


class BookingRequest(BaseModel):
    """A person booking a seat."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: SingleLineText = Field(min_length=1, max_length=NAME_MAX, description="full name")
    email: EmailStr = Field(description="where the confirmation and reminders go")
    language: Language = Field(Language.SV, description="the language e-mails are written in")
    application_id: SingleLineText | None = Field(
        None,
        max_length=100,
        description=(
            "the granted application, for an innovation_forum session: its id (app_…) or its "
            "case number (DW-2026-0001)"
        ),
    )

    @field_validator("application_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class CancelSessionRequest(BaseModel):
    """Why a session is cancelled, written to everyone booked."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: MultiLineText = Field("", max_length=REASON_MAX)


class AttendanceRequest(BaseModel):
    """The confirmed bookings whose attendees came; every other confirmed one did not."""

    model_config = ConfigDict(extra="forbid")

    attended: list[Annotated[SingleLineText, Field(max_length=_BOOKING_ID_MAX)]] = Field(
        default_factory=list, max_length=CAPACITY_MAX
    )


class DateView(BaseModel):
    """One date of a session."""

    starts_at: datetime
    ends_at: datetime


class SessionView(BaseModel):
    """A session as the public sees it."""

    id: str
    kind: SessionKind
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    dates: list[DateView]
    location: str
    capacity: int
    seats_left: int
    waitlisted: int
    registration_deadline: datetime
    registration_open: bool
    public_sector_participants: list[str]
    status: str
    booking_page_url: str


class SessionList(BaseModel):
    """Upcoming sessions, soonest first."""

    sessions: list[SessionView]


class Scheduled(BaseModel):
    """A newly scheduled session."""

    id: str
    url: str


class BookingResult(BaseModel):
    """The outcome of a booking request."""

    id: str
    status: str = Field(description="confirmed, waitlisted, or offered (a seat held for you)")
    position: int | None = Field(None, description="place on the waitlist when it was joined")
    booking_url: str | None = Field(
        None, description="the booking's own page (given only to the request that made it)"
    )
    cancel_url: str | None = None
    calendar_url: str | None = None


class BookingView(BaseModel):
    """A booking, as its holder sees it."""

    id: str
    session_id: str
    status: str
    position: int | None = None
    offer_expires_at: datetime | None = None
    attendee_name: str
    session: SessionView


class StaffBookingView(BaseModel):
    """A booking, as the coordinator sees it."""

    id: str
    status: str
    sequence: int
    name: str
    email: str
    application_id: str | None
    position: int | None
    booked_at: datetime
    attended: bool | None


class StaffBookingList(BaseModel):
    """A session's bookings in arrival order."""

    session_id: str
    bookings: list[StaffBookingView]


class AttendanceRow(BaseModel):
    """Attendance at one session, or summed over a kind."""

    booked: int
    attended: int
    no_shows: int


class SessionAttendance(AttendanceRow):
    """Attendance at one session that has begun."""

    session_id: str
    kind: SessionKind
    title: str
    starts_at: datetime
    marked: bool = Field(description="the coordinator has marked who came")


class AttendanceReport(BaseModel):
    """Attendance and no-shows per session and per kind (marked sessions only in the sums)."""

    sessions: list[SessionAttendance]
    kinds: dict[SessionKind, AttendanceRow]
