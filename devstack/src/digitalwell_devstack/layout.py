"""What the embedded system is made of: the services, their databases and every port."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from digitalwell_devstack.ports import PortSettingError, free_port, port_from_env

HOST = "127.0.0.1"
"""Everything binds the loopback address only: this is a developer's machine, not a server."""

# What intake seeds with INTAKE_SEED_DEMO_STAFF (digitalwell_intake.usecases.accounts.DEMO_STAFF),
# shown so a newcomer can sign in; devstack runs the services as processes and does not import
# them.
DEMO_STAFF_PASSWORD = "digitalwell-dev"  # noqa: S105 - published demo password, development only


@dataclass(frozen=True)
class ServiceSpec:
    """One service: its name (also its env prefix), the module that runs it, and its HTTP port."""

    name: str
    module: str
    port: int
    sends_mail: bool = False

    @property
    def env_prefix(self) -> str:
        """The prefix of the service's settings, e.g. ``INTAKE_``."""
        return f"{self.name.upper()}_"

    @property
    def port_env_var(self) -> str:
        """The variable that moves its port, e.g. ``DIGITALWELL_INTAKE_PORT``."""
        return f"DIGITALWELL_{self.name.upper()}_PORT"


DEFAULT_SERVICES = (
    ServiceSpec("intake", "digitalwell_intake", 8000),
    ServiceSpec("council", "digitalwell_council", 8001),
    ServiceSpec("forum", "digitalwell_forum", 8002),
    ServiceSpec("notify", "digitalwell_notify", 8003, sends_mail=True),
)

DEFAULT_DATABASE_PORTS: Mapping[str, int] = {
    "intake": 27017,
    "council": 27018,
    "forum": 27019,
    "notify": 27020,
}
"""Each service's own SecantusDB server (one process each, so they do not share one core)."""


def database_env_var(service: str) -> str:
    """The variable that moves a service's database port: ``DIGITALWELL_<SERVICE>_MONGODB_PORT``."""
    return f"DIGITALWELL_{service.upper()}_MONGODB_PORT"


def database_process_name(service: str) -> str:
    """The name of a service's database server among the stack's processes, e.g. ``intake-db``."""
    return f"{service}-db"


DEFAULT_DATABASES = tuple(database_process_name(s.name) for s in DEFAULT_SERVICES)
"""The database servers' process names in a stack of the four services (the fault suite kills
them all for "the database")."""

_RETIRED_MONGODB_PORT = "DIGITALWELL_MONGODB_PORT"


@dataclass(frozen=True)
class StackPorts:
    """The ports of the broker, the databases (one per service), the mail sink and the S3 store."""

    kafka: int = 9092
    smtp: int = 1025
    mail_ui: int = 8025
    s3: int = 9000
    databases: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_DATABASE_PORTS))
    """Service name → the port of that service's own SecantusDB."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Self:
        """The defaults, moved by DIGITALWELL_{KAFKA,SMTP,MAIL_UI,S3,<SERVICE>_MONGODB}_PORT."""
        if environ.get(_RETIRED_MONGODB_PORT, "").strip():
            moved = ", ".join(database_env_var(name) for name in DEFAULT_DATABASE_PORTS)
            raise PortSettingError(
                f"{_RETIRED_MONGODB_PORT} is no longer read: each service has its own database "
                f"server now; set {moved}"
            )
        defaults = cls()
        return cls(
            kafka=port_from_env(environ, "DIGITALWELL_KAFKA_PORT", defaults.kafka),
            smtp=port_from_env(environ, "DIGITALWELL_SMTP_PORT", defaults.smtp),
            mail_ui=port_from_env(environ, "DIGITALWELL_MAIL_UI_PORT", defaults.mail_ui),
            s3=port_from_env(environ, "DIGITALWELL_S3_PORT", defaults.s3),
            databases={
                name: port_from_env(environ, database_env_var(name), port)
                for name, port in defaults.databases.items()
            },
        )

    @classmethod
    def free(cls, host: str = HOST) -> Self:
        """Ports nothing uses right now, for a stack beside another one (tests)."""
        return cls(
            kafka=free_port(host),
            smtp=free_port(host),
            mail_ui=free_port(host),
            s3=free_port(host),
            databases={name: free_port(host) for name in DEFAULT_DATABASE_PORTS},
        )

    def database(self, service: str) -> int:
        """The port of ``service``'s database; a KeyError naming the service when it has none."""
        try:
            return self.databases[service]
        except KeyError:
            known = sorted(self.databases)
            raise KeyError(f"no database port for {service!r} among {known}") from None


def services_from_env(
    environ: Mapping[str, str], services: Sequence[ServiceSpec] = DEFAULT_SERVICES
) -> list[ServiceSpec]:
    """The services with their ports moved by DIGITALWELL_<NAME>_PORT."""
    return [
        ServiceSpec(s.name, s.module, port_from_env(environ, s.port_env_var, s.port), s.sends_mail)
        for s in services
    ]


def data_dir_from_env(environ: Mapping[str, str]) -> Path:
    """DIGITALWELL_DATA_DIR, or ./data (git-ignored) in the working directory."""
    return Path(environ.get("DIGITALWELL_DATA_DIR") or "data").absolute()
