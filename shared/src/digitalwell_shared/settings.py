"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import ClassVar, Literal, Self, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LogFormat = Literal["auto", "json", "console"]
DEV_LINK_SECRET = "dev-only-link-secret-not-for-production"  # noqa: S105 - refused in production
DEV_STAFF_CSRF_SECRET = "dev-only-staff-csrf-secret-not-for-production"  # noqa: S105
# intake's development signing key's public half (the private half is in intake's settings).
DEV_STAFF_VERIFY_KEY = "dev:WaGoSXr65Ye8mEyjmUlU9MyAXUGoiOJ_ZNo9RcY802U"
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

    @model_validator(mode="after")
    def _refuse_the_unsafe_in_production(self) -> Self:
        if self.environment != "production":
            return self
        problems = [problem for rule in PRODUCTION_RULES for problem in rule(self)]
        if problems:
            # Every problem at once, so an operator fixes the configuration in one round.
            raise ValueError("refused in production:\n- " + "\n- ".join(problems))
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


# -- Production refusals ------------------------------------------------------------------------
# One function per rule. Each returns the problems it finds in a service's settings, every one
# naming the environment variable to change; ServiceSettings runs all of PRODUCTION_RULES when
# ENVIRONMENT=production and refuses to start while any problem remains.

ProductionRule = Callable[[ServiceSettings], list[str]]


def _variable(settings: ServiceSettings, field: str) -> str:
    return f"{settings.model_config.get('env_prefix', '')}{field.upper()}"


def is_loopback(host: str) -> bool:
    """True for localhost, *.localhost, 127.0.0.0/8, ::1 (also IPv4-mapped) and 0.0.0.0/::."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # Connecting to the unspecified address reaches this machine too.
    return address.is_loopback or address.is_unspecified


def _host_of(address: str) -> str:
    """The host of ``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address."""
    address = address.strip().rpartition("://")[2]
    try:
        return str(ipaddress.ip_address(address.strip("[]")))
    except ValueError:
        return urlsplit(f"//{address}").hostname or ""


def _mongodb_hosts(url: str) -> list[str]:
    """The hosts of a MongoDB connection string (``mongodb://user:pw@h1:1,h2:2/db?...``)."""
    authority = url.partition("://")[2]
    for end in "/?":
        authority = authority.partition(end)[0]
    return [_host_of(host) for host in authority.rpartition("@")[2].split(",") if host.strip()]


def public_url_is_set(settings: ServiceSettings) -> list[str]:
    """PUBLIC_BASE_URL is set: otherwise the links people get name the bind address."""
    if settings.public_base_url:
        return []  # its scheme and host are checked with the other URLs people follow
    return [
        (
            f"{_variable(settings, 'public_base_url')} must be set to the https:// URL people "
            "reach the service under"
        )
    ]


def urls_people_follow_are_https(settings: ServiceSettings) -> list[str]:
    """Links in e-mails and pages, and the sign-in page, use https: they carry tokens."""
    return [
        f"{_variable(settings, field)} must be an https:// URL (it is {value!r})"
        for field in settings.people_urls
        if (value := str(getattr(settings, field))) and urlsplit(value).scheme != "https"
    ]


def urls_people_follow_are_not_loopback(settings: ServiceSettings) -> list[str]:
    """Links people get name a host they can reach, not the server's own loopback address."""
    return [
        f"{_variable(settings, field)} must name a public host, not {host or 'no host'!r}"
        for field in settings.people_urls
        if (value := str(getattr(settings, field)))
        and ((host := urlsplit(value).hostname or "") == "" or is_loopback(host))
    ]


def _network_addresses(
    settings: ServiceSettings, field: str, what: str, hosts: list[str]
) -> list[str]:
    local = [host for host in hosts if is_loopback(host)]
    if hosts and not local:
        return []
    named = f", not the loopback address {', '.join(local)}" if local else ""
    return [f"{_variable(settings, field)} must name {what} by network address{named}"]


def broker_is_not_loopback(settings: ServiceSettings) -> list[str]:
    """The broker is a cluster every replica reaches, not a developer's local one."""
    hosts = [
        _host_of(entry) for entry in settings.kafka_bootstrap_servers.split(",") if entry.strip()
    ]
    return _network_addresses(settings, "kafka_bootstrap_servers", "the brokers", hosts)


def database_is_not_loopback(settings: ServiceSettings) -> list[str]:
    """The database is the service's own server on the network, not a developer's local one."""
    return _network_addresses(
        settings, "mongodb_url", "the database", _mongodb_hosts(settings.mongodb_url)
    )


def smtp_is_encrypted(settings: ServiceSettings) -> list[str]:
    """Every SMTP relay in use speaks TLS: e-mails hold personal data and signed links."""
    return [
        f"{_variable(settings, security)} must be starttls or tls: plain SMTP sends e-mails "
        "and the relay's password readable on the network"
        for host, security in settings.smtp_relays
        if getattr(settings, host) and getattr(settings, security) == "none"
    ]


def _secrets(settings: ServiceSettings) -> dict[str, SecretStr]:
    """The service's secret settings (typed SecretStr) by field name."""
    return {
        name: value
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    }


def _development_default(settings: ServiceSettings, field: str) -> str:
    """A secret's default: non-empty only for secrets that have a development value."""
    default = type(settings).model_fields[field].get_default(call_default_factory=True)
    return default.get_secret_value() if isinstance(default, SecretStr) else ""


def secrets_are_not_development_values(settings: ServiceSettings) -> list[str]:
    """A secret with a development default (published in this repository) is set for real."""
    return [
        f"{_variable(settings, field)} must be set to a random value of at least "
        f"{MIN_SECRET_LENGTH} characters in production (it has its published development value)"
        for field, secret in _secrets(settings).items()
        if (default := _development_default(settings, field))
        and secret.get_secret_value() == default
    ]


def secrets_are_long(settings: ServiceSettings) -> list[str]:
    """Signing secrets are long enough that nobody guesses them."""
    return [
        f"{_variable(settings, field)} must be set to a random value of at least "
        f"{MIN_SECRET_LENGTH} characters in production (it has {len(value)})"
        for field, secret in _secrets(settings).items()
        if _development_default(settings, field)
        and len(value := secret.get_secret_value()) < MIN_SECRET_LENGTH
    ]


def secrets_are_not_reused(settings: ServiceSettings) -> list[str]:
    """No two secrets share a value: one leaked would give away the other's power too."""
    by_value: defaultdict[str, list[str]] = defaultdict(list)
    for field, secret in _secrets(settings).items():
        if value := secret.get_secret_value():
            by_value[value].append(_variable(settings, field))
    return [
        f"{' and '.join(variables)} must not have the same value: each secret needs its own"
        for variables in by_value.values()
        if len(variables) > 1
    ]


def oidc_names_an_audience(settings: ServiceSettings) -> list[str]:
    """Provider tokens are checked for our audience, or a token for any app of the region works."""
    if not settings.staff_oidc_issuer or settings.staff_oidc_audience:
        return []
    return [
        (
            f"{_variable(settings, 'staff_oidc_audience')} must be set when "
            f"{_variable(settings, 'staff_oidc_issuer')} is: without it a token the provider "
            "issued for any other application would be accepted"
        )
    ]


def oidc_urls_are_https(settings: ServiceSettings) -> list[str]:
    """The provider and its signing keys are reached over TLS, or anyone between could swap keys."""
    return [
        f"{_variable(settings, field)} must be an https:// URL (it is {value!r})"
        for field in ("staff_oidc_issuer", "staff_oidc_jwks_url")
        if (value := str(getattr(settings, field))) and urlsplit(value).scheme != "https"
    ]


def staff_tokens_are_not_verified_with_the_development_key(
    settings: ServiceSettings,
) -> list[str]:
    """The development key's private half is in this repository: anyone could mint a session."""
    listed = settings.staff_verify_keys.replace(" ", "").split(",")
    if DEV_STAFF_VERIFY_KEY not in listed:
        return []
    return [f"{_variable(settings, 'staff_verify_keys')} must not list the development key"]


def development_switches_are_off(settings: ServiceSettings) -> list[str]:
    """A developer's conveniences (such as the demo accounts) stay off."""
    return [
        f"{_variable(settings, field)} must be false in production: {reason}"
        for field, reason in settings.development_only.items()
        if getattr(settings, field)
    ]


PRODUCTION_RULES: tuple[ProductionRule, ...] = (
    public_url_is_set,
    urls_people_follow_are_https,
    urls_people_follow_are_not_loopback,
    broker_is_not_loopback,
    database_is_not_loopback,
    smtp_is_encrypted,
    secrets_are_not_development_values,
    secrets_are_long,
    secrets_are_not_reused,
    oidc_names_an_audience,
    oidc_urls_are_https,
    staff_tokens_are_not_verified_with_the_development_key,
    development_switches_are_off,
)
