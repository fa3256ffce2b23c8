"""Logs carry context but never names, e-mail addresses or phone numbers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import structlog

from digitalwell_shared.logging import configure_logging, get_logger


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]):
    """Configures JSON logging when called, inside the test, where capsys owns stdout."""

    def start() -> Callable[[], list[dict[str, Any]]]:
        configure_logging("testservice", "json")
        return lambda: [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]

    yield start
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    logging.getLogger().handlers.clear()


def test_each_line_carries_the_service_and_bound_context(json_logs) -> None:
    read_lines = json_logs()
    with structlog.contextvars.bound_contextvars(event_id="e-1", application_id="app_x"):
        get_logger("t").info("case opened")

    (line,) = read_lines()
    assert line["service"] == "testservice"
    assert line["event_id"] == "e-1"
    assert line["application_id"] == "app_x"
    assert line["event"] == "case opened"


def test_personal_data_never_reaches_the_log(json_logs) -> None:
    read_lines = json_logs()
    get_logger("t").info(
        "wrote to asa@example.org at +46 70 123 45 67",
        email="asa@example.org",
        name="Åsa Öberg",
        contact={"phone": "+46701234567", "language": "sv"},
    )

    (line,) = read_lines()
    text = json.dumps(line, ensure_ascii=False)
    assert "asa@example.org" not in text
    assert "Öberg" not in text
    assert "123 45 67" not in text
    assert "+46701234567" not in text
    assert line["contact"] == "[redacted]"


def test_standard_library_records_go_through_the_same_processors(json_logs) -> None:
    read_lines = json_logs()
    logging.getLogger("uvicorn.error").warning("mail to bo@example.org bounced")

    (line,) = read_lines()
    assert line["logger"] == "uvicorn.error"
    assert line["service"] == "testservice"
    assert "bo@example.org" not in line["event"]


def test_capability_tokens_in_urls_are_redacted(json_logs) -> None:
    read_lines = json_logs()
    logging.getLogger("digitalwell.test.access").warning(
        '"GET /applications/app_1/withdraw?token=s3cr3t&x=1"'
    )

    (line,) = read_lines()
    assert "s3cr3t" not in line["event"]
    assert "token=[redacted]&x=1" in line["event"]
