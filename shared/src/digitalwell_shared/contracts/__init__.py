"""Event contracts: the pydantic models of every event on Kafka, one module per publisher."""

from __future__ import annotations

from digitalwell_shared.contracts.base import IntegrationEvent
from digitalwell_shared.contracts.common import (
    Attendee,
    Contact,
    Language,
    Organisation,
    SupportKind,
)
from digitalwell_shared.contracts.council import Decision, GrantDecided, SupportGranted
from digitalwell_shared.contracts.forum import (
    CancellationReason,
    Coordinator,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionCancelled,
    ForumSessionFillingUp,
    ForumSessionScheduled,
    SessionDate,
    SessionKind,
    SessionSummary,
)
from digitalwell_shared.contracts.intake import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    SessionEndReason,
    StaffSessionRevoked,
    Stage,
)
from digitalwell_shared.contracts.notify import EmailFailed, EmailSent

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    StaffSessionRevoked,
    GrantDecided,
    ForumSessionScheduled,
    ForumSessionCancelled,
    ForumBooked,
    ForumBookingWaitlisted,
    ForumSeatOffered,
    ForumBookingCancelled,
    ForumReminderDue,
    ForumSessionFillingUp,
    EmailSent,
    EmailFailed,
)

DLQ_SUFFIX = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """The topic a poison event from ``topic`` goes to."""
    return f"{topic}{DLQ_SUFFIX}"


def all_topics() -> list[str]:
    """Every event topic of the system, without the dead-letter topics."""
    return [event.topic for event in ALL_EVENTS]


__all__ = [
    "ALL_EVENTS",
    "ApplicationSubmitted",
    "ApplicationWithdrawn",
    "Attendee",
    "CancellationReason",
    "Contact",
    "Coordinator",
    "Decision",
    "EmailFailed",
    "EmailSent",
    "ForumBooked",
    "ForumBookingCancelled",
    "ForumBookingWaitlisted",
    "ForumReminderDue",
    "ForumSeatOffered",
    "ForumSessionCancelled",
    "ForumSessionFillingUp",
    "ForumSessionScheduled",
    "GrantDecided",
    "IntegrationEvent",
    "Language",
    "Organisation",
    "SessionDate",
    "SessionEndReason",
    "SessionKind",
    "SessionSummary",
    "StaffSessionRevoked",
    "Stage",
    "SupportGranted",
    "SupportKind",
    "all_topics",
    "dead_letter_topic",
]
