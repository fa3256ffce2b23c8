"""What forum's stores take and return: grants, sessions with their seats, bookings.

Frozen records: the stores turn documents into these and back, and nothing else in forum
knows a field name of the database (nor its ``_id``s and claims bookkeeping).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from digitalwell_forum.domain import BookingStatus, Reminder, Seats, SessionStatus
from digitalwell_shared import contracts
from digitalwell_shared.contracts import CancellationReason, Language, SessionKind, SessionSummary

_FROZEN = ConfigDict(frozen=True)


class Grant(BaseModel):
    """The latest decision on an application, as forum keeps it: whether it may book a workshop."""

    model_config = _FROZEN

    application_id: str
    case_number: str
    innovation_forum: bool
    decided_at: datetime | None = None


class SessionDate(BaseModel):
    """One meeting of a session: a training series has several, every other session one."""

    model_config = _FROZEN

    starts_at: datetime
    ends_at: datetime


class SessionCoordinator(BaseModel):
    """Who scheduled a session, and the language they are told how it fills in."""

    model_config = _FROZEN

    id: str
    name: str
    email: str
    language: Language


class ForumSession(BaseModel):
    """A workshop, breakfast meeting or training, with the counters that keep its seats."""

    model_config = _FROZEN

    id: str
    kind: SessionKind
    title: str
    description: str = ""
    location: str
    dates: tuple[SessionDate, ...]
    starts_at: datetime
    """The start of its (first) date: when bookings and cancelling close."""
    ends_at: datetime
    """The end of its (last) date: when its claims and links lapse."""
    capacity: int
    public_sector_participants: tuple[str, ...] = ()
    registration_deadline: datetime
    coordinator: SessionCoordinator | None = None
    status: SessionStatus = SessionStatus.SCHEDULED
    scheduled_at: datetime | None = None
    sequence: int = 0
    """How many bookings have arrived: the next one's number in the queue."""
    confirmed: int = 0
    offered: int = 0
    waitlisted: int = 0
    alerted: tuple[int, ...] = ()
    """The alert levels (percent) the coordinator has been told of."""
    cancel_reason: str = ""
    cancelled_at: datetime | None = None
    attendance_marked_at: datetime | None = None

    @property
    def seats(self) -> Seats:
        """Its seats: booked, held for an offer, and the queue behind them."""
        return Seats(self.capacity, self.confirmed, self.offered, self.waitlisted)


def session_summary(session: ForumSession) -> SessionSummary:
    """What booking events and calendar files tell of a session.

    A series spans its first to its last date and lists each date, so a calendar does not show
    one block over the weeks between; a single date lists none.
    """
    return SessionSummary(
        kind=session.kind,
        title=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location=session.location,
        dates=[
            contracts.SessionDate(starts_at=date.starts_at, ends_at=date.ends_at)
            for date in session.dates
        ]
        if len(session.dates) > 1
        else [],
    )


class Booking(BaseModel):
    """One person's booking of a session: confirmed, waiting, offered a freed seat, or ended."""

    model_config = _FROZEN

    id: str
    session_id: str
    sequence: int
    """Its number in the session's order of arrival."""
    name: str
    email: str
    language: Language
    application_id: str | None = None
    claims: tuple[str, ...] = ()
    """The claims it holds (see stores.claims): opaque to everyone but the claim store."""
    status: BookingStatus
    booked_at: datetime
    reminder: Reminder = Reminder.NONE
    reminder_due_at: datetime | None = None
    attended: bool | None = None
    position: int | None = None
    """Its place in the waitlist when it joined, for a booking that had to wait."""
    confirmed_at: datetime | None = None
    waitlisted_at: datetime | None = None
    offered_at: datetime | None = None
    offer_expires_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: CancellationReason | None = None
