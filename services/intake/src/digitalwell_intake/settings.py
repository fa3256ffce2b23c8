"""intake's settings: the shared ones under the INTAKE_ prefix, plus duplicate windows."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from digitalwell_intake.accounts import DEMO_PASSWORD, MIN_PASSWORD_LENGTH
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
    bootstrap_admin_email: str = Field(
        "",
        description=(
            "at start, create an administrator with this address unless it has an account: "
            "the first account of a new installation"
        ),
    )
    bootstrap_admin_password: SecretStr = Field(
        SecretStr(""), description="the bootstrap administrator's password (12+ characters)"
    )
    staff_max_failed_sign_ins: int = Field(
        5, ge=1, description="failed sign-ins in a row that lock a staff account"
    )
    staff_lock_minutes: float = Field(
        15, gt=0, description="how long a locked staff account stays locked"
    )
    staff_oidc_client_id: str = Field(
        "",
        description=(
            "intake's client id at the region's OpenID Connect provider; with "
            "INTAKE_STAFF_OIDC_ISSUER it replaces password sign-in for staff"
        ),
    )
    staff_oidc_client_secret: SecretStr = Field(
        SecretStr(""), description="intake's client secret at the provider (empty: public client)"
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
    # -- accessibility statement (issue 13) ------------------------------------------
    accessibility_contact_email: str = Field(
        "tillganglighet@digitalwell.example",
        description="where people report an accessibility barrier (the statement names it)",
    )
    accessibility_reviewed: str = Field(
        "2026-12-01", description="when the accessibility statement was last reviewed (ISO date)"
    )
    # -- end accessibility statement ---------------------------------------------------

    @property
    def region_sign_in(self) -> bool:
        """True when staff sign in at the region's provider instead of with a password."""
        return bool(self.staff_oidc_issuer and self.staff_oidc_client_id)

    @model_validator(mode="after")
    def _bootstrap_administrator_needs_a_usable_password(self) -> Self:
        if not self.bootstrap_admin_email:
            return self
        password = self.bootstrap_admin_password.get_secret_value()
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValueError(
                f"INTAKE_BOOTSTRAP_ADMIN_PASSWORD must have at least {MIN_PASSWORD_LENGTH} "
                "characters when INTAKE_BOOTSTRAP_ADMIN_EMAIL is set"
            )
        if self.environment == "production" and password == DEMO_PASSWORD:
            raise ValueError("INTAKE_BOOTSTRAP_ADMIN_PASSWORD must not be the demo password")
        return self

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
