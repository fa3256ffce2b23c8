"""Logs carry context but never names, e-mail addresses or phone numbers."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import structlog
from pydantic import BaseModel, ValidationError

from digitalwell_shared.logging import configure_logging, get_logger, is_personal_key, redact_text


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]):
    """Configures JSON logging when called, inside the test, where capsys owns stdout."""

    def start() -> Callable[[], list[dict[str, Any]]]:
        configure_logging("testservice", "json")
        return lambda: [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]

    yield start
    _reset_logging()


@pytest.fixture
def console_logs(capsys: pytest.CaptureFixture[str]):
    """Configures the terminal's format when called; reading returns all that was printed."""

    def start() -> Callable[[], str]:
        configure_logging("testservice", "console")
        return lambda: capsys.readouterr().out

    yield start
    _reset_logging()


def _reset_logging() -> None:
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


class _Contact(BaseModel):
    phone: int


def _fail(error: Exception) -> None:
    raise error


def test_fields_named_after_personal_data_are_redacted_at_any_depth(json_logs) -> None:
    read_lines = json_logs()
    get_logger("t").info(
        "delivery",
        batch=[
            {"recipient_email": "x", "contactName": "Åsa", "email_id": "em_1"},
            {"attendees": ["Bo", "Li"], "home_address": "Storgatan 1", "seats": 3},
        ],
        request={"headers": {"to": "Åsa", "password": "hunter2", "csrf_token": "t0k"}},
        organisation_name="Omsorg AB",
    )

    (line,) = read_lines()
    first, second = line["batch"]
    assert first == {
        "recipient_email": "[redacted]",
        "contactName": "[redacted]",
        "email_id": "em_1",
    }
    assert second == {"attendees": "[redacted]", "home_address": "[redacted]", "seats": 3}
    assert set(line["request"]["headers"].values()) == {"[redacted]"}
    assert line["organisation_name"] == "[redacted]"


@pytest.mark.parametrize(
    ("key", "personal"),
    [
        ("name", True),
        ("contact", True),
        ("e_mail", True),
        ("phone_number", True),
        ("recipients", True),
        ("attendee", True),
        ("addresses", True),
        ("username", True),
        ("password", True),
        ("accessToken", True),
        ("cc", True),
        ("email_id", False),
        ("attendee_count", False),
        ("template", False),
        ("topic", False),
        ("event", False),
    ],
)
def test_a_key_is_personal_by_the_words_it_is_made_of(key: str, personal: bool) -> None:
    assert is_personal_key(key) is personal


def test_personal_values_are_redacted_under_any_key_and_in_any_object(json_logs) -> None:
    read_lines = json_logs()
    get_logger("t").warning(
        "retrying",
        details=[{"note": "ring (070) 123 45 67"}, ("mail bo@example.org",)],
        error=ValueError("bo@example.org refused"),
    )

    (line,) = read_lines()
    text = json.dumps(line)
    assert "bo@example.org" not in text
    assert "123 45 67" not in text
    assert line["error"] == "ValueError('[redacted] refused')"


def test_a_traceback_is_rendered_then_redacted(json_logs) -> None:
    read_lines = json_logs()
    try:
        _fail(RuntimeError("could not reach asa@example.org at +46 70 123 45 67"))
    except RuntimeError:
        get_logger("t").exception("sending failed")

    (line,) = read_lines()
    assert "Traceback (most recent call last)" in line["exception"]
    assert "RuntimeError: could not reach [redacted] at [redacted]" in line["exception"]
    assert "asa@example.org" not in json.dumps(line)


def test_a_standard_library_traceback_is_redacted_too(json_logs) -> None:
    read_lines = json_logs()
    try:
        _fail(KeyError("bo@example.org"))
    except KeyError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    (line,) = read_lines()
    assert "KeyError" in line["exception"]
    assert "bo@example.org" not in json.dumps(line)


def test_a_validation_error_does_not_repeat_its_input(json_logs) -> None:
    read_lines = json_logs()
    stored = {"phone": "Åsa Öberg"}  # a variable: the traceback quotes the line that failed
    try:
        _Contact.model_validate(stored)
    except ValidationError:
        get_logger("t").exception("event refused")

    (line,) = read_lines()
    assert "phone\n  Input should be a valid integer" in line["exception"]
    assert "input_value=[redacted], input_type=str" in line["exception"]
    assert "Öberg" not in json.dumps(line, ensure_ascii=False)


def test_the_terminal_format_redacts_tracebacks_as_well(console_logs) -> None:
    read_output = console_logs()
    try:
        _fail(RuntimeError("no mailbox for asa@example.org"))
    except RuntimeError:
        get_logger("t").exception("sending failed", email="asa@example.org")

    output = read_output()
    assert "sending failed" in output
    assert "RuntimeError: no mailbox for [redacted]" in output
    assert "asa@example.org" not in output


def test_redacted_text_keeps_dates_case_numbers_and_ids() -> None:
    text = "DW-2026-0042 decided 2026-12-01T10:00:00+00:00, offset 42, email em_5f3a9c1d2e"

    assert redact_text(text) == text
