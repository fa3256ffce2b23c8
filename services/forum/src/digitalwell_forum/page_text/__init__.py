"""Every word forum's pages and API refusals say, in Swedish and English; times as people read.

The pages' words are ``WORDING`` (``sv.py``, ``en.py``); the names of kinds of session are
shared (``digitalwell_shared.kinds``); the JSON API's refusals are ``API_REFUSALS``.
"""

from __future__ import annotations

from datetime import datetime

from digitalwell_forum.domain import Refusal
from digitalwell_forum.page_text.en import EN
from digitalwell_forum.page_text.sv import SV
from digitalwell_shared.contracts import Language, SessionKind
from digitalwell_shared.kinds import session_kind_name
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE, local_time
from digitalwell_shared.wording import Wording

MESSAGES: dict[Language, dict[str, str]] = {Language.SV: SV, Language.EN: EN}
WORDING = Wording(MESSAGES)

API_REFUSALS: dict[Refusal, str] = {
    Refusal.SESSION_NOT_FOUND: "No session has this id",
    Refusal.SESSION_CANCELLED: "The session is cancelled",
    Refusal.SESSION_STARTED: "The session has already started",
    Refusal.SESSION_NOT_BEGUN: "The session has not begun yet",
    Refusal.REGISTRATION_CLOSED: "Registration for the session has closed (past its deadline)",
    Refusal.APPLICATION_REQUIRED: (
        "application_id (the id or the case number) is required: an innovation_forum session is "
        "for an application granted "
        "an Innovation Forum workshop"
    ),
    Refusal.UNKNOWN_APPLICATION: (
        "No decision is known on an application with this application_id or case number "
        "(e.g. DW-2026-0001)"
    ),
    Refusal.NOT_GRANTED: "The application has not been granted an Innovation Forum workshop",
    Refusal.APPLICATION_ALREADY_BOOKED: (
        "The application already has an Innovation Forum booking; cancel it to book another"
    ),
    Refusal.BOOKING_NOT_FOUND: "No booking has this id",
    Refusal.NO_OFFER: "No seat is offered to this booking",
    Refusal.OFFER_EXPIRED: "The seat offer has expired and passed to the next in line",
}
"""What the JSON API says when a rule refuses a request."""


def translate(language: Language, key: str, **values: object) -> str:
    """The text ``key`` in ``language``, with ``values`` filled in."""
    return WORDING.translate(language, key, **values)


def kind_name(language: Language, kind: SessionKind | str) -> str:
    """The name of a kind of session."""
    return session_kind_name(SessionKind(kind), language)


def format_time(language: Language, moment: datetime) -> str:
    """A moment as people in Sweden read it, e.g. "23 november 2026 kl. 14:05"."""
    return local_time(moment, language)


def format_span(language: Language, starts_at: datetime, ends_at: datetime) -> str:
    """When a date of a session runs: "20 januari 2027 kl. 09:30" to "12:00", an en dash between."""
    start, end = (m.astimezone(PROGRAMME_TIME_ZONE) for m in (starts_at, ends_at))
    if start.date() == end.date():
        return f"{format_time(language, starts_at)}\N{EN DASH}{end:%H:%M}"
    return f"{format_time(language, starts_at)} \N{EN DASH} {format_time(language, ends_at)}"
