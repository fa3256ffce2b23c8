"""Rendering e-mails from Jinja2 templates: a subject, a plain-text part and an HTML part."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateNotFound, select_autoescape

from digitalwell_shared.contracts import Language

PROGRAMME_TIME_ZONE = ZoneInfo("Europe/Stockholm")
_DATE_FORMATS = {Language.SV: "d MMMM y 'kl.' HH:mm", Language.EN: "d MMMM y, HH:mm"}


class UnknownTemplateError(LookupError):
    """No template of that name and language exists."""


@dataclass(frozen=True)
class RenderedEmail:
    """What a template produced, ready to be put in a message."""

    subject: str
    text: str
    html: str


def local_time(moment: datetime, language: Language) -> str:
    """A time as people in the programme read it: Stockholm time, in their language."""
    return format_datetime(
        moment, _DATE_FORMATS[language], tzinfo=PROGRAMME_TIME_ZONE, locale=language.value
    )


class EmailTemplates:
    """The e-mail templates in ``templates/email``: ``<name>.<language>.txt`` and ``.html``.

    The text template sets ``subject``; the HTML template extends the shared
    layout (inline styles only, since mail clients drop style sheets).
    """

    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("digitalwell_notify", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def render(self, name: str, language: Language, context: Mapping[str, Any]) -> RenderedEmail:
        """Render template ``name`` in ``language``; raise UnknownTemplateError if there is none."""
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
