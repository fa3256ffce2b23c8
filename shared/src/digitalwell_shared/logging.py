"""structlog set-up: JSON or pretty lines, request/event context, and no personal data."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog
from pydantic import ValidationError

from digitalwell_shared.settings import LogFormat

# A field is personal when a word of its key (split at "_", "-", "." and camelCase) names one of
# these, or ends in one ("username", "e_mail", "recipients"); then its value is never logged,
# whatever it holds, at any depth.
_PERSONAL_WORDS = ("name", "mail", "phone", "contact", "attendee", "recipient", "address")
_CREDENTIAL_WORDS = ("password", "token", "secret")
# Keys that are personal as a whole word only (a header's recipients).
_PERSONAL_KEYS = frozenset({"to", "cc", "bcc"})
# ... unless the key's last word says it holds a reference or a number, not the thing itself.
_NEUTRAL_LAST_WORDS = frozenset({"id", "ids", "count", "counts"})
_KEY_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Phone-like runs: an optional +, then 7+ digits with spaces, dashes or brackets between.
_PHONE = re.compile(r"(?<![\w-])\+?\(?\d[\d ()\-]{6,}\d(?![\w-])")
# Capability tokens in URLs (withdrawal links): uvicorn's access log prints the query string.
_TOKEN_PARAMETER = re.compile(r"([?&]token=)[^&\s\"']+")
# pydantic's error text repeats the input ("input_value='asa@example.org', input_type=str").
_PYDANTIC_INPUT = re.compile(r"(input_value=)(?:.*?(?=, input_type=)|[^\n]*)")
_REDACTED = "[redacted]"
# Our own fields, whose digits and dashes would otherwise look like phone numbers, and what
# structlog's stdlib bridge carries between its processors (a LogRecord, a flag).
_SAFE_KEYS = frozenset(
    {
        "timestamp",
        "level",
        "logger",
        "service",
        "event_id",
        "correlation_id",
        "message_id",
        "_record",
        "_from_structlog",
    }
)


def redact_text(text: str) -> str:
    """``text`` without e-mail addresses, phone numbers, link tokens or pydantic's inputs."""
    scrubbed = _PYDANTIC_INPUT.sub(rf"\1{_REDACTED}", text)
    scrubbed = _PHONE.sub(_REDACTED, _EMAIL.sub(_REDACTED, scrubbed))
    return _TOKEN_PARAMETER.sub(rf"\1{_REDACTED}", scrubbed)


def describe_error(error: BaseException) -> str:
    """An error's text without the input's values, for a log line or a dead letter's header.

    A pydantic ValidationError is summarised as field paths and rules; any other error's text
    is redacted like a log line.
    """
    if isinstance(error, ValidationError):
        problems = [
            f"{'.'.join(map(str, problem['loc'])) or '(event)'}: {problem['msg']} "
            f"[{problem['type']}]"
            for problem in error.errors(include_input=False, include_url=False)
        ]
        text = f"{error.error_count()} validation error(s) for {error.title}: " + "; ".join(
            problems
        )
    else:
        text = str(error)
    return redact_text(text)


def is_personal_key(key: object) -> bool:
    """Whether a field named ``key`` holds personal data or a credential, by its words."""
    text = str(key)
    if text.lower() in _PERSONAL_KEYS:
        return True
    words = [word.lower() for word in _KEY_WORDS.findall(text)]
    if not words or words[-1] in _NEUTRAL_LAST_WORDS:
        return False
    return any(
        word.endswith((named, f"{named}s", f"{named}es"))
        for word in words
        for named in (*_PERSONAL_WORDS, *_CREDENTIAL_WORDS)
    )


def redact(value: Any) -> Any:
    """``value`` with personal fields and personal-looking text redacted, at any depth."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, Mapping):
        return {
            key: _REDACTED if is_personal_key(key) else redact(item) for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item) for item in value]
    # Anything else would be rendered with repr() (an exception, a model): scrub that text.
    return redact_text(repr(value))


def redact_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Drop names, e-mail addresses, phone numbers and credentials from a log line.

    Runs after the traceback is rendered to text, so exception messages are scrubbed too.
    """
    return {
        key: value if key in _SAFE_KEYS else _REDACTED if is_personal_key(key) else redact(value)
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
        # Tracebacks become text here, before redaction, in JSON and on a terminal alike.
        structlog.processors.format_exc_info,
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


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    """A logger that carries the bound context (service, event and correlation ids)."""
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
