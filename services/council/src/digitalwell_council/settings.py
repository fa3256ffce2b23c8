"""council's settings: the shared ones under the COUNCIL_ prefix."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the council service, read from COUNCIL_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_council"
    http_port: int = 8001
