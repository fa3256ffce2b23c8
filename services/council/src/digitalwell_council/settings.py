"""council's settings: the shared ones under the COUNCIL_ prefix, plus who sits on the council."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings

# The accounts `make run` seeds at intake; fine on a developer's machine, never in production.
DEMO_COUNCIL = ("chair@example.org", "member1@example.org", "member2@example.org")


class Settings(ServiceSettings):
    """Settings of the council service, read from COUNCIL_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_council"
    http_port: int = 8001
    members: Annotated[tuple[str, ...], NoDecode] = Field(
        DEMO_COUNCIL,
        description=(
            "comma-separated e-mail addresses of the council's members: the case page lists "
            "those who have not scored yet (anyone else who scores is added as they do)"
        ),
    )

    @field_validator("members", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("members")
    @classmethod
    def _normalise_addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(address.lower() for address in value))

    @model_validator(mode="after")
    def _refuse_the_demo_council_in_production(self) -> Self:
        if self.environment == "production" and any(
            address in DEMO_COUNCIL for address in self.members
        ):
            raise ValueError(
                "COUNCIL_MEMBERS must list the council's own e-mail addresses in production, "
                "not the demo accounts"
            )
        return self
