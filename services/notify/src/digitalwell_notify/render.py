"""Rendering e-mails from Jinja2 templates: a subject, a plain-text part and an HTML part."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from jinja2 import (
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from digitalwell_shared import kinds
from digitalwell_shared.contracts import Language, SessionKind, SupportKind
from digitalwell_shared.local_time import local_date, local_time, session_time

__all__ = [
    "DEFAULT_CONTACT_EMAIL",
    "NON_ESSENTIAL",
    "TEMPLATES",
    "EmailTemplates",
    "RenderedEmail",
    "UnknownTemplateError",
]

TEMPLATES: tuple[str, ...] = (
    "application_received",
    "application_withdrawn",
    "decision_granted",
    "decision_rejected",
    "booking_confirmed",
    "booking_waitlisted",
    "seat_offered",
    "booking_cancelled",
    "session_cancelled",
    "session_reminder",
    "session_filling_up",
)
"""Every e-mail notify writes; each has ``<name>.<sv|en>.txt`` and ``.html`` in templates/email."""

NON_ESSENTIAL = frozenset({"session_reminder"})
"""E-mails a person may unsubscribe from; the others carry decisions and bookings."""

# A placeholder on a reserved domain, so a forgotten setting shows and never reaches a stranger.
DEFAULT_CONTACT_EMAIL = "kontakt@digitalwell.example"


class UnknownTemplateError(LookupError, ValueError):
    """No template of that name and language exists.

    A ValueError too: an event no template fits will never render, so it is a permanent
    failure that goes to the dead-letter topic at once instead of being retried.
    """


@dataclass(frozen=True)
class RenderedEmail:
    """What a template produced, ready to be put in a message."""

    subject: str
    text: str
    html: str


class _Scheduled(Protocol):
    """A session, as far as its time goes."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


class EmailTemplates:
    """The e-mail templates in ``templates/email``: ``<name>.<language>.txt`` and ``.html``.

    The text template sets ``subject``; the HTML template extends the shared
    layout (inline styles only, since mail clients drop style sheets). Filters read
    the template's ``language``: ``local_time``, ``local_date``, ``session_time``,
    ``support_kind``, ``session_kind``; ``line_breaks`` keeps a text's line breaks in
    HTML, and the test ``url`` tells a web link from a place. ``contact_email`` is where
    people write to the programme, e.g. to ask for a decision to be reconsidered.
    """

    def __init__(
        self, *, contact_email: str = DEFAULT_CONTACT_EMAIL, directory: Path | None = None
    ) -> None:
        self._env = Environment(
            # An operator's own folder (same layout: email/<name>.<language>.txt|html) replaces
            # the built-in templates, e.g. to rebrand them.
            loader=FileSystemLoader(directory)
            if directory
            else PackageLoader("digitalwell_notify", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            # Block tags take no line of their own, so plain-text parts come out as written.
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters.update(
            local_time=_local_time,
            local_date=_local_date,
            session_time=_session_time,
            support_kind=_support_kind,
            session_kind=_session_kind,
            line_breaks=_line_breaks,
        )
        self._env.tests["url"] = _is_url
        self._env.globals["contact_email"] = contact_email

    def render(self, name: str, language: Language, context: Mapping[str, Any]) -> RenderedEmail:
        """Render template ``name`` in ``language``; raise UnknownTemplateError if there is none."""
        if name not in TEMPLATES:
            raise UnknownTemplateError(f"no e-mail template {name!r} in {language.value}")
        if name not in NON_ESSENTIAL and context.get("unsubscribe_url"):
            # Decisions and bookings must reach people; a way to opt out of them would mislead.
            raise ValueError(f"{name!r} is essential and has no unsubscribe link")
        try:
            text_template = self._env.get_template(f"email/{name}.{language.value}.txt")
            html_template = self._env.get_template(f"email/{name}.{language.value}.html")
        except TemplateNotFound as missing:
            raise UnknownTemplateError(
                f"no e-mail template {name!r} in {language.value}"
            ) from missing
        values = {**context, "language": language.value}
        text_module = text_template.make_module(values)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        return RenderedEmail(
            subject=subject,
            text=str(text_module),
            html=html_template.render({**values, "subject": subject}),
        )


def _language(context: Context) -> Language:
    return Language(context["language"])


@pass_context
def _local_time(context: Context, moment: datetime) -> str:
    return local_time(moment, _language(context))


@pass_context
def _local_date(context: Context, moment: datetime) -> str:
    return local_date(moment, _language(context))


@pass_context
def _session_time(context: Context, session: _Scheduled) -> str:
    # A series lists each date on a line of its own.
    spans = getattr(session, "dates", None) or [session]
    language = _language(context)
    return "\n".join(session_time(span.starts_at, span.ends_at, language) for span in spans)


@pass_context
def _support_kind(context: Context, kind: SupportKind) -> str:
    return kinds.support_kind_name(SupportKind(kind), _language(context))


@pass_context
def _session_kind(context: Context, kind: SessionKind) -> str:
    return kinds.session_kind_name(SessionKind(kind), _language(context))


def _line_breaks(text: str) -> Markup:
    """Escape ``text`` and keep its line breaks, for what people wrote over several lines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    return Markup("<br>\n").join(escape(line) for line in lines)


def _is_url(value: object) -> bool:
    """Whether ``value`` is one web link, such as an online session's location."""
    # Only web links become links: a coordinator's "javascript:" location must stay text.
    return (
        isinstance(value, str)
        and value.lower().startswith(("https://", "http://"))
        and not any(character.isspace() for character in value)
    )
