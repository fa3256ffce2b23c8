"""The words and times e-mails show, in Swedish and English: kinds of support and session, dates."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from digitalwell_shared.contracts import Language, SessionKind, SupportKind

# The programme is in Värmland: people read times in Swedish time, whatever the server's zone.
PROGRAMME_TIME_ZONE = ZoneInfo("Europe/Stockholm")

_SUPPORT_KINDS: dict[Language, dict[SupportKind, str]] = {
    # The same names as the application form in intake, so applicants recognise what they chose.
    Language.SV: {
        SupportKind.INNOVATION_FORUM: "Innovationsforum",
        SupportKind.COACHING: "Coachning",
        SupportKind.TEST_ENVIRONMENT: "Testmiljö",
        SupportKind.EXPERT_ADVICE: "Expertråd",
        SupportKind.FINANCING_ADVICE: "Rådgivning om finansiering",
    },
    Language.EN: {
        SupportKind.INNOVATION_FORUM: "Innovation Forum",
        SupportKind.COACHING: "Coaching",
        SupportKind.TEST_ENVIRONMENT: "Test environment",
        SupportKind.EXPERT_ADVICE: "Expert advice",
        SupportKind.FINANCING_ADVICE: "Advice on financing",
    },
}

_SESSION_KINDS: dict[Language, dict[SessionKind, str]] = {
    Language.SV: {
        SessionKind.INNOVATION_FORUM: "Workshop i Innovationsforum",
        SessionKind.BREAKFAST_MEETING: "Frukostmöte",
        SessionKind.TRAINING: "Utbildning",
    },
    Language.EN: {
        SessionKind.INNOVATION_FORUM: "Innovation Forum workshop",
        SessionKind.BREAKFAST_MEETING: "Breakfast meeting",
        SessionKind.TRAINING: "Training",
    },
}

# CLDR patterns: the order of day, month and year is the same in Swedish and British English,
# and Babel names the months and weekdays. Swedish writes "kl." before a time of day; English
# separates it from the date with a comma.
_DATE = "d MMMM y"
_DAY = "EEEE d MMMM y"
_TIME = {Language.SV: "'kl.' HH:mm", Language.EN: "HH:mm"}
_DATE_TIME_SEPARATOR = {Language.SV: " ", Language.EN: ", "}
# Spans of time take an en dash in both languages' typography, never a hyphen.
_EN_DASH = "\N{EN DASH}"


def support_kind_name(kind: SupportKind, language: Language) -> str:
    """The name of a kind of support, e.g. "Coachning" or "Coaching"."""
    return _SUPPORT_KINDS[language][kind]


def session_kind_name(kind: SessionKind, language: Language) -> str:
    """The name of a kind of session, e.g. "Frukostmöte" or "Breakfast meeting"."""
    return _SESSION_KINDS[language][kind]


def local_time(moment: datetime, language: Language) -> str:
    """A moment in Swedish time: "20 januari 2027 kl. 09:30" or "20 January 2027, 09:30"."""
    return _format(moment, _DATE, language) + _time_of_day(moment, language)


def local_date(moment: datetime, language: Language) -> str:
    """The day of a moment in Swedish time: "20 januari 2027" or "20 January 2027"."""
    return _format(moment, _DATE, language)


def session_time(starts_at: datetime, ends_at: datetime, language: Language) -> str:
    """When a session runs: weekday, date and hours; a session over several days names both ends.

    The hours are joined by an en dash: "onsdag 20 januari 2027 kl. 09:30" to "12:00", or
    "Wednesday 20 January 2027, 09:30" to "12:00". Two days are two full times, with spaces
    around the dash because both ends are phrases with spaces of their own.
    """
    start = _format(starts_at, _DAY, language) + _time_of_day(starts_at, language)
    first_day = starts_at.astimezone(PROGRAMME_TIME_ZONE).date()
    if ends_at.astimezone(PROGRAMME_TIME_ZONE).date() == first_day:
        return f"{start}{_EN_DASH}{_format(ends_at, 'HH:mm', language)}"
    end = _format(ends_at, _DAY, language) + _time_of_day(ends_at, language)
    return f"{start} {_EN_DASH} {end}"


def _time_of_day(moment: datetime, language: Language) -> str:
    return _DATE_TIME_SEPARATOR[language] + _format(moment, _TIME[language], language)


def _format(moment: datetime, pattern: str, language: Language) -> str:
    # Babel reads a naive datetime as UTC, which would silently shift the time by an hour or two.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time shown to people needs a time zone: {moment.isoformat()}")
    return format_datetime(moment, pattern, tzinfo=PROGRAMME_TIME_ZONE, locale=language.value)
