"""The ports the embedded system binds: environment overrides, and whether they are free."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from digitalwell_shared.http_app import port_is_free


class PortInUseError(Exception):
    """A port the system needs is taken; the message is the one line to show."""


class PortSettingError(ValueError):
    """An environment variable meant to hold a port number holds something else."""


@dataclass(frozen=True)
class Binding:
    """One port the system binds, what binds it, and the variable that moves it."""

    port: int
    what: str
    env_var: str


def port_from_env(environ: Mapping[str, str], env_var: str, default: int) -> int:
    """The port in ``env_var``, or ``default`` when unset or empty."""
    raw = environ.get(env_var, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:  # noqa: PLR2004 -- the TCP port range
        raise PortSettingError(f"{env_var} must be a port number from 1 to 65535, not {raw!r}")
    return int(raw)


def ensure_free(host: str, bindings: Iterable[Binding]) -> None:
    """Raise PortInUseError naming the first binding whose port is taken."""
    for binding in bindings:
        if not port_is_free(host, binding.port):
            raise PortInUseError(
                f"port {binding.port} ({binding.what}) is already in use on {host} — "
                f"stop what uses it or set {binding.env_var}"
            )


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (the OS picks it), for tests and throw-away servers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return port
