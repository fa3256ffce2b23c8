"""E-mail templates: every e-mail in both languages, readable, accessible and as committed.

Each template is rendered from the fixed context in ``tests/support/email_contexts.py`` and
compared with ``snapshots/<name>.<language>.{subject.txt,txt,html}`` next to this file. After a
deliberate change to a template, write the snapshots anew with
``UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/unit/notify/test_templates.py`` and read the diff
before committing it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from digitalwell_notify.render import (
    NON_ESSENTIAL,
    TEMPLATES,
    EmailTemplates,
    RenderedEmail,
    UnknownTemplateError,
)
from digitalwell_shared.contracts import Language, SessionKind, SessionSummary, SupportKind
from digitalwell_shared.kinds import session_kind_name, support_kind_name
from digitalwell_shared.local_time import local_date, local_time, session_time
from tests.support.email_contexts import UNSUBSCRIBE_URL, sample_context

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATING = os.environ.get("UPDATE_SNAPSHOTS") == "1"
EVERY_EMAIL = [(name, language) for name in TEMPLATES for language in Language]
ESSENTIAL_EMAILS = [(name, language) for name, language in EVERY_EMAIL if name not in NON_ESSENTIAL]
WCAG_AA_TEXT = 4.5
EN_DASH = "\N{EN DASH}"  # between times, as both languages write spans


def render(name: str, language: Language, **changes: Any) -> RenderedEmail:
    return EmailTemplates().render(name, language, sample_context(name, **changes))


# Snapshots


@pytest.mark.parametrize(("name", "language"), EVERY_EMAIL)
def test_every_email_matches_its_snapshot(name: str, language: Language) -> None:
    email = render(name, language)

    parts = {"subject.txt": email.subject + "\n", "txt": email.text, "html": email.html}
    for suffix, rendered in parts.items():
        snapshot = SNAPSHOTS / f"{name}.{language.value}.{suffix}"
        if UPDATING:
            SNAPSHOTS.mkdir(exist_ok=True)
            snapshot.write_text(rendered, encoding="utf-8")
        elif not snapshot.exists():
            pytest.fail(f"no snapshot {snapshot.name}: run the tests with UPDATE_SNAPSHOTS=1")
        else:
            assert rendered == snapshot.read_text(encoding="utf-8"), snapshot.name


def test_every_template_has_a_text_and_an_html_part_in_both_languages() -> None:
    folder = files("digitalwell_notify") / "templates" / "email"
    present = {entry.name for entry in folder.iterdir()}

    expected = {
        f"{name}.{language.value}.{part}"
        for name in TEMPLATES
        for language in Language
        for part in ("txt", "html")
    }
    assert expected <= present
    # Anything else is the layout or a shared piece (underscore), never a forgotten e-mail.
    strays = {n for n in present - expected if n != "layout.html" and not n.startswith("_")}
    assert strays == set()


def test_only_the_reminder_is_an_email_people_may_unsubscribe_from() -> None:
    assert set(TEMPLATES) >= NON_ESSENTIAL == {"session_reminder"}


# What people wrote


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        ("application_received", {"title": "<script>alert(1)</script>"}),
        ("application_received", {"recipient_name": "<script>alert(1)</script>"}),
        ("decision_rejected", {"motivation": "<script>alert(1)</script>"}),
        ("session_cancelled", {"reason": "<script>alert(1)</script>"}),
    ],
)
@pytest.mark.parametrize("language", list(Language))
def test_html_escapes_what_people_wrote_and_text_keeps_it(
    name: str, changes: dict[str, str], language: Language
) -> None:
    email = render(name, language, **changes)

    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>alert(1)</script>" in email.text


@pytest.mark.parametrize("language", list(Language))
def test_a_session_title_is_escaped_in_html_and_subject_stays_plain(language: Language) -> None:
    session = sample_context("booking_confirmed")["session"]
    email = render(
        "booking_confirmed", language, session=session.model_copy(update={"title": "A & <B>"})
    )

    assert email.subject.endswith(": A & <B>")
    assert "A &amp; &lt;B&gt;" in email.html
    assert "<B>" not in email.html


@pytest.mark.parametrize(
    ("language", "subject", "said"),
    [
        (Language.SV, "Platsen har gått vidare", "erbjudandet togs inte emot i tid"),
        (Language.EN, "The seat has passed on", "the offer was not taken up in time"),
    ],
)
def test_an_offer_that_ran_out_says_so_instead_of_a_cancellation(
    language: Language, subject: str, said: str
) -> None:
    email = render("booking_cancelled", language, offer_expired=True)

    assert email.subject.startswith(subject)
    assert said in email.text
    assert said in email.html
    assert "avbokat själv" not in email.text
    assert "cancel the booking yourself" not in email.text


@pytest.mark.parametrize("language", list(Language))
def test_the_councils_line_breaks_are_kept_in_html(language: Language) -> None:
    email = render("decision_granted", language, motivation="First line.\nSecond line.")

    assert "First line.<br>\nSecond line." in email.html
    assert "First line.\nSecond line." in email.text


@pytest.mark.parametrize("language", list(Language))
def test_an_online_session_links_to_its_meeting(language: Language) -> None:
    email = render("seat_offered", language)

    assert 'href="https://meet.digitalwell.example/upphandling"' in email.html


@pytest.mark.parametrize("location", ["javascript:alert(1)", "https://example.org and room 3"])
def test_a_location_that_is_not_one_web_link_stays_text(location: str) -> None:
    session = sample_context("booking_confirmed")["session"]
    email = render(
        "booking_confirmed", Language.EN, session=session.model_copy(update={"location": location})
    )

    assert f'href="{location}"' not in email.html
    assert location in email.html


@pytest.mark.parametrize("language", list(Language))
def test_a_session_cancelled_without_a_reason_says_nothing_about_why(language: Language) -> None:
    email = render("session_cancelled", language, reason="")

    for part in (email.text, email.html):
        assert "Anledning" not in part
        assert "Reason" not in part


# Unsubscribing


@pytest.mark.parametrize("language", list(Language))
def test_an_unsubscribe_link_appears_exactly_when_unsubscribe_url_is_given(
    language: Language,
) -> None:
    with_link = render("session_reminder", language)
    without_link = render("session_reminder", language, unsubscribe_url=None)

    assert f'href="{UNSUBSCRIBE_URL}"' in with_link.html
    assert f"\n{UNSUBSCRIBE_URL}\n" in with_link.text
    for part in (without_link.html, without_link.text):
        assert UNSUBSCRIBE_URL not in part
        assert not re.search("avregistrera|unsubscribe", part, re.IGNORECASE)


@pytest.mark.parametrize(("name", "language"), ESSENTIAL_EMAILS)
def test_essential_emails_offer_no_way_to_unsubscribe(name: str, language: Language) -> None:
    email = render(name, language)

    for part in (email.html, email.text):
        assert not re.search("avregistrera|unsubscribe", part, re.IGNORECASE)
    with pytest.raises(ValueError, match="essential"):
        render(name, language, unsubscribe_url=UNSUBSCRIBE_URL)


# Structure and accessibility of the HTML


@pytest.mark.parametrize(("name", "language"), EVERY_EMAIL)
def test_html_has_one_h1_and_the_readers_language(name: str, language: Language) -> None:
    html = render(name, language).html

    assert html.count("<h1") == 1
    assert f'<html lang="{language.value}"' in html
    assert "<title>" in html


@pytest.mark.parametrize(("name", "language"), EVERY_EMAIL)
def test_html_has_no_style_sheets_scripts_or_external_assets(name: str, language: Language) -> None:
    html = render(name, language).html

    for forbidden in ("<style", "<link", "<script", "<img", " src=", "class="):
        assert forbidden not in html


@pytest.mark.parametrize(("name", "language"), EVERY_EMAIL)
def test_every_link_has_meaningful_text_and_its_address_in_the_text_part(
    name: str, language: Language
) -> None:
    email = render(name, language)
    links = LinkCollector.collect(email.html)

    assert links
    for href, text in links:
        assert text.strip().lower().rstrip(".") not in VAGUE_LINK_TEXTS, text
        address = href.removeprefix("mailto:")
        assert address in email.text, f"{address} is missing from the text part"


@pytest.mark.parametrize(("name", "language"), EVERY_EMAIL)
def test_text_and_its_background_contrast_at_least_4_5_to_1(name: str, language: Language) -> None:
    pairs = TextColours.collect(render(name, language).html)

    assert ("#ffffff", "#1d4f46") in pairs  # the programme's name in the header
    for foreground, background in pairs:
        ratio = contrast_ratio(foreground, background)
        assert ratio >= WCAG_AA_TEXT, f"{foreground} on {background}: {ratio:.2f}:1"


def test_the_contrast_ratio_is_computed_as_wcag_defines_it() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# Rendering


def test_an_unknown_template_is_a_permanent_failure_that_names_it() -> None:
    with pytest.raises(UnknownTemplateError, match="'nonsense' in sv") as raised:
        EmailTemplates().render("nonsense", Language.SV, {})

    assert isinstance(raised.value, ValueError)
    assert isinstance(raised.value, LookupError)


def test_a_missing_context_key_fails_instead_of_leaving_a_gap() -> None:
    context = sample_context("application_received")
    del context["recipient_name"]

    with pytest.raises(UndefinedError, match="recipient_name"):
        EmailTemplates().render("application_received", Language.SV, context)


def test_the_contact_address_is_where_people_ask_for_reconsideration() -> None:
    templates = EmailTemplates(contact_email="ansokan@example.se")
    email = templates.render("decision_rejected", Language.SV, sample_context("decision_rejected"))

    assert "Skriv till oss på ansokan@example.se inom tre veckor" in email.text
    assert 'href="mailto:ansokan@example.se"' in email.html


# Labels and times


def test_times_are_shown_in_stockholm_time_in_the_readers_language() -> None:
    winter = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    summer = datetime(2027, 6, 9, 5, 30, tzinfo=UTC)

    assert local_time(winter, Language.SV) == "23 november 2026 kl. 10:15"
    assert local_time(winter, Language.EN) == "23 November 2026, 10:15"
    assert local_time(summer, Language.SV) == "9 juni 2027 kl. 07:30"
    assert local_date(summer, Language.EN) == "9 June 2027"


def test_a_time_from_another_zone_is_turned_into_swedish_time() -> None:
    new_york = timezone(timedelta(hours=-5))
    moment = datetime(2027, 1, 19, 22, 30, tzinfo=new_york)

    assert local_time(moment, Language.SV) == "20 januari 2027 kl. 04:30"


def test_a_session_on_one_day_shows_its_weekday_date_and_hours() -> None:
    starts = datetime(2027, 1, 20, 8, 30, tzinfo=UTC)
    ends = datetime(2027, 1, 20, 11, 0, tzinfo=UTC)

    swedish = session_time(starts, ends, Language.SV)
    english = session_time(starts, ends, Language.EN)

    assert swedish == f"onsdag 20 januari 2027 kl. 09:30{EN_DASH}12:00"
    assert english == f"Wednesday 20 January 2027, 09:30{EN_DASH}12:00"


def test_a_session_over_several_days_names_both_ends() -> None:
    starts = datetime(2027, 4, 13, 7, 0, tzinfo=UTC)
    ends = datetime(2027, 4, 14, 14, 0, tzinfo=UTC)

    swedish = session_time(starts, ends, Language.SV)
    english = session_time(starts, ends, Language.EN)

    assert swedish == f"tisdag 13 april 2027 kl. 09:00 {EN_DASH} onsdag 14 april 2027 kl. 16:00"
    assert english == f"Tuesday 13 April 2027, 09:00 {EN_DASH} Wednesday 14 April 2027, 16:00"


def test_whether_a_session_spans_days_is_judged_in_swedish_time() -> None:
    # 23:00 to 00:30 in Stockholm is one day in UTC; 00:30 to 02:00 is two days in UTC.
    late = session_time(
        datetime(2027, 1, 20, 22, 0, tzinfo=UTC),
        datetime(2027, 1, 20, 23, 30, tzinfo=UTC),
        Language.SV,
    )
    early = session_time(
        datetime(2027, 1, 19, 23, 30, tzinfo=UTC),
        datetime(2027, 1, 20, 1, 0, tzinfo=UTC),
        Language.SV,
    )

    assert late == f"onsdag 20 januari 2027 kl. 23:00 {EN_DASH} torsdag 21 januari 2027 kl. 00:30"
    assert early == f"onsdag 20 januari 2027 kl. 00:30{EN_DASH}02:00"


def test_a_time_without_a_zone_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="time zone"):
        local_time(datetime(2027, 1, 20, 9, 30), Language.SV)  # noqa: DTZ001 - the point


@pytest.mark.parametrize("language", list(Language))
def test_every_kind_of_support_and_session_has_a_name_in_both_languages(
    language: Language,
) -> None:
    support = {support_kind_name(kind, language) for kind in SupportKind}
    sessions = {session_kind_name(kind, language) for kind in SessionKind}

    assert len(support) == len(SupportKind)
    assert len(sessions) == len(SessionKind)


def test_kinds_are_named_in_the_readers_language_in_the_email() -> None:
    session = SessionSummary.model_validate(
        {**sample_context("booking_confirmed")["session"].model_dump(), "kind": "breakfast_meeting"}
    )

    assert "Typ: Frukostmöte" in render("booking_confirmed", Language.SV, session=session).text
    assert (
        "Type: Breakfast meeting" in render("booking_confirmed", Language.EN, session=session).text
    )
    assert "- Coachning: " in render("decision_granted", Language.SV).text
    assert "- Coaching: " in render("decision_granted", Language.EN).text


# Helpers: reading the HTML as a mail client would


VAGUE_LINK_TEXTS = {"här", "here", "klicka här", "click here", "länk", "link", "läs mer", "more"}
_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "hr", "img", "input", "link", "meta", "wbr"}
)
_COLOUR_DECLARATION = re.compile(r"(?:^|;)\s*(background-color|background|color)\s*:\s*([^;]+)")
_HEX_COLOUR = re.compile(r"#(?:[0-9a-f]{3}){1,2}")


class TextColours(HTMLParser):
    """Every pair of text colour and background colour that visible text is drawn in."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: set[tuple[str, str]] = set()
        # A browser's defaults: black text on white, until an element says otherwise.
        self._open: list[tuple[str, str, str]] = [("", "#000000", "#ffffff")]

    @classmethod
    def collect(cls, html: str) -> set[tuple[str, str]]:
        parser = cls()
        parser.feed(html)
        parser.close()
        assert [tag for tag, _, _ in parser._open] == [""], "unclosed elements"
        return parser.pairs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_ELEMENTS:
            return
        _, foreground, background = self._open[-1]
        if tag == "a":
            foreground = "#0000ee"  # a link is blue unless its style says otherwise
        attributes = dict(attrs)
        background = attributes.get("bgcolor") or background
        for prop, value in _COLOUR_DECLARATION.findall(attributes.get("style") or ""):
            colour = value.strip().lower()
            assert _HEX_COLOUR.fullmatch(colour), f"write colours as hex: {colour}"
            if prop == "color":
                foreground = colour
            else:
                background = colour
        self._open.append((tag, foreground, background))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_ELEMENTS:
            return
        assert self._open[-1][0] == tag, f"</{tag}> closes <{self._open[-1][0]}>"
        self._open.pop()

    def handle_data(self, data: str) -> None:
        inside = {tag for tag, _, _ in self._open}
        if data.strip() and not inside & {"head", "title"}:
            _, foreground, background = self._open[-1]
            self.pairs.add((foreground, background))


class LinkCollector(HTMLParser):
    """Every link's address and text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    @classmethod
    def collect(cls, html: str) -> list[tuple[str, str]]:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser.links

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two sRGB colours written as #rgb or #rrggbb."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
