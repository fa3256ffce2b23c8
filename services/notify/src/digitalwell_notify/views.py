"""notify's records turned into what its page templates show."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from digitalwell_notify.domain import DeliveryStatus, LogAccess
from digitalwell_notify.models import EmailSummary, LogFilters
from digitalwell_notify.page_text import WORDING, category_names, masked_address
from digitalwell_notify.records import Email, Subscription
from digitalwell_shared.contracts import Language
from digitalwell_shared.local_time import local_time
from digitalwell_shared.pages import other_language

# How each outcome of a resend is shown: the panel's look (the words are in page_text).
NOTICES = {"resent": "panel", "not_failed": "panel notice", "not_found": "panel problem"}


def _shown_time(language: Language, moment: datetime | None) -> str:
    """A time on a staff page: Swedish time, in the page's words."""
    return "" if moment is None else local_time(moment, language)


def subscription_view(subscription: Subscription, token: str, state: str) -> dict[str, Any]:
    """The unsubscribe page of one e-mail, in the language the e-mail was written in."""
    email = subscription.email
    language = Language.EN if email.language == Language.EN.value else Language.SV
    category, category_long = category_names(subscription.category, language)
    query = urlencode({"token": token})
    return {
        "lang": language.value,
        "t": partial(WORDING.translate, language),
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
        "lang": Language.SV.value,
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
    request: Request,
    language: Language,
    access: LogAccess,
    found: list[Email],
    *,
    filters: LogFilters,
    notice: str | None,
) -> dict[str, Any]:
    """The delivery log's table; each subject in the language its e-mail was sent in."""
    switch = other_language(language)
    shown = NOTICES.get(notice or "")
    return {
        "lang": language.value,
        "t": partial(WORDING.translate, language),
        "local": partial(_shown_time, language),
        "switch_lang": switch.value,
        "switch_url": str(request.url.include_query_params(lang=switch.value)),
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
