"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogFormat = Literal["auto", "json", "console"]
DEV_LINK_SECRET = "dev-only-link-secret-not-for-production"  # noqa: S105 - refused in production
DEV_STAFF_SESSION_SECRET = "dev-only-staff-session-secret-not-for-production"  # noqa: S105
MIN_SECRET_LENGTH = 32


class ServiceSettings(BaseSettings):
    """Broker, database, HTTP and logging settings common to all services.

    A subclass sets ``model_config = SettingsConfigDict(env_prefix="INTAKE_")``
    and a default ``http_port`` and ``mongodb_database`` of its own.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["development", "production"] = Field(
        "development", description="production refuses unsafe defaults"
    )
    kafka_bootstrap_servers: str = Field(
        "127.0.0.1:9092", description="comma-separated host:port list of the Kafka brokers"
    )
    mongodb_url: str = Field(
        "mongodb://127.0.0.1:27017/?directConnection=true",
        description="MongoDB connection string; must reach a replica set (transactions)",
    )
    mongodb_database: str = Field(description="the service's own database")
    http_host: str = Field("127.0.0.1", description="address the HTTP server binds")
    http_port: int = Field(description="port the HTTP server binds")
    public_base_url: str = Field(
        "", description="URL under which people reach this service; empty means http://host:port"
    )
    log_format: LogFormat = Field(
        "auto", description="json, console, or auto (json unless standard output is a terminal)"
    )
    log_level: str = Field("INFO", description="standard logging level name")
    outbox_poll_seconds: float = Field(
        0.5, gt=0, description="how often the outbox relay looks for unsent events when idle"
    )
    consumer_max_attempts: int = Field(
        5, ge=1, description="tries of a failing handler before its event goes to the DLQ"
    )
    consumer_batch_size: int = Field(
        100, ge=1, description="most events applied in one transaction"
    )
    consumer_batch_wait_ms: int = Field(
        50, ge=1, description="how long the consumer waits for a batch to fill"
    )
    shutdown_grace_seconds: float = Field(
        10, ge=0, description="time to finish in-flight work on SIGTERM"
    )
    otel_enabled: bool = Field(
        default=False,
        description=(
            "send OpenTelemetry traces to the OTLP/HTTP collector named by the SDK's own "
            "OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318)"
        ),
    )

    link_secret: SecretStr = Field(
        SecretStr(DEV_LINK_SECRET),
        description=(
            "key that signs links sent to people (withdraw, unsubscribe, cancel a booking); "
            "the same random value of 32+ characters in every service"
        ),
    )

    staff_session_secret: SecretStr = Field(
        SecretStr(DEV_STAFF_SESSION_SECRET),
        description=(
            "key that signs staff sign-in sessions and tokens; "
            "the same random value of 32+ characters in every service"
        ),
    )
    staff_session_minutes: int = Field(
        480, ge=5, le=1440, description="how long a staff sign-in lasts before signing in again"
    )
    staff_sign_in_url: str = Field(
        "http://127.0.0.1:8000/staff/sign-in",
        description="intake's staff sign-in page, where every service sends people to sign in",
    )
    staff_oidc_issuer: str = Field(
        "",
        description=(
            "issuer URL of the region's OpenID Connect provider whose access tokens the staff "
            "APIs accept as well; empty accepts only DigitalWell's own tokens"
        ),
    )
    staff_oidc_jwks_url: str = Field(
        "", description="the provider's signing keys; empty means <issuer>/.well-known/jwks.json"
    )
    staff_oidc_audience: str = Field(
        "", description="the audience the provider's tokens must name; empty skips the check"
    )
    staff_oidc_roles_claim: str = Field(
        "roles",
        description="claim (dotted path, e.g. realm_access.roles) that lists DigitalWell roles",
    )

    # -- accessibility statement (issue 13) ------------------------------------------
    accessibility_statement_url: str = Field(
        "http://127.0.0.1:8000/accessibility",
        description="intake's accessibility statement, linked from every public page's footer",
    )
    # -- end accessibility statement ---------------------------------------------------

    @model_validator(mode="after")
    def _refuse_unsafe_defaults_in_production(self) -> Self:
        if self.environment != "production":
            return self
        prefix = str(self.model_config.get("env_prefix", ""))
        # Anyone who knows a dev secret could withdraw any application, or sign in as anyone.
        for name, secret, dev_value in (
            ("LINK_SECRET", self.link_secret, DEV_LINK_SECRET),
            ("STAFF_SESSION_SECRET", self.staff_session_secret, DEV_STAFF_SESSION_SECRET),
        ):
            value = secret.get_secret_value()
            if value == dev_value or len(value) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"{prefix}{name} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters in production"
                )
        return self

    @property
    def base_url(self) -> str:
        """Where people reach this service, without a trailing slash."""
        return (self.public_base_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def base_path(self) -> str:
        """The path prefix people reach this service under, without a trailing slash.

        ``/council`` behind a host shared by the services; empty when served at the root.
        """
        return urlsplit(self.base_url).path.rstrip("/")
