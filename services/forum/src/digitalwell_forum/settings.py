"""forum's settings: the shared ones under the FORUM_ prefix."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the forum service, read from FORUM_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="FORUM_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_forum"
    http_port: int = 8002
