"""A service's log output in a test: JSON lines through the same processors as in production."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import structlog

from digitalwell_shared.logging import configure_logging


@dataclass
class CapturedLogs:
    """Everything logged to standard output since the capture began."""

    capsys: pytest.CaptureFixture[str]
    lines: list[dict[str, Any]] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def read(self) -> list[dict[str, Any]]:
        """All lines so far (what was printed since the last read is added)."""
        for line in self.capsys.readouterr().out.splitlines():
            if line.startswith("{"):
                self.lines.append(json.loads(line))
            elif line:
                self.other.append(line)
        return self.lines

    @property
    def text(self) -> str:
        """Everything read so far as text, non-ASCII decoded (JSON writes "Ö" as "\\u00d6")."""
        return "\n".join([json.dumps(line, ensure_ascii=False) for line in self.lines] + self.other)

    async def has(self, event: str, count: int = 1) -> bool:
        """Whether ``event`` was logged at least ``count`` times (for ``until_true``)."""
        return sum(line.get("event") == event for line in self.read()) >= count


@contextmanager
def captured_logs(capsys: pytest.CaptureFixture[str], service: str) -> Iterator[CapturedLogs]:
    """Log as ``service`` does in production (JSON to standard output) and capture it."""
    configure_logging(service, "json")
    try:
        yield CapturedLogs(capsys)
    finally:
        structlog.reset_defaults()
        structlog.contextvars.clear_contextvars()
        logging.getLogger().handlers.clear()
