"""Times as people read them: the programme's time zone, and dates in Swedish or English.

The programme is in Värmland, so every time shown to a person is Swedish time, whatever the
server's zone; Babel names the months and weekdays from CLDR.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from digitalwell_shared.contracts import Language

PROGRAMME_TIME_ZONE = ZoneInfo("Europe/Stockholm")

# The order of day, month and year is the same in Swedish and British English. Swedish writes
# "kl." before a time of day; English separates it from the date with a comma.
_DATE = "d MMMM y"
_DAY = "EEEE d MMMM y"
_TIME = {Language.SV: "'kl.' HH:mm", Language.EN: "HH:mm"}
_DATE_TIME_SEPARATOR = {Language.SV: " ", Language.EN: ", "}
# Spans of time take an en dash in both languages' typography, never a hyphen.
_EN_DASH = "\N{EN DASH}"


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
