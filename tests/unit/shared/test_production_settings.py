"""Production refuses the unsafe: each rule of PRODUCTION_RULES, with the variable it names."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from digitalwell_intake.settings import Settings as IntakeSettings
from digitalwell_notify.settings import Settings as NotifySettings
from digitalwell_shared import settings as shared
from digitalwell_shared.settings import (
    DEV_LINK_SECRET,
    PRODUCTION_RULES,
    ServiceSettings,
    is_loopback,
    read_settings,
)
from tests.support.signing import production_event_settings

LINK_SECRET = "k3PqL9vX2mN8rT5wY7zA1bC4dE6fG0hJ"
SESSION_SECRET = "Zt8sW1qR4yU7iO0pA3sD6fG9hJ2kL5xC"
HOST = "https://digitalwell.example.org"
# A staff token key pair of this test's own (never a real one).
STAFF_SIGNING_KEY = "prod-1:ZAqJLsSNvILQEcO_UIhaAs20fG9oavsCPgZhW8yb6Gg"
STAFF_VERIFY_KEY = "prod-1:4WcxmNv6XLQkm2tGRFFhmOH04UAkYmIC7BBUQdIMRwU"


def _safe(settings_class: type[ServiceSettings]) -> dict[str, Any]:
    """Values a production deployment of ``settings_class`` starts with."""
    values: dict[str, Any] = {
        "environment": "production",
        "kafka_bootstrap_servers": "kafka-0.kafka.svc:9092,kafka-1.kafka.svc:9092",
        "mongodb_url": "mongodb://intake:pw@mongo-0.mongodb.svc:27017,mongo-1:27017/?replicaSet=rs0",
        "public_base_url": f"{HOST}/council",
        "staff_sign_in_url": f"{HOST}/staff/sign-in",
        "link_secret": LINK_SECRET,
        "staff_csrf_secret": SESSION_SECRET,
        "staff_verify_keys": STAFF_VERIFY_KEY,
    }
    service = {IntakeSettings: "intake", NotifySettings: "notify"}.get(settings_class, "council")
    values |= production_event_settings(service)
    if settings_class is ServiceSettings:
        values |= {"mongodb_database": "council", "http_port": 8001}
    if settings_class is IntakeSettings:
        values |= {f"{name}_url": f"{HOST}/{name}" for name in ("council", "forum", "notify")}
        values |= {"staff_signing_key": STAFF_SIGNING_KEY}
    if settings_class is NotifySettings:
        values |= {"intake_url": HOST, "forum_url": f"{HOST}/forum", "smtp_security": "starttls"}
    return values


@pytest.mark.parametrize("settings_class", [ServiceSettings, IntakeSettings, NotifySettings])
def test_safe_production_settings_start(settings_class: type[ServiceSettings]) -> None:
    settings = settings_class(**_safe(settings_class))

    assert settings.environment == "production"
    assert [rule.__name__ for rule in PRODUCTION_RULES if rule(settings)] == []


# (rule, settings class, what is changed from safe, what the refusal says)
CASES: list[tuple[shared.ProductionRule, type[ServiceSettings], dict[str, Any], str]] = [
    (
        shared.public_url_is_set,
        ServiceSettings,
        {"public_base_url": ""},
        "PUBLIC_BASE_URL must be set to the https:// URL",
    ),
    (
        shared.urls_people_follow_are_https,
        ServiceSettings,
        {"public_base_url": "http://digitalwell.example.org/council"},
        "PUBLIC_BASE_URL must be an https:// URL (it is 'http://digitalwell.example.org/council')",
    ),
    (
        shared.urls_people_follow_are_https,
        ServiceSettings,
        {"staff_sign_in_url": "http://digitalwell.example.org/staff/sign-in"},
        "STAFF_SIGN_IN_URL must be an https:// URL",
    ),
    (
        shared.urls_people_follow_are_https,
        IntakeSettings,
        {"forum_url": "http://digitalwell.example.org/forum"},
        "INTAKE_FORUM_URL must be an https:// URL",
    ),
    (
        shared.urls_people_follow_are_https,
        NotifySettings,
        {"intake_url": "http://digitalwell.example.org"},
        "NOTIFY_INTAKE_URL must be an https:// URL",
    ),
    (
        shared.urls_people_follow_are_not_loopback,
        ServiceSettings,
        {"public_base_url": "https://localhost:8001"},
        "PUBLIC_BASE_URL must name a public host, not 'localhost'",
    ),
    (
        shared.urls_people_follow_are_not_loopback,
        NotifySettings,
        {"forum_url": "https://[::1]:8002"},
        "NOTIFY_FORUM_URL must name a public host, not '::1'",
    ),
    (
        shared.broker_is_not_loopback,
        IntakeSettings,
        {"kafka_bootstrap_servers": "kafka-0.kafka.svc:9092, 127.0.0.1:9092"},
        (
            "INTAKE_KAFKA_BOOTSTRAP_SERVERS must name the brokers by network address, "
            "not the loopback address 127.0.0.1"
        ),
    ),
    (
        shared.broker_is_not_loopback,
        IntakeSettings,
        {"kafka_bootstrap_servers": "localhost:9092"},
        (
            "INTAKE_KAFKA_BOOTSTRAP_SERVERS must name the brokers by network address, "
            "not the loopback address localhost"
        ),
    ),
    (
        shared.database_is_not_loopback,
        NotifySettings,
        {"mongodb_url": "mongodb://notify:pw@127.0.0.2:27017/?replicaSet=rs0"},
        (
            "NOTIFY_MONGODB_URL must name the database by network address, "
            "not the loopback address 127.0.0.2"
        ),
    ),
    (
        shared.database_is_not_loopback,
        NotifySettings,
        {"mongodb_url": "mongodb://mongo-0:27017,[::1]:27018/notify"},
        (
            "NOTIFY_MONGODB_URL must name the database by network address, "
            "not the loopback address ::1"
        ),
    ),
    (
        shared.smtp_is_encrypted,
        NotifySettings,
        {"smtp_security": "none"},
        "NOTIFY_SMTP_SECURITY must be starttls or tls: plain SMTP",
    ),
    (
        shared.smtp_is_encrypted,
        NotifySettings,
        {"fallback_smtp_host": "smtp2.example.org", "fallback_smtp_security": "none"},
        "NOTIFY_FALLBACK_SMTP_SECURITY must be starttls or tls",
    ),
    (
        shared.secrets_are_not_development_values,
        ServiceSettings,
        {"link_secret": DEV_LINK_SECRET},
        (
            "LINK_SECRET must be set to a random value of at least 32 characters in production "
            "(it has its published development value)"
        ),
    ),
    (
        shared.secrets_are_long,
        IntakeSettings,
        {"staff_csrf_secret": "x" * 31},
        (
            "INTAKE_STAFF_CSRF_SECRET must be set to a random value of at least 32 characters "
            "in production (it has 31)"
        ),
    ),
    (
        shared.secrets_are_not_reused,
        IntakeSettings,
        {"staff_csrf_secret": LINK_SECRET},
        "INTAKE_LINK_SECRET and INTAKE_STAFF_CSRF_SECRET must not have the same value",
    ),
    (
        shared.secrets_are_not_reused,
        IntakeSettings,
        {"staff_oidc_client_secret": SESSION_SECRET},
        "INTAKE_STAFF_CSRF_SECRET and INTAKE_STAFF_OIDC_CLIENT_SECRET must not have the same",
    ),
    (
        shared.oidc_names_an_audience,
        ServiceSettings,
        {"staff_oidc_issuer": "https://login.region.example"},
        "STAFF_OIDC_AUDIENCE must be set when STAFF_OIDC_ISSUER is",
    ),
    (
        shared.oidc_urls_are_https,
        ServiceSettings,
        {"staff_oidc_issuer": "http://login.region.example", "staff_oidc_audience": "dw"},
        "STAFF_OIDC_ISSUER must be an https:// URL",
    ),
    (
        shared.staff_tokens_are_not_verified_with_the_development_key,
        ServiceSettings,
        {"staff_verify_keys": f"{STAFF_VERIFY_KEY},{shared.DEV_STAFF_VERIFY_KEY}"},
        "STAFF_VERIFY_KEYS must not list the development key",
    ),
    (
        shared.events_are_signed_with_keys_of_their_own,
        ServiceSettings,
        {"event_signing_key": ""},
        "EVENT_SIGNING_KEY must be a key of its own",
    ),
    (
        shared.broker_connection_is_secured,
        ServiceSettings,
        {"kafka_security_protocol": "PLAINTEXT"},
        "KAFKA_SECURITY_PROTOCOL PLAINTEXT is refused",
    ),
    (
        shared.broker_connection_is_secured,
        ServiceSettings,
        {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "PLAIN"},
        "KAFKA_SASL_MECHANISM PLAIN needs KAFKA_SECURITY_PROTOCOL SASL_SSL",
    ),
    (
        shared.development_switches_are_off,
        IntakeSettings,
        {"seed_demo_staff": True},
        (
            "INTAKE_SEED_DEMO_STAFF must be false in production: the demo accounts share a "
            "published password"
        ),
    ),
]


def _case_id(case: tuple[Any, ...]) -> str:
    rule, settings_class, changes, _message = case
    return f"{rule.__name__}-{settings_class.__module__.split('.')[0]}-{'-'.join(changes)}"


@pytest.mark.parametrize("case", CASES, ids=[_case_id(case) for case in CASES])
def test_each_rule_names_the_variable_it_refuses(case: tuple[Any, ...]) -> None:
    rule, settings_class, changes, message = case
    unsafe = _safe(settings_class) | changes

    # The rule alone, on the same values in development (where they are allowed) ...
    problems = rule(settings_class(**(unsafe | {"environment": "development"})))
    assert len(problems) == 1
    assert message in problems[0]
    # ... and production refusing to start with them.
    with pytest.raises(ValidationError) as refused:
        settings_class(**unsafe)
    assert message in str(refused.value)


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(PRODUCTION_RULES)


def test_development_accepts_the_defaults_of_every_service() -> None:
    for settings_class in (IntakeSettings, NotifySettings):
        assert settings_class().environment == "development"


def test_production_lists_every_problem_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        NotifySettings(environment="production")

    text = str(refused.value)
    for variable in (
        "NOTIFY_PUBLIC_BASE_URL",
        "NOTIFY_KAFKA_BOOTSTRAP_SERVERS",
        "NOTIFY_MONGODB_URL",
        "NOTIFY_SMTP_SECURITY",
        "NOTIFY_LINK_SECRET",
        "NOTIFY_STAFF_CSRF_SECRET",
        "NOTIFY_STAFF_VERIFY_KEYS",
    ):
        assert variable in text


def test_a_fallback_relay_that_is_not_set_needs_no_tls() -> None:
    settings = NotifySettings(**_safe(NotifySettings), fallback_smtp_security="none")

    assert shared.smtp_is_encrypted(settings) == []


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("db.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),  # noqa: S104 - a connect address here, not a bind address
        ("10.0.0.5", False),
        ("kafka.kafka.svc.cluster.local", False),
        ("localhost-db.example.org", False),
        ("2001:db8::1", False),
    ],
)
def test_loopback_addresses_are_recognised(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_refused_settings_exit_naming_the_variable_without_the_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTAKE_ENVIRONMENT", "production")
    monkeypatch.setenv("INTAKE_LINK_SECRET", "a-secret-nobody-may-read-in-logs")
    monkeypatch.setenv("INTAKE_STAFF_CSRF_SECRET", "a-secret-nobody-may-read-in-logs")

    with pytest.raises(SystemExit) as exited:
        read_settings(IntakeSettings)

    message = str(exited.value.code)
    assert "INTAKE_LINK_SECRET and INTAKE_STAFF_CSRF_SECRET must not have the same" in message
    assert "a-secret-nobody" not in message


def test_a_setting_of_the_wrong_type_exits_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INTAKE_HTTP_PORT", "eighty")

    with pytest.raises(SystemExit) as exited:
        read_settings(IntakeSettings)

    assert "INTAKE_HTTP_PORT: Input should be a valid integer" in str(exited.value.code)
    assert "eighty" not in str(exited.value.code)
