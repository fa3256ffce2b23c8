"""intake's settings: developer defaults work, production refuses the unsafe ones."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from digitalwell_intake.settings import Settings
from digitalwell_shared.settings import DEV_LINK_SECRET
from tests.support.signing import production_event_settings

STRONG = "k3PqL9vX2mN8rT5wY7zA1bC4dE6fG0hJ"
EVENTS = production_event_settings("intake")


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
        Settings(environment="production", public_base_url="https://ansok.example.se")


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ValidationError, match="32"):
        Settings(
            environment="production",
            public_base_url="https://ansok.example.se",
            link_secret="short",
        )


def test_production_needs_a_public_base_url() -> None:
    with pytest.raises(ValidationError, match="INTAKE_PUBLIC_BASE_URL"):
        Settings(
            environment="production", link_secret=STRONG, staff_session_secret=STRONG, **EVENTS
        )


def test_production_with_a_secret_and_an_address_starts() -> None:
    settings = Settings(
        environment="production",
        public_base_url="https://ansok.example.se/",
        link_secret=STRONG,
        staff_session_secret=STRONG,
        **EVENTS,
    )

    assert settings.base_url == "https://ansok.example.se"


def test_production_refuses_the_dev_staff_session_secret() -> None:
    with pytest.raises(ValidationError, match="INTAKE_STAFF_SESSION_SECRET"):
        Settings(
            environment="production", public_base_url="https://ansok.example.se", link_secret=STRONG
        )


def test_production_refuses_seeding_the_demo_staff() -> None:
    with pytest.raises(ValidationError, match="INTAKE_SEED_DEMO_STAFF"):
        Settings(
            environment="production",
            public_base_url="https://ansok.example.se",
            link_secret=STRONG,
            staff_session_secret=STRONG,
            seed_demo_staff=True,
            **EVENTS,
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
            environment=environment,
            public_base_url="https://ansok.example.se",
            link_secret=STRONG,
            staff_session_secret=STRONG,
            bootstrap_admin_email="it@region.example",
            bootstrap_admin_password=password,
            **EVENTS,
        )
