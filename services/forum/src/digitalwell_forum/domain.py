"""Pure rules of forum: who may book, when a seat is free, offers, reminders, alerts, attendance."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from digitalwell_shared.contracts import Decision, GrantDecided, SessionKind, SupportKind
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE

"""The programme is in Värmland: session times are Swedish time, whatever the server's zone."""

ALERT_PERCENTS = (80, 100)
"""Shares of a session's seats at which its coordinator is told, once each."""


class SessionStatus(StrEnum):
    """Whether a session takes place."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    """Where a booking stands."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    """A freed seat is held for this person until the offer expires."""
    CANCELLED = "cancelled"


ACTIVE_STATUSES = frozenset(
    {BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.OFFERED}
)


class Reminder(StrEnum):
    """Whether a booking is still to be reminded of its session."""

    PENDING = "pending"
    SENT = "sent"
    NONE = "none"
    """Not needed: not confirmed, booked within the reminder's lead, or the booking ended."""


class Refusal(StrEnum):
    """Why a booking, cancellation or acceptance is refused; each has its own message."""

    SESSION_NOT_FOUND = "session_not_found"
    SESSION_CANCELLED = "session_cancelled"
    SESSION_STARTED = "session_started"
    SESSION_NOT_BEGUN = "session_not_begun"
    REGISTRATION_CLOSED = "registration_closed"
    APPLICATION_REQUIRED = "application_required"
    UNKNOWN_APPLICATION = "unknown_application"
    """No decision is known on an application with that id or case number."""
    NOT_GRANTED = "not_granted"
    APPLICATION_ALREADY_BOOKED = "application_already_booked"
    BOOKING_NOT_FOUND = "booking_not_found"
    NO_OFFER = "no_offer"
    OFFER_EXPIRED = "offer_expired"


class BookingRefusedError(Exception):
    """A rule refused the request; ``reason`` says which."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(detail or reason.value)
        self.reason = reason


def new_session_id() -> str:
    """A new session id: unguessable, so ids in URLs reveal nothing of others."""
    return f"ses_{secrets.token_hex(8)}"


def new_booking_id() -> str:
    """A new booking id."""
    return f"bkg_{secrets.token_hex(8)}"


def normalise_email(address: str) -> str:
    """The form of an address that tells two bookings by the same person apart from others."""
    return address.strip().lower()


def grants_innovation_forum(event: GrantDecided) -> bool:
    """True when the decision gives the applicant an Innovation Forum workshop."""
    return event.decision is Decision.GRANTED and any(
        support.kind is SupportKind.INNOVATION_FORUM for support in event.support_granted
    )


def needs_grant(kind: SessionKind) -> bool:
    """Only Innovation Forum workshops are for granted applications; the rest are open to all."""
    return kind is SessionKind.INNOVATION_FORUM


class NonexistentLocalTimeError(ValueError):
    """A wall-clock time that the switch to summer time skips."""


def programme_time(moment: datetime) -> datetime:
    """A moment in UTC; a time without a zone is read as Swedish time.

    A Swedish time skipped by the spring switch (02:00-03:00 on the last Sunday of March)
    is refused rather than moved, since a session at a time that does not exist is a typo.
    """
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(UTC)
    local = moment.replace(tzinfo=PROGRAMME_TIME_ZONE)
    round_trip = local.astimezone(UTC).astimezone(PROGRAMME_TIME_ZONE).replace(tzinfo=None)
    if round_trip != moment:
        raise NonexistentLocalTimeError(
            f"{moment:%Y-%m-%d %H:%M} does not exist in Swedish time (the clocks go forward)"
        )
    return local.astimezone(UTC)


class Span(Protocol):
    """A stretch of time: a session's date, say (``records.SessionDate``)."""

    @property
    def starts_at(self) -> datetime:
        """When it starts."""
        ...

    @property
    def ends_at(self) -> datetime:
        """When it ends."""
        ...


def date_problems(kind: SessionKind, dates: Iterable[Span]) -> list[str]:
    """What is wrong with a session's dates, in order; empty when they are fine."""
    ordered = list(dates)
    problems = []
    if len(ordered) > 1 and kind is not SessionKind.TRAINING:
        problems.append("only a training can be a series of several dates")
    for number, date in enumerate(ordered, start=1):
        if date.ends_at <= date.starts_at:
            problems.append(f"date {number} ends before it starts")
    for number, (earlier, later) in enumerate(itertools.pairwise(ordered), start=2):
        if later.starts_at < earlier.ends_at:
            problems.append(f"date {number} starts before date {number - 1} ends")
    return problems


@dataclass(frozen=True, slots=True)
class Seats:
    """A session's seats: booked, held for an offer, and the queue behind them."""

    capacity: int
    confirmed: int
    offered: int
    waitlisted: int

    @property
    def taken(self) -> int:
        """Seats booked or held for someone."""
        return self.confirmed + self.offered

    @property
    def left(self) -> int:
        """Seats a new booking can still have."""
        return max(0, self.capacity - self.taken)

    @property
    def admits_booking(self) -> bool:
        """A new booking is confirmed now; otherwise it joins the waitlist."""
        return self.left > 0


def booking_refusal(
    *,
    status: SessionStatus,
    starts_at: datetime,
    registration_deadline: datetime,
    now: datetime,
) -> Refusal | None:
    """Why a session takes no bookings now, or None when it does."""
    if status is SessionStatus.CANCELLED:
        return Refusal.SESSION_CANCELLED
    if now >= starts_at:
        return Refusal.SESSION_STARTED
    if now > registration_deadline:
        return Refusal.REGISTRATION_CLOSED
    return None


def percents_reached(seats: Seats, already: Collection[int]) -> list[int]:
    """The alert levels this occupancy reaches that the coordinator was not yet told of."""
    return [
        percent
        for percent in ALERT_PERCENTS
        if percent not in already and seats.taken * 100 >= percent * seats.capacity
    ]


def offer_expires_at(now: datetime, hold: timedelta, starts_at: datetime) -> datetime:
    """Until when a freed seat is held: the configured time, but never past the session's start."""
    return min(now + hold, starts_at)


def reminder_for(confirmed_at: datetime, starts_at: datetime, lead: timedelta) -> Reminder:
    """A booking confirmed before the reminder is due gets one; a later one has just been told."""
    return Reminder.PENDING if confirmed_at < starts_at - lead else Reminder.NONE


@dataclass(frozen=True, slots=True)
class Attendance:
    """Who came to a session, of those with a confirmed seat."""

    booked: int
    attended: int

    @property
    def no_shows(self) -> int:
        """Booked but did not come."""
        return self.booked - self.attended

    def __add__(self, other: Attendance) -> Attendance:
        return Attendance(self.booked + other.booked, self.attended + other.attended)


NO_ATTENDANCE = Attendance(0, 0)
