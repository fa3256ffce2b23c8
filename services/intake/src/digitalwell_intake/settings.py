"""intake's settings: the shared ones under the INTAKE_ prefix, plus the withdrawal secret."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings

DEV_WITHDRAW_SECRET = "dev-only-withdraw-secret-not-for-production"  # noqa: S105 - the known dev value production refuses
_MIN_SECRET_LENGTH = 32


class Settings(ServiceSettings):
    """Settings of the intake service, read from INTAKE_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_intake"
    http_port: int = 8000
    withdraw_secret: SecretStr = Field(
        SecretStr(DEV_WITHDRAW_SECRET),
        description="key that signs the applicant's withdrawal links; 32+ random characters",
    )
    duplicate_window_seconds: float = Field(
        600,
        gt=0,
        description="how long the same organisation number and title count as the same application",
    )
    idempotency_key_seconds: float = Field(
        86400, gt=0, description="how long an Idempotency-Key keeps answering with its application"
    )

    @model_validator(mode="after")
    def _refuse_unsafe_defaults_in_production(self) -> Self:
        if self.environment != "production":
            return self
        secret = self.withdraw_secret.get_secret_value()
        if secret == DEV_WITHDRAW_SECRET or len(secret) < _MIN_SECRET_LENGTH:
            # Anyone who knows the dev secret could withdraw any application.
            raise ValueError(
                "INTAKE_WITHDRAW_SECRET must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters in production"
            )
        if not self.public_base_url:
            # Status and withdrawal links handed to applicants would point at a loopback address.
            raise ValueError("INTAKE_PUBLIC_BASE_URL must be set in production")
        return self
