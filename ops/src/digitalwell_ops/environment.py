"""Every environment variable every service reads, from the services' settings classes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from digitalwell_ops.system import SERVICES, Service
from digitalwell_shared.settings import ServiceSettings

_SECRET_WORDS = ("secret", "password")


@dataclass(frozen=True)
class Setting:
    """One environment variable of one service."""

    service: str
    field: str
    env: str
    default: str | None  # None: unset, which an empty variable would not mean
    description: str
    secret: bool


def as_env_text(value: object) -> str | None:
    """A default value written as the environment variable that gives it; None for unset."""
    if value is None:
        return None
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)  # str, int, float and Path read back from their text


def _description(settings_class: type[ServiceSettings], name: str, field: FieldInfo) -> str:
    # A service that only changes a shared field's default keeps the shared description.
    if field.description:
        return field.description
    for base in settings_class.__mro__[1:]:
        inherited = getattr(base, "model_fields", {}).get(name)
        if inherited is not None and inherited.description:
            return str(inherited.description)
    return ""


def _is_secret(name: str, field: FieldInfo) -> bool:
    return field.annotation is SecretStr or any(word in name for word in _SECRET_WORDS)


def settings_of(service: Service) -> list[Setting]:
    """The service's settings in the order its class declares them."""
    found = []
    for name, field in service.settings_class.model_fields.items():
        default = field.get_default(call_default_factory=True)
        found.append(
            Setting(
                service=service.name,
                field=name,
                env=f"{service.env_prefix}{name.upper()}",
                default=as_env_text(default),
                description=_description(service.settings_class, name, field),
                secret=_is_secret(name, field),
            )
        )
    return found


def all_settings() -> dict[str, list[Setting]]:
    """Each service's settings, by service name."""
    return {each.name: settings_of(each) for each in SERVICES}


SETTINGS_TABLE_MARKER = "settings-table"


def settings_table() -> str:
    """The README's table of every variable: shared ones once as ``<PREFIX>NAME``."""
    by_service = all_settings()
    services = [each.name for each in SERVICES]
    rows: dict[str, list[Setting]] = {}
    for name in services:
        for setting in by_service[name]:
            rows.setdefault(setting.field, []).append(setting)
    lines = [
        "| variable | read by | default | what it is |",
        "|---|---|---|---|",
    ]
    for field, settings in rows.items():
        readers = [setting.service for setting in settings]
        if readers == services:
            variable, read_by = f"`<PREFIX>{field.upper()}`", "all"
        else:
            variable, read_by = " ".join(f"`{s.env}`" for s in settings), ", ".join(readers)
        defaults = {setting.default for setting in settings}
        if len(defaults) == 1:
            default = _code(settings[0].default)
        else:
            default = ", ".join(f"{s.service}: {_code(s.default)}" for s in settings)
        description = settings[0].description.replace("|", "\\|")
        if settings[0].secret:
            description = f"**secret** — {description}"
        lines.append(f"| {variable} | {read_by} | {default} | {description} |")
    return "\n".join(lines) + "\n"


def _code(value: str | None) -> str:
    if value is None:
        return "(unset)"
    return f"`{value}`" if value else "(empty)"
