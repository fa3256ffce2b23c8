"""intake's settings: the shared ones under the INTAKE_ prefix, plus duplicate windows."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the intake service, read from INTAKE_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_intake"
    http_port: int = 8000
    duplicate_window_seconds: float = Field(
        600,
        gt=0,
        description="how long the same organisation number and title count as the same application",
    )
    idempotency_key_seconds: float = Field(
        86400, gt=0, description="how long an Idempotency-Key keeps answering with its application"
    )

    seed_demo_staff: bool = Field(
        default=False,
        description=(
            "create the demo staff accounts (chair@example.org and others, password "
            "digitalwell-dev) at start; refused in production"
        ),
    )
    staff_max_failed_sign_ins: int = Field(
        5, ge=1, description="failed sign-ins in a row that lock a staff account"
    )
    staff_lock_minutes: float = Field(
        15, gt=0, description="how long a locked staff account stays locked"
    )
    council_url: str = Field(
        "http://127.0.0.1:8001", description="council's pages, linked from the staff start page"
    )
    forum_url: str = Field(
        "http://127.0.0.1:8002", description="forum's pages, linked from the staff start page"
    )
    notify_url: str = Field(
        "http://127.0.0.1:8003", description="notify's pages, linked from the staff start page"
    )

    @model_validator(mode="after")
    def _refuse_development_shortcuts_in_production(self) -> Self:
        if self.environment != "production":
            return self
        if not self.public_base_url:
            # Status and withdrawal links handed to applicants would point at a loopback address.
            raise ValueError("INTAKE_PUBLIC_BASE_URL must be set in production")
        if self.seed_demo_staff:
            raise ValueError(
                "INTAKE_SEED_DEMO_STAFF must be false in production: the demo accounts share a "
                "published password"
            )
        return self
