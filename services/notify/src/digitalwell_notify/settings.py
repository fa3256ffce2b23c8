"""notify's settings: the shared ones plus SMTP delivery, under the NOTIFY_ prefix."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the notify service, read from NOTIFY_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", frozen=True)
    # What the shared production rules check (digitalwell_shared.settings.PRODUCTION_RULES).
    people_urls: ClassVar[tuple[str, ...]] = (
        *ServiceSettings.people_urls,
        "intake_url",
        "forum_url",
    )
    smtp_relays: ClassVar[tuple[tuple[str, str], ...]] = (
        ("smtp_host", "smtp_security"),
        ("fallback_smtp_host", "fallback_smtp_security"),
    )

    mongodb_database: str = "digitalwell_notify"
    http_port: int = 8003

    smtp_host: str = Field("127.0.0.1", description="SMTP relay host")
    smtp_port: int = Field(1025, description="SMTP relay port")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="none, starttls (upgrade a plain connection) or tls (implicit TLS)"
    )
    smtp_username: str = Field("", description="SMTP user; empty means no authentication")
    smtp_password: str = Field("", description="SMTP password")
    smtp_timeout_seconds: float = Field(30, gt=0, description="time allowed for one SMTP exchange")
    fallback_smtp_host: str = Field(
        "", description="a second SMTP relay that takes over while the first keeps failing"
    )
    fallback_smtp_port: int = Field(587, description="port of the second relay")
    fallback_smtp_security: Literal["none", "starttls", "tls"] = Field(
        "starttls", description="TLS mode of the second relay"
    )
    fallback_smtp_username: str = Field("", description="user on the second relay")
    fallback_smtp_password: str = Field("", description="password on the second relay")
    fallback_after_failures: int = Field(
        3, ge=1, description="consecutive temporary failures of the first relay before the second"
    )
    templates_dir: Path | None = Field(
        None,
        description="a folder that replaces the built-in e-mail templates (same file names)",
    )
    contact_email: str = Field(
        "kontakt@digitalwell.example",
        description="where people write to the programme, e.g. to ask for reconsideration",
    )
    mail_from: str = Field(
        "DigitalWell <noreply@digitalwell.example>", description="the From header of every e-mail"
    )
    message_id_domain: str = Field(
        "digitalwell.example", description="right-hand side of the Message-IDs notify makes"
    )
    send_concurrency: int = Field(8, ge=1, description="SMTP connections open at the same time")
    send_batch_size: int = Field(
        50,
        ge=1,
        description="e-mails claimed together (each is recorded as its SMTP exchange ends)",
    )
    delivery_lease_seconds: float = Field(
        5,
        gt=0,
        description=(
            "how long a claim on e-mails lasts without renewal: a notify that died is taken "
            "over after this; a live one renews it every third of it while it sends"
        ),
    )
    smtp_probe_seconds: float = Field(
        5,
        gt=0,
        description=(
            "while the SMTP relay is away, how often one cheap connection checks whether it is "
            "back; when it is, e-mails waiting for it are sent at once"
        ),
    )
    retry_base_seconds: float = Field(2, gt=0, description="first wait after a temporary failure")
    retry_max_interval_seconds: float = Field(300, gt=0, description="longest wait between tries")
    retry_for_seconds: float = Field(
        86400, gt=0, description="how long temporary failures are retried before giving up"
    )
    intake_url: str = Field(
        "http://127.0.0.1:8000", description="public URL of intake, for status and withdraw links"
    )
    forum_url: str = Field(
        "http://127.0.0.1:8002", description="public URL of forum, for booking links"
    )

    # -- Signed links: how long they work (issue 10) ------------------------------------------
    unsubscribe_link_days: int = Field(
        365,
        ge=1,
        description=(
            "days after an e-mail was written that its unsubscribe link works (links sent "
            "before links carried an expiry get the same lifetime, from the e-mail's date)"
        ),
    )
    # -- end of signed links --------------------------------------------------------------------
