"""forum's settings: the shared ones plus seat offers, reminders and calendars, under FORUM_."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the forum service, read from FORUM_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="FORUM_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_forum"
    http_port: int = 8002

    seat_offer_hours: float = Field(
        48,
        gt=0,
        description=(
            "how long a freed seat is held for the first person on the waitlist before it passes "
            "to the next (never past the session's start)"
        ),
    )
    reminder_hours: float = Field(
        24, gt=0, description="how long before a session its confirmed attendees are reminded"
    )
    jobs_poll_seconds: float = Field(
        30,
        gt=0,
        description="how often forum looks for offers that ran out and reminders that are due",
    )
    jobs_batch_size: int = Field(
        100, ge=1, description="most offers or reminders handled in one transaction"
    )
    calendar_domain: str = Field(
        "digitalwell.example",
        description="right-hand side of the UIDs in calendar files, so calendars update events",
    )

    @property
    def seat_offer_hold(self) -> timedelta:
        """How long a seat offer stands."""
        return timedelta(hours=self.seat_offer_hours)

    @property
    def reminder_lead(self) -> timedelta:
        """How long before a session its reminder is due."""
        return timedelta(hours=self.reminder_hours)
