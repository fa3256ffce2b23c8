"""structlog set-up: JSON or pretty lines, request/event context, and no personal data."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from digitalwell_shared.settings import LogFormat

# Keys whose values are personal data and never logged, whatever they hold.
_PERSONAL_KEYS = frozenset(
    {"email", "e_mail", "phone", "name", "contact", "attendee", "recipient", "to", "password"}
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone-like runs: an optional +, then 7+ digits with spaces or dashes between.
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d \-]{6,}\d(?![\w-])")
# Capability tokens in URLs (withdrawal links): uvicorn's access log prints the query string.
_TOKEN_PARAMETER = re.compile(r"([?&]token=)[^&\s\"']+")
_REDACTED = "[redacted]"
# Our own fields, whose digits and dashes would otherwise look like phone numbers.
_SAFE_KEYS = frozenset(
    {"timestamp", "level", "logger", "service", "event_id", "correlation_id", "message_id"}
)


def redact_text(text: str) -> str:
    """``text`` without e-mail addresses, phone numbers or link tokens (for logs and events)."""
    scrubbed = _PHONE.sub(_REDACTED, _EMAIL.sub(_REDACTED, text))
    return _TOKEN_PARAMETER.sub(rf"\1{_REDACTED}", scrubbed)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: _REDACTED if str(key).lower() in _PERSONAL_KEYS else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Drop names, e-mail addresses and phone numbers from a log line."""
    return {
        key: value
        if key in _SAFE_KEYS
        else _REDACTED
        if key.lower() in _PERSONAL_KEYS
        else _scrub(value)
        for key, value in event_dict.items()
    }


def configure_logging(service: str, log_format: LogFormat, level: str = "INFO") -> None:
    """Route structlog and the standard library's logging through one set of processors."""
    use_json = log_format == "json" or (log_format == "auto" and not sys.stdout.isatty())
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        structlog.processors.StackInfoRenderer(),
        redact_personal_data,
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if use_json
        else structlog.dev.ConsoleRenderer(colors=sys.stdout.isatty())
    )
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info if use_json else _keep,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "pymongo"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # uvicorn and FastStream install their own handlers; let their records reach ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def _keep(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    return event_dict


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A logger that carries the bound context (service, event and correlation ids)."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
