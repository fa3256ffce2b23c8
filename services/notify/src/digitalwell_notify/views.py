"""notify's records turned into what its page templates show."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from digitalwell_notify.domain import DeliveryStatus, LogAccess
from digitalwell_notify.models import EmailSummary, LogFilters
from digitalwell_notify.page_text import WORDING, category_names, masked_address
from digitalwell_notify.records import Email, Subscription
from digitalwell_shared.contracts import Language

# How each outcome of a resend is shown: the panel's look (the words are in page_text).
NOTICES = {"resent": "panel", "not_failed": "panel notice", "not_found": "panel problem"}


def email_language(email: Email) -> Language:
    """The language an e-mail was written in, which its unsubscribe page speaks."""
    return Language.EN if email.language == Language.EN.value else Language.SV


def subscription_view(subscription: Subscription, token: str, state: str) -> dict[str, Any]:
    """The unsubscribe page of one e-mail, in the language the e-mail was written in."""
    email = subscription.email
    category, category_long = category_names(subscription.category, email_language(email))
    query = urlencode({"token": token})
    return {
        "state": state,
        "category": category,
        "category_long": category_long,
        "address": masked_address(email.recipient),
        "unsubscribe_action": f"/unsubscribe/{email.id}?{query}",
        "undo_action": f"/unsubscribe/{email.id}/undo?{query}",
    }


def problem_view(problem: str) -> dict[str, Any]:
    """A bad link's page, in both languages: it does not tell whose language to use."""
    return {
        "problems": [
            {
                "lang": language.value,
                "title": WORDING.translate(language, f"{problem}_title"),
                "body": WORDING.translate(language, f"{problem}_body"),
            }
            for language in (Language.SV, Language.EN)
        ],
    }


def delivery_log_view(
    language: Language,
    access: LogAccess,
    found: list[Email],
    *,
    filters: LogFilters,
    notice: str | None,
) -> dict[str, Any]:
    """The delivery log's table; each subject in the language its e-mail was sent in."""
    shown = NOTICES.get(notice or "")
    return {
        "page_width": "80rem",
        "written_in": {f"written_in_{each.value}" for each in Language},
        "emails": [(EmailSummary.of(email, access), email.language) for email in found],
        "full_text": access.full_text,
        "statuses": [each.value for each in DeliveryStatus],
        "filters": {
            name: "" if value is None else str(value)
            for name, value in filters.model_dump(mode="json").items()
        },
        "notice": (
            {"kind": shown, "text": WORDING.translate(language, f"notice_{notice}")}
            if shown
            else None
        ),
    }
