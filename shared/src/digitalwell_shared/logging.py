"""structlog set-up: JSON or pretty lines, request/event context, and no personal data."""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
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
    # On the handler, so records of aiokafka's child loggers (aiokafka.conn, ...) pass it too.
    handler.addFilter(_LibraryRepeats(("aiokafka", "faststream", "digitalwell.broker")))
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


class OutageLog:
    """One failure that repeats (broker or database away, relay failing), logged quietly.

    The first failure is logged at once (with its traceback when ``traceback``), then at most one
    line per ``interval_seconds`` saying how many more failures there were, and one line when it
    works again: an outage of a minute writes a handful of lines, not one per attempt.
    """

    def __init__(
        self,
        logger: structlog.stdlib.BoundLogger,
        what: str,
        *,
        interval_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger
        self._what = what
        self._interval = interval_seconds
        self._clock = clock
        self._since: float | None = None
        self._last_line = 0.0
        self._unlogged = 0
        self._total = 0

    @property
    def failing(self) -> bool:
        """Whether the last attempt failed."""
        return self._since is not None

    def failed(self, error: BaseException, *, traceback: bool = False, **context: Any) -> None:
        """Count a failure; log it if it is the first, or the first of a new interval."""
        now = self._clock()
        self._total += 1
        if self._since is None:
            self._since = self._last_line = now
            self._unlogged = 0
            self._log.warning(
                f"{self._what} failed",
                error=describe_error(error),
                error_type=type(error).__name__,
                exc_info=error if traceback else None,
                **context,
            )
            return
        self._unlogged += 1
        if now - self._last_line >= self._interval:
            self._log.warning(
                f"{self._what} still failing",
                failures=self._unlogged,
                seconds=round(now - self._since),
                error=describe_error(error),
                error_type=type(error).__name__,
                **context,
            )
            self._last_line = now
            self._unlogged = 0

    def succeeded(self, **context: Any) -> None:
        """Say once that it works again, and after how many failures."""
        if self._since is None:
            return
        self._log.info(
            f"{self._what} works again",
            failures=self._total,
            seconds=round(self._clock() - self._since),
            **context,
        )
        self._since = None
        self._total = 0


_MAX_KINDS = 1000


class RepeatedRecordFilter(logging.Filter):
    """Lets a library's identical warning through once per interval, with the count in between.

    aiokafka writes a line per reconnection attempt and per failed request while the broker is
    away (thousands in a minute); the first of each kind and a count per interval say as much.
    """

    def __init__(
        self, interval_seconds: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._interval = interval_seconds
        self._clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        """True for the first record of its kind in an interval (``repeated`` says how many)."""
        kind = (record.name, str(record.msg))
        now = self._clock()
        last, suppressed = self._seen.get(kind, (float("-inf"), 0))
        if now - last < self._interval:
            self._seen[kind] = (last, suppressed + 1)
            return False
        if suppressed:
            record.repeated = suppressed  # shown by ExtraAdder: lines left out since the last
        self._seen[kind] = (now, 0)
        if len(self._seen) > _MAX_KINDS:  # messages with values in them: keep the table small
            self._seen.clear()
        return True


class _LibraryRepeats(RepeatedRecordFilter):
    """``RepeatedRecordFilter`` for the records of the named libraries' loggers only."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        super().__init__()
        self._prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        """Other loggers' records pass as they are."""
        if not record.name.startswith(self._prefixes) or record.levelno < logging.WARNING:
            return True
        return super().filter(record)
