"""The HTML application form: its fields to the request model, its errors in the page's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from digitalwell_intake.page_text import WORDING
from digitalwell_shared.contracts import Language
from digitalwell_shared.text import CONTROL_CHARACTER_ERROR, SINGLE_LINE_ERROR

# The form's fields in page order: the error summary lists errors in this order.
FIELDS = (
    "org_name",
    "org_number",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_language",
    "title",
    "summary",
    "need",
    "target_groups",
    "stage",
    "business_model",
    "public_sector_partners",
    "support_requested",
    "consent",
)
_NESTED = {
    ("organisation", "name"): "org_name",
    ("organisation", "org_number"): "org_number",
    ("contact", "name"): "contact_name",
    ("contact", "email"): "contact_email",
    ("contact", "phone"): "contact_phone",
    ("contact", "language"): "contact_language",
}
_LIST_FIELDS = frozenset({"target_groups", "public_sector_partners"})
_MISSING = frozenset({"missing", "blank"})
# What a missing or unknown choice means, field by field.
_CHOICE_ERRORS = {
    "stage": "error_stage",
    "contact_language": "error_language",
    "support_requested": "error_support_required",
    "consent": "error_consent_required",
}
_RULE_ERRORS = {
    "org_number_format": "error_org_number_format",
    "org_number_personal": "error_org_number_personal",
    "org_number_checksum": "error_org_number_checksum",
    "phone_invalid": "error_phone",
    "email_invalid": "error_email",
    "support_required": "error_support_required",
    "consent_required": "error_consent_required",
    SINGLE_LINE_ERROR: "error_single_line",
    CONTROL_CHARACTER_ERROR: "error_control_characters",
}


@dataclass(frozen=True)
class ApplicationForm:
    """What a person typed and chose, kept as typed so the page can show it again."""

    text: Mapping[str, str] = field(default_factory=dict)
    support_requested: Sequence[str] = ()
    consent: bool = False

    @classmethod
    def from_form_data(cls, items: Sequence[tuple[str, str]]) -> ApplicationForm:
        """Read the posted form; repeated checkboxes arrive as repeated names."""
        text: dict[str, str] = {}
        support: list[str] = []
        for name, value in items:
            if name == "support_requested":
                support.append(value)
            elif name in FIELDS:
                text[name] = value
        return cls(text=text, support_requested=support, consent="consent" in text)

    def value(self, name: str) -> str:
        """A field's value as typed, or empty."""
        return self.text.get(name, "")

    def to_payload(self) -> dict[str, Any]:
        """The JSON body an API client would have sent; absent choices stay absent."""
        payload: dict[str, Any] = {
            "organisation": {
                "name": self.value("org_name"),
                "org_number": self.value("org_number"),
            },
            "contact": {
                "name": self.value("contact_name"),
                "email": self.value("contact_email"),
                "phone": self.value("contact_phone"),
            },
            "title": self.value("title"),
            "summary": self.value("summary"),
            "need": self.value("need"),
            "target_groups": _lines(self.value("target_groups")),
            "business_model": self.value("business_model"),
            "public_sector_partners": _lines(self.value("public_sector_partners")),
            "support_requested": list(self.support_requested),
            "consent": self.consent,
        }
        if self.value("contact_language"):
            payload["contact"]["language"] = self.value("contact_language")
        if self.value("stage"):
            payload["stage"] = self.value("stage")
        return payload


def _lines(text: str) -> list[str]:
    """One list item per non-empty line of a text area."""
    return [line for line in text.splitlines() if line.strip()]


def form_field(location: Sequence[int | str]) -> str:
    """The form field that a validation error's location points to."""
    nested = _NESTED.get((str(location[0]), str(location[1]))) if len(location) > 1 else None
    return nested or str(location[0])


def field_errors(error: ValidationError, language: Language) -> dict[str, str]:
    """One message per bad field, in the page's language and in the form's order."""
    found: dict[str, str] = {}
    for detail in error.errors():
        name = form_field(detail["loc"])
        if name not in found:
            found[name] = _message(name, detail, language)
    return {name: found[name] for name in FIELDS if name in found}


def _message(name: str, detail: ErrorDetails, language: Language) -> str:
    error_type = detail["type"]
    ctx = detail.get("ctx") or {}
    typed = detail.get("input")
    key = "error_invalid"
    values: dict[str, object] = {}
    if isinstance(typed, str) and not typed.strip() and name not in _CHOICE_ERRORS:
        # An empty e-mail or organisation number is missing, not malformed.
        key = "error_required"
    elif error_type in _RULE_ERRORS:
        key = _RULE_ERRORS[error_type]
    elif name in _CHOICE_ERRORS:
        key = _CHOICE_ERRORS[name]
    elif name == "target_groups" and error_type in {"too_short", "missing"}:
        key = "error_target_groups_required"
    elif error_type in _MISSING:
        key = "error_required"
    elif error_type == "string_too_long":
        key = "error_line_too_long" if name in _LIST_FIELDS else "error_too_long"
        values["max"] = ctx.get("max_length", "")
    elif error_type == "too_long":
        key = "error_too_many_lines"
        values["max"] = ctx.get("max_length", "")
    return WORDING.translate(language, key, **values)
