"""The forms on forum's pages: a booking's fields, the scheduling form, errors in words."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from digitalwell_forum.page_text import translate
from digitalwell_shared.contracts import Language
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR, SINGLE_LINE_ERROR

# One further date of a training series, as the coordinator types it: 2027-04-20 09:00-16:00.
_SERIES_LINE = re.compile(r"(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})")
BOOKING_FIELDS = ("name", "email", "language", "application_id")


class BadSeriesError(ValueError):
    """A line of further dates that is not ``YYYY-MM-DD HH:MM-HH:MM``."""


SCHEDULE_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "later_dates",
    "location",
    "capacity",
    "public_sector_participants",
    "registration_deadline",
    "coordinator_language",
)


def session_payload(form: dict[str, str]) -> dict[str, Any]:
    """The scheduling form as SessionRequest's fields; times typed are Swedish time."""
    later = []
    for line in _lines(form["later_dates"]):
        match = _SERIES_LINE.fullmatch(line)
        if match is None:
            raise BadSeriesError(line)
        day, start, end = match.groups()
        later.append({"starts_at": f"{day}T{start:0>5}", "ends_at": f"{day}T{end:0>5}"})
    return {
        "kind": form["kind"],
        "title": form["title"],
        "description": form["description"],
        "starts_at": form["starts_at"],
        "ends_at": form["ends_at"],
        "later_dates": later,
        "location": form["location"],
        "capacity": form["capacity"],
        "public_sector_participants": _lines(form["public_sector_participants"]),
        "registration_deadline": form["registration_deadline"] or None,
        "coordinator_language": form["coordinator_language"] or Language.SV.value,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def field_errors(invalid: ValidationError, language: Language) -> dict[str, str]:
    """The first error of each field, as the person reads it."""
    errors: dict[str, str] = {}
    for error in invalid.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        if field in errors:
            continue
        kind = error["type"]
        if kind in {"missing", "string_too_short"}:
            errors[field] = translate(language, "error_required")
        elif kind == "string_too_long":
            errors[field] = translate(language, "error_too_long")
        elif field == "email":
            errors[field] = translate(language, "error_email")
        elif kind in {SINGLE_LINE_ERROR, CONTROL_CHARACTER_ERROR}:
            errors[field] = translate(language, f"error_{kind}")
        else:
            errors[field] = translate(language, _error_key(str(error["msg"]), kind))
    return errors


# The session form's own rules (models.SessionRequest, domain.date_problems), by the start of
# their English text, and pydantic's kinds: pydantic's words are English, the page's are not.
_RULES = {
    "the session must start in the future": "error_starts_in_past",
    "the session must end after it starts": "error_ends_before_start",
    "only a training can be a series": "error_series_for_training",
    "registration must close": "error_deadline_after_start",
    "date ": "error_series_dates",
}
_BY_KIND = {
    "greater_than_equal": "error_number_range",
    "less_than_equal": "error_number_range",
    "int_parsing": "error_number",
    "datetime_parsing": "error_date_time",
    "datetime_from_date_parsing": "error_date_time",
    "enum": "error_choice",
    "literal_error": "error_choice",
}


def _error_key(message: str, kind: str) -> str:
    """The catalog key of an error pydantic or the session rules state in English."""
    rule = message.removeprefix("Value error, ")
    for start, key in _RULES.items():
        if rule.startswith(start):
            return key
    return _BY_KIND.get(kind, "error_invalid")
