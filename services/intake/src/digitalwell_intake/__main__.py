"""Start the intake service: ``python -m digitalwell_intake`` or ``digitalwell-intake``."""

from __future__ import annotations

from digitalwell_intake.app import NAME, create_app
from digitalwell_intake.settings import Settings
from digitalwell_shared.http_app import serve
from digitalwell_shared.settings import read_settings


def main() -> None:
    """Read INTAKE_* settings and serve until SIGINT or SIGTERM."""
    settings = read_settings(Settings)
    serve(NAME, settings, lambda: create_app(settings))


if __name__ == "__main__":
    main()
