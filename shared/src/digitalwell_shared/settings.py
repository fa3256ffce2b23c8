"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from digitalwell_shared.signing import (
    EventSigner,
    EventVerifier,
    development_key_id,
    development_public_keys,
    load_private_key,
    owner_of_key,
    parse_public_keys,
    public_key_text,
)

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

    # --- Event signing and the broker's security (issue 10: events nobody can forge) ---
    event_signing_key: SecretStr = Field(
        SecretStr(""),
        description=(
            "Ed25519 private key this service signs its events with: PEM (PKCS#8) or base64 of "
            "the 32-byte seed; empty uses the service's development key (refused in production)"
        ),
    )
    event_signing_key_id: str = Field(
        "",
        description=(
            "id of the signing key, starting with the service's name and a dash "
            "(council-2026-12); empty means <service>-dev"
        ),
    )
    event_public_keys: str = Field(
        "",
        description=(
            "public keys whose signatures consumers accept: key-id=base64-key entries separated "
            "by commas, every key still in use during a rotation; empty means the development keys"
        ),
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", description="how to reach the brokers; production refuses PLAINTEXT"
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"] = Field(
        "SCRAM-SHA-512", description="SASL mechanism for the SASL_* protocols"
    )
    kafka_sasl_username: str = Field("", description="this service's Kafka principal")
    kafka_sasl_password: SecretStr = Field(SecretStr(""), description="its Kafka password")
    kafka_ssl_cafile: str = Field(
        "", description="CA bundle that signs the brokers' certificates; empty uses the system's"
    )
    kafka_ssl_certfile: str = Field("", description="client certificate for mutual TLS")
    kafka_ssl_keyfile: str = Field("", description="the client certificate's private key")
    kafka_ssl_check_hostname: bool = Field(
        default=True, description="check that a broker's certificate names its host"
    )

    @model_validator(mode="after")
    def _refuse_unsafe_event_and_broker_settings(self) -> Self:
        prefix = str(self.model_config.get("env_prefix", ""))
        service = prefix.rstrip("_").lower()
        if (
            service
            and self.event_signing_key_id
            and owner_of_key(self.event_signing_key_id) != service
        ):
            raise ValueError(
                f"{prefix}EVENT_SIGNING_KEY_ID must start with the service's name and a dash"
            )
        signing_key = self.event_signing_key.get_secret_value()
        if signing_key:
            try:
                load_private_key(signing_key)
            except ValueError as error:
                raise ValueError(f"{prefix}EVENT_SIGNING_KEY: {error}") from error
        try:
            parse_public_keys(self.event_public_keys)
        except ValueError as error:
            raise ValueError(f"{prefix}EVENT_PUBLIC_KEYS: {error}") from error
        if self.kafka_security_protocol.startswith("SASL") and not (
            self.kafka_sasl_username and self.kafka_sasl_password.get_secret_value()
        ):
            raise ValueError(
                f"{prefix}KAFKA_SASL_USERNAME and {prefix}KAFKA_SASL_PASSWORD are needed for "
                f"{self.kafka_security_protocol}"
            )
        if bool(self.kafka_ssl_certfile) != bool(self.kafka_ssl_keyfile):
            raise ValueError(
                f"{prefix}KAFKA_SSL_CERTFILE and {prefix}KAFKA_SSL_KEYFILE go together"
            )
        return self

    @model_validator(mode="after")
    def _refuse_development_keys_and_plaintext_in_production(self) -> Self:
        if self.environment != "production":
            return self
        prefix = str(self.model_config.get("env_prefix", ""))
        signing_key = self.event_signing_key.get_secret_value()
        public_keys = parse_public_keys(self.event_public_keys)
        # Development keys are public (they are in this repository): anyone could sign with them.
        dev_keys = set(development_public_keys().values())
        if not signing_key or public_key_text(load_private_key(signing_key)) in dev_keys:
            raise ValueError(f"{prefix}EVENT_SIGNING_KEY must be set to a key of its own")
        if not self.event_signing_key_id:
            raise ValueError(f"{prefix}EVENT_SIGNING_KEY_ID must be set in production")
        if not public_keys or dev_keys & set(public_keys.values()):
            raise ValueError(
                f"{prefix}EVENT_PUBLIC_KEYS must list the services' own keys, no development key"
            )
        if self.kafka_security_protocol == "PLAINTEXT":
            raise ValueError(f"{prefix}KAFKA_SECURITY_PROTOCOL PLAINTEXT is refused in production")
        if (
            self.kafka_security_protocol == "SASL_PLAINTEXT"
            and self.kafka_sasl_mechanism == "PLAIN"
        ):
            # PLAIN sends the password as it is; without TLS anyone on the path reads it.
            raise ValueError(
                f"{prefix}KAFKA_SASL_MECHANISM PLAIN needs KAFKA_SECURITY_PROTOCOL SASL_SSL"
            )
        return self

    def event_signer(self, service: str) -> EventSigner:
        """The signer of what ``service`` publishes: its configured key, else its dev key."""
        signing_key = self.event_signing_key.get_secret_value()
        if not signing_key:
            return EventSigner.development(service)
        key_id = self.event_signing_key_id or development_key_id(service)
        return EventSigner(key_id, load_private_key(signing_key))

    def event_verifier(self) -> EventVerifier:
        """The verifier with every configured public key, else the development keys."""
        keys = parse_public_keys(self.event_public_keys) or development_public_keys()
        return EventVerifier(keys)

    # --- end of event signing and broker security ---

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
