"""``ServiceSettings``, the settings every service shares, and reading them from the environment.

Each service subclasses it with its own env prefix; ``production.PRODUCTION_RULES`` are what
``ENVIRONMENT=production`` refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Literal, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from digitalwell_shared.settings.development import (
    DEV_LINK_SECRET,
    DEV_STAFF_CSRF_SECRET,
    DEV_STAFF_VERIFY_KEY,
)
from digitalwell_shared.settings.production import PRODUCTION_RULES
from digitalwell_shared.signing import (
    EventSigner,
    EventVerifier,
    development_key_id,
    development_public_keys,
    load_private_key,
    owner_of_key,
    parse_public_keys,
)

LogFormat = Literal["auto", "json", "console"]


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
    outbox_lease_seconds: float = Field(
        5,
        gt=0,
        description=(
            "how long the relay's claim on a batch lasts without renewal: a relay that died "
            "is taken over after this; a live one renews it every third of it"
        ),
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

    # -- Signed links: how long they work (issue 10) ------------------------------------------
    booking_link_grace_hours: float = Field(
        24,
        ge=0,
        description=(
            "hours after a session's end (its last date) that its bookings' links (cancel, "
            "accept a seat, calendar) keep working; used by forum and notify, which write them"
        ),
    )
    # -- end of signed links --------------------------------------------------------------------

    # -- staff identity (issue 10: tokens nobody can mint or keep) -------------------------
    staff_verify_keys: str = Field(
        DEV_STAFF_VERIFY_KEY,
        description=(
            "intake's public keys that staff session tokens are checked with: comma-separated "
            "<key id>:<base64url Ed25519 public key>; list the old and the new key while rotating"
        ),
    )
    staff_csrf_secret: SecretStr = Field(
        SecretStr(DEV_STAFF_CSRF_SECRET),
        description=(
            "key that binds the CSRF token of staff forms to the session; the same random value "
            "of 32+ characters in every service (it signs no session)"
        ),
    )
    staff_session_minutes: int = Field(
        480, ge=5, le=1440, description="how long a staff sign-in lasts before signing in again"
    )
    staff_idle_minutes: int = Field(
        30, ge=1, le=1440, description="how long a staff session lasts without being used"
    )
    staff_revocations_poll_seconds: float = Field(
        2.0, gt=0, description="how often each replica reloads the staff sessions ended elsewhere"
    )
    # -- end of staff identity ----------------------------------------------------------------
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
        "",
        description=(
            "the audience the provider's tokens must name (required in production); empty skips "
            "the check in development"
        ),
    )
    staff_oidc_roles_claim: str = Field(
        "roles",
        description="claim (dotted path, e.g. realm_access.roles) that lists DigitalWell roles",
    )

    # -- What the production rules below look at (a service adds its own) --------------------
    # URLs people follow (links in e-mails and pages): https and a real host in production.
    people_urls: ClassVar[tuple[str, ...]] = ("public_base_url", "staff_sign_in_url")
    # SMTP relays as (host setting, security setting): encrypted in production when the host is set.
    smtp_relays: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Switches for a developer's convenience that must be off in production, with the reason.
    development_only: ClassVar[Mapping[str, str]] = {}

    # -- HTTP guards: body limits, throttling, metrics port (issue 10, "input that cannot hurt")
    max_json_body_bytes: int = Field(
        262_144,
        ge=1024,
        description="largest request body accepted, except forms; a larger one is refused with 413",
    )
    max_form_body_bytes: int = Field(
        1_048_576, ge=1024, description="largest HTML form post accepted (urlencoded, multipart)"
    )
    throttle_enabled: bool | None = Field(
        None,
        description=(
            "throttle the public forms and APIs (429 with Retry-After); "
            "unset means on in production, off in development"
        ),
    )
    throttle_per_address: int = Field(
        30, ge=1, description="requests of one public form or API per client address and window"
    )
    throttle_per_email: int = Field(
        5, ge=1, description="requests of one public form or API per e-mail address and window"
    )
    throttle_window_seconds: int = Field(3600, ge=1, description="length of a throttling window")
    trusted_proxy_hops: int = Field(
        0,
        ge=0,
        le=10,
        description=(
            "how many proxies in front of the service add to X-Forwarded-For; the client address "
            "is the one the outermost of them saw; 0 uses the connection's address"
        ),
    )
    metrics_port: int = Field(
        0,
        ge=0,
        le=65535,
        description=(
            "port of a separate server for /metrics, which the Ingress must not expose; "
            "0 serves /metrics on the main port"
        ),
    )

    @property
    def throttling(self) -> bool:
        """Whether the public forms and APIs are throttled."""
        if self.throttle_enabled is None:
            return self.environment == "production"
        return self.throttle_enabled

    # -- end of HTTP guards
    # -- accessibility statement (issue 13) ------------------------------------------
    accessibility_statement_url: str = Field(
        "http://127.0.0.1:8000/accessibility",
        description="intake's accessibility statement, linked from every public page's footer",
    )
    # -- end accessibility statement ---------------------------------------------------

    @model_validator(mode="after")
    def _refuse_the_unsafe_in_production(self) -> Self:
        if self.environment != "production":
            return self
        problems = [problem for rule in PRODUCTION_RULES for problem in rule(self)]
        if problems:
            # Every problem at once, so an operator fixes the configuration in one round.
            raise ValueError("refused in production:\n- " + "\n- ".join(problems))
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


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def read_settings(settings_class: type[SettingsT]) -> SettingsT:
    """The service's settings from its environment, or exit naming what is wrong.

    pydantic's own message repeats the input, which holds every secret; this one does not.
    """
    try:
        return settings_class()
    except ValidationError as error:
        prefix = str(settings_class.model_config.get("env_prefix", ""))
        problems = [
            f"{prefix}{'_'.join(map(str, problem['loc'])).upper()}: {problem['msg']}"
            if problem["loc"]
            else problem["msg"].removeprefix("Value error, ")
            for problem in error.errors(include_url=False, include_input=False)
        ]
        raise SystemExit("invalid settings:\n  " + "\n  ".join(problems)) from None
