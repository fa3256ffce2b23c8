"""Events that forum publishes.

Booking events carry a summary of their session, so a subscriber (notify writing an e-mail,
a calendar) needs no other topic to make sense of them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from digitalwell_shared.contracts.base import CE_TYPE_PREFIX, IntegrationEvent
from digitalwell_shared.contracts.common import Attendee, AwareDatetime, Language


class SessionKind(StrEnum):
    """The kinds of forum session."""

    INNOVATION_FORUM = "innovation_forum"
    BREAKFAST_MEETING = "breakfast_meeting"
    TRAINING = "training"


class SessionDate(BaseModel):
    """One date of a training given as a series."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    starts_at: AwareDatetime
    ends_at: AwareDatetime


class SessionSummary(BaseModel):
    """What an attendee needs to know of the session a booking is for."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: SessionKind
    title: str
    starts_at: AwareDatetime = Field(description="the start of its (first) date")
    ends_at: AwareDatetime = Field(description="the end of its (last) date")
    location: str = Field(description="a place or an online link")
    dates: list[SessionDate] = Field(
        default_factory=list,
        description="every date of a series booked as one, in order; empty for a single date",
    )


class CancellationReason(StrEnum):
    """Why a booking ended."""

    ATTENDEE_CANCELLED = "attendee_cancelled"
    SESSION_CANCELLED = "session_cancelled"
    OFFER_EXPIRED = "offer_expired"


class ForumSessionScheduled(IntegrationEvent):
    """A forum coordinator scheduled a session."""

    topic: ClassVar[str] = "forum.session-scheduled.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumSessionScheduled.v1"
    key_field: ClassVar[str] = "session_id"

    session_id: str
    kind: SessionKind
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    location: str = Field(description="a place or an online link")
    capacity: int = Field(ge=1, description="seats")


class ForumSessionCancelled(IntegrationEvent):
    """A forum coordinator cancelled a session; each booking on it ends with its own event."""

    topic: ClassVar[str] = "forum.session-cancelled.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumSessionCancelled.v1"
    key_field: ClassVar[str] = "session_id"

    session_id: str
    reason: str = Field("", description="the coordinator's explanation to attendees")
    cancelled_at: AwareDatetime


class _BookingEvent(IntegrationEvent):
    """Fields every event about one booking has."""

    key_field: ClassVar[str] = "session_id"

    booking_id: str
    session_id: str
    application_id: str | None = Field(None, description="set for innovation_forum bookings")
    attendee: Attendee
    session: SessionSummary


class ForumBooked(_BookingEvent):
    """A person got a confirmed seat on a forum session."""

    topic: ClassVar[str] = "forum.booked.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumBooked.v1"

    booked_at: AwareDatetime


class ForumBookingWaitlisted(_BookingEvent):
    """A session was full: the person waits for a seat, in order of arrival."""

    topic: ClassVar[str] = "forum.booking-waitlisted.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumBookingWaitlisted.v1"

    position: int = Field(ge=1, description="place in the queue when the person joined it")
    waitlisted_at: AwareDatetime


class ForumSeatOffered(_BookingEvent):
    """A seat freed up and is held for the first person on the waitlist until it expires."""

    topic: ClassVar[str] = "forum.seat-offered.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumSeatOffered.v1"

    offered_at: AwareDatetime
    offer_expires_at: AwareDatetime = Field(description="the seat passes on after this")


class ForumBookingCancelled(_BookingEvent):
    """A booking ended: cancelled by its attendee, by the session's cancellation, or unanswered."""

    topic: ClassVar[str] = "forum.booking-cancelled.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumBookingCancelled.v1"

    reason: CancellationReason = CancellationReason.ATTENDEE_CANCELLED
    note: str = Field("", description="the organiser's explanation, when a session was cancelled")
    cancelled_at: AwareDatetime


class ForumReminderDue(_BookingEvent):
    """A confirmed attendee's session starts within a day: time to remind them, once."""

    topic: ClassVar[str] = "forum.reminder-due.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumReminderDue.v1"

    due_at: AwareDatetime


class Coordinator(BaseModel):
    """The forum coordinator who scheduled a session, and is told how it fills."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(description="full name")
    email: EmailStr = Field(description="e-mail address")
    language: Language = Field(description="language the coordinator is written to in")


class ForumSessionFillingUp(IntegrationEvent):
    """A session's booked seats reached 80% or 100% of its capacity, for the first time."""

    topic: ClassVar[str] = "forum.session-filling-up.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumSessionFillingUp.v1"
    key_field: ClassVar[str] = "session_id"

    session_id: str
    session: SessionSummary
    coordinator: Coordinator
    percent: int = Field(description="the share of seats reached: 80 or 100")
    seats_taken: int = Field(ge=0, description="seats booked or held for an offer")
    capacity: int = Field(ge=1, description="seats")
    waitlisted: int = Field(ge=0, description="people waiting for a seat")
    reached_at: AwareDatetime
