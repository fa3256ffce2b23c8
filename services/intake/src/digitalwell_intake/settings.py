"""intake's settings: the shared ones under the INTAKE_ prefix, plus duplicate windows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from digitalwell_intake.domain import DEMO_PASSWORD, MIN_PASSWORD_LENGTH
from digitalwell_intake.staff_tokens import DEV_STAFF_SIGNING_KEY, parse_signing_key
from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.staff import parse_verify_keys


class Settings(ServiceSettings):
    """Settings of the intake service, read from INTAKE_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)
    # What the shared production rules check (digitalwell_shared.settings.PRODUCTION_RULES).
    people_urls: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.people_urls,
        "council_url",
        "forum_url",
        "notify_url",
    )
    development_only: ClassVar[Mapping[str, str]] = {
        "seed_demo_staff": "the demo accounts share a published password",
    }

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
    # -- staff identity (issue 10: tokens nobody can mint or keep) -------------------------
    staff_signing_key: SecretStr = Field(
        SecretStr(DEV_STAFF_SIGNING_KEY),
        description=(
            "intake's private key that signs staff session tokens: <key id>:<base64url 32-byte "
            "Ed25519 seed> (`digitalwell staff-key` makes one); its public half must be in "
            "every service's STAFF_VERIFY_KEYS; the development key is refused in production"
        ),
    )
    staff_max_failed_sign_ins: int = Field(
        5,
        ge=1,
        description=(
            "failed sign-ins in a row, from one client address, that lock a staff account for "
            "that address (at most this many guesses are checked, however many arrive at once)"
        ),
    )
    staff_lock_minutes: float = Field(
        15, gt=0, description="how long a locked staff account stays locked for that address"
    )
    staff_sign_in_throttle: bool | None = Field(
        None,
        description=(
            "limit sign-in attempts per client address and lock per (account, address); "
            "empty means on in production and off in development"
        ),
    )
    staff_sign_ins_per_address_per_minute: int = Field(
        20, ge=1, description="sign-in attempts one client address may make in a minute"
    )
    staff_require_totp: bool = Field(
        default=False,
        description=(
            "administrators and council chairs must sign in with a one-time code (TOTP); always "
            "so in production, optional in development (an enrolled account always needs it)"
        ),
    )
    # -- end of staff identity ----------------------------------------------------------------
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
        "http://127.0.0.1:8002",
        description=(
            "forum's pages, linked from the staff start page and, for a workshop granted, from "
            "the applicant's status page"
        ),
    )
    assessment_weeks: int = Field(
        6,
        ge=1,
        le=52,
        description=(
            "how many weeks the Innovation Council's assessment usually takes, told in words on "
            "the status page of an application waiting for it"
        ),
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

    @property
    def sign_in_throttled(self) -> bool:
        """True when sign-in is throttled: by the setting, else in production only."""
        if self.staff_sign_in_throttle is None:
            return self.environment == "production"
        return self.staff_sign_in_throttle

    @property
    def totp_required(self) -> bool:
        """True when administrators and chairs must give a one-time code to sign in."""
        return self.environment == "production" or self.staff_require_totp

    @model_validator(mode="after")
    def _the_signing_key_is_one_the_services_verify(self) -> Self:
        kid, key = parse_signing_key(self.staff_signing_key.get_secret_value())
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        listed = parse_verify_keys(self.staff_verify_keys).get(kid)
        if listed is None or listed.public_bytes(Encoding.Raw, PublicFormat.Raw) != public:
            raise ValueError(
                f"INTAKE_STAFF_VERIFY_KEYS must list the public half of INTAKE_STAFF_SIGNING_KEY "
                f"under its key id {kid!r}"
            )
        if self.environment == "production" and (
            self.staff_signing_key.get_secret_value() == DEV_STAFF_SIGNING_KEY
        ):
            raise ValueError(
                "INTAKE_STAFF_SIGNING_KEY must be a key of your own in production: the "
                "development key is published"
            )
        return self

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
