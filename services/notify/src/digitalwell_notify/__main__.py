"""Start the notify service: ``python -m digitalwell_notify``."""

from __future__ import annotations

from digitalwell_notify.app import NAME, create_app
from digitalwell_notify.settings import Settings
from digitalwell_shared.http_app import serve
from digitalwell_shared.settings import read_settings


def main() -> None:
    """Read NOTIFY_* settings and serve until SIGINT or SIGTERM."""
    settings = read_settings(Settings)
    serve(NAME, settings, lambda: create_app(settings))


if __name__ == "__main__":
    main()
