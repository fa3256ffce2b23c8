"""Events that forum publishes."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from pydantic import Field

from digitalwell_shared.contracts.base import CE_TYPE_PREFIX, IntegrationEvent
from digitalwell_shared.contracts.common import Attendee, AwareDatetime


class SessionKind(StrEnum):
    """The kinds of forum session."""

    INNOVATION_FORUM = "innovation_forum"
    BREAKFAST_MEETING = "breakfast_meeting"
    TRAINING = "training"


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


class ForumBooked(IntegrationEvent):
    """A person got a seat on a forum session."""

    topic: ClassVar[str] = "forum.booked.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumBooked.v1"
    key_field: ClassVar[str] = "session_id"

    booking_id: str
    session_id: str
    application_id: str | None = Field(None, description="set for innovation_forum bookings")
    attendee: Attendee
    booked_at: AwareDatetime


class ForumBookingCancelled(IntegrationEvent):
    """A booking on a forum session was cancelled."""

    topic: ClassVar[str] = "forum.booking-cancelled.v1"
    ce_type: ClassVar[str] = f"{CE_TYPE_PREFIX}.forum.ForumBookingCancelled.v1"
    key_field: ClassVar[str] = "session_id"

    booking_id: str
    session_id: str
    application_id: str | None = Field(None, description="set for innovation_forum bookings")
    attendee: Attendee
    cancelled_at: AwareDatetime
