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

    @model_validator(mode="after")
    def _require_public_url_in_production(self) -> Self:
        if self.environment == "production" and not self.public_base_url:
            # Status and withdrawal links handed to applicants would point at a loopback address.
            raise ValueError("INTAKE_PUBLIC_BASE_URL must be set in production")
        return self
