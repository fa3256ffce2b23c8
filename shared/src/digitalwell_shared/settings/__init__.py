"""Settings every service shares; each service subclasses ServiceSettings with its env prefix.

- ``model``: ``ServiceSettings`` (broker, database, HTTP, logging, signing, staff identity,
  guards) and ``read_settings``, which exits naming what is wrong without echoing secrets;
- ``production``: ``PRODUCTION_RULES``, one function per rule, each returning the problems it
  finds, run by ``ServiceSettings`` when ``ENVIRONMENT=production``;
- ``development``: the published development values that production refuses.
"""

from __future__ import annotations

from digitalwell_shared.settings.development import (
    DEV_LINK_SECRET,
    DEV_STAFF_CSRF_SECRET,
    DEV_STAFF_VERIFY_KEY,
)
from digitalwell_shared.settings.model import LogFormat, ServiceSettings, SettingsT, read_settings
from digitalwell_shared.settings.production import (
    MIN_SECRET_LENGTH,
    PRODUCTION_RULES,
    ProductionRule,
    broker_connection_is_secured,
    broker_is_not_loopback,
    database_is_not_loopback,
    development_switches_are_off,
    events_are_signed_with_keys_of_their_own,
    is_loopback,
    oidc_names_an_audience,
    oidc_urls_are_https,
    public_url_is_set,
    secrets_are_long,
    secrets_are_not_development_values,
    secrets_are_not_reused,
    smtp_is_encrypted,
    staff_tokens_are_not_verified_with_the_development_key,
    urls_people_follow_are_https,
    urls_people_follow_are_not_loopback,
)

__all__ = [
    "DEV_LINK_SECRET",
    "DEV_STAFF_CSRF_SECRET",
    "DEV_STAFF_VERIFY_KEY",
    "MIN_SECRET_LENGTH",
    "PRODUCTION_RULES",
    "LogFormat",
    "ProductionRule",
    "ServiceSettings",
    "SettingsT",
    "broker_connection_is_secured",
    "broker_is_not_loopback",
    "database_is_not_loopback",
    "development_switches_are_off",
    "events_are_signed_with_keys_of_their_own",
    "is_loopback",
    "oidc_names_an_audience",
    "oidc_urls_are_https",
    "public_url_is_set",
    "read_settings",
    "secrets_are_long",
    "secrets_are_not_development_values",
    "secrets_are_not_reused",
    "smtp_is_encrypted",
    "staff_tokens_are_not_verified_with_the_development_key",
    "urls_people_follow_are_https",
    "urls_people_follow_are_not_loopback",
]
