"""intake's settings: developer defaults work, production refuses the unsafe ones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from digitalwell_intake.settings import Settings
from digitalwell_shared.settings import DEV_LINK_SECRET, DEV_STAFF_VERIFY_KEY
from tests.support.signing import production_event_settings

STRONG = "k3PqL9vX2mN8rT5wY7zA1bC4dE6fG0hJ"
OTHER_STRONG = "Zt8sW1qR4yU7iO0pA3sD6fG9hJ2kL5xC"
HOST = "https://ansok.example.se"
# A key pair of this test's own (never a real one), as production needs.
SIGNING_KEY = "prod-1:ZAqJLsSNvILQEcO_UIhaAs20fG9oavsCPgZhW8yb6Gg"
VERIFY_KEY = "prod-1:4WcxmNv6XLQkm2tGRFFhmOH04UAkYmIC7BBUQdIMRwU"
# Everything else production needs (the shared rules are tested in tests/unit/shared).
DEPLOYED = {
    "kafka_bootstrap_servers": "kafka.kafka.svc:9092",
    "mongodb_url": "mongodb://mongodb.mongodb.svc:27017/?replicaSet=rs0",
    "staff_sign_in_url": f"{HOST}/staff/sign-in",
    "council_url": f"{HOST}/council",
    "forum_url": f"{HOST}/forum",
    "notify_url": f"{HOST}/notify",
    "staff_csrf_secret": OTHER_STRONG,
    "staff_signing_key": SIGNING_KEY,
    "staff_verify_keys": VERIFY_KEY,
    **production_event_settings("intake"),
}


def test_the_defaults_serve_a_developer() -> None:
    settings = Settings()

    assert settings.http_port == 8000
    assert settings.mongodb_database == "digitalwell_intake"
    assert settings.link_secret.get_secret_value() == DEV_LINK_SECRET
    assert settings.duplicate_window_seconds == 600


def test_settings_come_from_intake_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_HTTP_PORT", "9100")
    monkeypatch.setenv("INTAKE_LINK_SECRET", STRONG)

    settings = Settings()

    assert settings.http_port == 9100
    assert settings.link_secret.get_secret_value() == STRONG
    assert STRONG not in repr(settings)


def test_production_refuses_the_dev_secret() -> None:
    with pytest.raises(ValidationError, match="INTAKE_LINK_SECRET"):
        Settings(**DEPLOYED, environment="production", public_base_url=HOST)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32"):
        Settings(**DEPLOYED, environment="production", public_base_url=HOST, link_secret="short")


def test_production_needs_a_public_base_url() -> None:
    with pytest.raises(ValidationError, match="INTAKE_PUBLIC_BASE_URL"):
        Settings(
            **DEPLOYED,
            environment="production",
            link_secret=STRONG,
        )


def test_production_with_a_secret_and_an_address_starts() -> None:
    settings = Settings(
        **DEPLOYED,
        environment="production",
        public_base_url="https://ansok.example.se/",
        link_secret=STRONG,
    )

    assert settings.base_url == "https://ansok.example.se"


def test_production_refuses_the_dev_staff_csrf_secret() -> None:
    deployed = {name: value for name, value in DEPLOYED.items() if name != "staff_csrf_secret"}
    with pytest.raises(ValidationError, match="INTAKE_STAFF_CSRF_SECRET"):
        Settings(**deployed, environment="production", public_base_url=HOST, link_secret=STRONG)


def test_production_refuses_the_development_signing_key() -> None:
    with pytest.raises(ValidationError, match="development key"):
        Settings(
            **DEPLOYED | {"staff_verify_keys": f"{VERIFY_KEY},{DEV_STAFF_VERIFY_KEY}"},
            environment="production",
            public_base_url=HOST,
            link_secret=STRONG,
        )


def test_the_signing_key_must_be_one_the_services_verify() -> None:
    with pytest.raises(ValidationError, match="INTAKE_STAFF_VERIFY_KEYS"):
        Settings(staff_signing_key=SIGNING_KEY)


def test_sign_in_is_throttled_in_production_and_not_in_development() -> None:
    production = Settings(
        **DEPLOYED, environment="production", public_base_url=HOST, link_secret=STRONG
    )

    assert production.sign_in_throttled
    assert production.totp_required
    assert not Settings().sign_in_throttled
    assert Settings(staff_sign_in_throttle=True).sign_in_throttled


def test_production_refuses_seeding_the_demo_staff() -> None:
    with pytest.raises(ValidationError, match="INTAKE_SEED_DEMO_STAFF"):
        Settings(
            **DEPLOYED,
            environment="production",
            public_base_url=HOST,
            link_secret=STRONG,
            seed_demo_staff=True,
        )


@pytest.mark.parametrize(
    ("password", "environment", "message"),
    [
        ("", "development", "at least 12"),
        ("too-short", "development", "at least 12"),
        ("digitalwell-dev", "production", "demo password"),
    ],
)
def test_a_bootstrap_administrator_needs_a_usable_password(
    password: str, environment: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(
            **DEPLOYED,
            environment=environment,
            public_base_url=HOST,
            link_secret=STRONG,
            bootstrap_admin_email="it@region.example",
            bootstrap_admin_password=password,
        )
