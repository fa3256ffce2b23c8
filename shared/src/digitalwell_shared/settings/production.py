"""What ``ENVIRONMENT=production`` refuses: one function per rule, all in ``PRODUCTION_RULES``."""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias
from urllib.parse import urlsplit

from pydantic import SecretStr

from digitalwell_shared.settings.development import DEV_STAFF_VERIFY_KEY
from digitalwell_shared.signing import (
    development_public_keys,
    load_private_key,
    parse_public_keys,
    public_key_text,
)

if TYPE_CHECKING:
    from digitalwell_shared.settings.model import ServiceSettings

MIN_SECRET_LENGTH = 32

# -- Production refusals ------------------------------------------------------------------------
# One function per rule. Each returns the problems it finds in a service's settings, every one
# naming the environment variable to change; ServiceSettings runs all of PRODUCTION_RULES when
# ENVIRONMENT=production and refuses to start while any problem remains.

ProductionRule: TypeAlias = Callable[["ServiceSettings"], list[str]]


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


def events_are_signed_with_keys_of_their_own(settings: ServiceSettings) -> list[str]:
    """Development keys are in this repository: anyone could sign an event with them."""
    problems = []
    signing_key = settings.event_signing_key.get_secret_value()
    dev_keys = set(development_public_keys().values())
    if not signing_key or public_key_text(load_private_key(signing_key)) in dev_keys:
        problems.append(f"{_variable(settings, 'event_signing_key')} must be a key of its own")
    if not settings.event_signing_key_id:
        problems.append(f"{_variable(settings, 'event_signing_key_id')} must be set")
    public_keys = parse_public_keys(settings.event_public_keys)
    if not public_keys or dev_keys & set(public_keys.values()):
        problems.append(
            f"{_variable(settings, 'event_public_keys')} must list the services' own keys, "
            "no development key"
        )
    return problems


def broker_connection_is_secured(settings: ServiceSettings) -> list[str]:
    """Anyone on the path could read events or, with PLAIN, the password itself."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return [f"{_variable(settings, 'kafka_security_protocol')} PLAINTEXT is refused"]
    if protocol == "SASL_PLAINTEXT" and settings.kafka_sasl_mechanism == "PLAIN":
        mechanism = _variable(settings, "kafka_sasl_mechanism")
        return [
            f"{mechanism} PLAIN needs {_variable(settings, 'kafka_security_protocol')} SASL_SSL"
        ]
    return []


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
    events_are_signed_with_keys_of_their_own,
    broker_connection_is_secured,
    development_switches_are_off,
)
