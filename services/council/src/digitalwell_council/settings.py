"""council's settings: the shared ones under the COUNCIL_ prefix, plus who sits on the council."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from digitalwell_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Settings of the council service, read from COUNCIL_* environment variables."""

    model_config = SettingsConfigDict(env_prefix="COUNCIL_", extra="ignore", frozen=True)

    mongodb_database: str = "digitalwell_council"
    http_port: int = 8001
    members: str = Field(
        "",
        description=(
            "comma-separated e-mail addresses of the council's members, so a case lists who has "
            "not scored it yet; anyone who scores or declares a conflict is added as they do"
        ),
    )

    # -- how the council decides (issue 13) --
    quorum: int = Field(
        2,
        ge=1,
        description=(
            "how many council members without a conflict of interest must have scored every "
            "criterion before the chair may decide a case"
        ),
    )
    # -- end of how the council decides --

    @property
    def member_addresses(self) -> tuple[str, ...]:
        """The council's addresses from ``members``, lower case, each once."""
        return tuple(
            dict.fromkeys(part.strip().lower() for part in self.members.split(",") if part.strip())
        )
