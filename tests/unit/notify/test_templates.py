"""E-mail templates render in both languages, with the facts the applicant needs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digitalwell_notify.render import EmailTemplates, UnknownTemplateError, local_time
from digitalwell_shared.contracts import Language

CONTEXT = {
    "contact_name": "Åsa <Öberg>",
    "title": "Dosett",
    "organisation_name": "Omsorgsteknik AB",
    "application_id": "app_123",
    "submitted_at": "23 november 2026 kl. 10:15",
    "status_url": "http://127.0.0.1:8000/applications/app_123",
}


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        (Language.SV, "Vi har tagit emot din ansökan: Dosett"),
        (Language.EN, "We have received your application: Dosett"),
    ],
)
def test_the_receipt_renders_subject_text_and_html(language: Language, subject: str) -> None:
    email = EmailTemplates().render("application_received", language, CONTEXT)

    assert email.subject == subject
    for part in (email.text, email.html):
        assert "app_123" in part
        assert CONTEXT["status_url"] in part
    assert f'<html lang="{language.value}">' in email.html
    assert "<h1" in email.html


def test_html_escapes_what_the_applicant_wrote_and_text_keeps_it() -> None:
    email = EmailTemplates().render("application_received", Language.EN, CONTEXT)

    assert "Åsa &lt;Öberg&gt;" in email.html
    assert "Åsa <Öberg>" in email.text


def test_an_unknown_template_is_named() -> None:
    with pytest.raises(UnknownTemplateError, match="'nonsense' in sv"):
        EmailTemplates().render("nonsense", Language.SV, CONTEXT)


def test_times_are_shown_in_stockholm_time_in_the_readers_language() -> None:
    moment = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)

    assert local_time(moment, Language.SV) == "23 november 2026 kl. 10:15"
    assert local_time(moment, Language.EN) == "23 November 2026, 10:15"
