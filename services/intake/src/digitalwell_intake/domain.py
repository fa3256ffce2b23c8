"""Pure rules: an application's numbers, ids, duplicates, status moves and tokens; passwords."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import phonenumbers

from digitalwell_shared.contracts import Decision, SupportGranted
from digitalwell_shared.links import WITHDRAW_APPLICATION, link_token, link_token_is_valid
from digitalwell_shared.local_time import PROGRAMME_TIME_ZONE
from digitalwell_shared.staff import Role


class InvalidValueError(ValueError):
    """A value breaks one of intake's rules; ``code`` names the rule for translated messages."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


# --- Swedish organisation numbers -------------------------------------------------------------

_ORG_NUMBER = re.compile(r"(\d{6})-?(\d{4})")
# Skatteverket (SKV 709): the "month" digits of an organisationsnummer are always 20 or more, so
# the third digit is 2-9; that is what tells it apart from a personnummer (month 01-12). A sole
# trader (enskild näringsidkare) has no organisationsnummer of its own and uses the owner's
# personnummer: we refuse those, because a personal identity number is not an organisation's.
_MIN_THIRD_DIGIT = 2


def luhn_check_digit(digits: str) -> int:
    """The Luhn (mod 10) check digit of ``digits``, weights 2, 1, 2, ... from the left."""
    total = 0
    for position, digit in enumerate(digits):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def normalise_org_number(text: str) -> str:
    """A Swedish organisation number as NNNNNN-NNNN; InvalidValueError names what is wrong."""
    match = _ORG_NUMBER.fullmatch(text.strip())
    if match is None:
        raise InvalidValueError(
            "org_number_format",
            "Enter the organisation number as NNNNNN-NNNN or 10 digits, e.g. 556012-5790",
        )
    digits = match.group(1) + match.group(2)
    if int(digits[2]) < _MIN_THIRD_DIGIT:
        raise InvalidValueError(
            "org_number_personal",
            "This is not an organisation number: its third digit must be 2 or higher "
            "(a personal identity number is not accepted)",
        )
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise InvalidValueError(
            "org_number_checksum",
            "The organisation number's check digit (the last digit) is wrong; check the number",
        )
    return f"{digits[:6]}-{digits[6:]}"


# --- Phone numbers ----------------------------------------------------------------------------

_HOME_REGION = "SE"  # a number without a country code is read as Swedish


def normalise_phone(text: str) -> str:
    """A phone number in E.164 form (+46701234567); Swedish unless it has a country code."""
    try:
        number = phonenumbers.parse(text, _HOME_REGION)
    except phonenumbers.NumberParseException as error:
        raise _invalid_phone() from error
    if not phonenumbers.is_valid_number(number):
        raise _invalid_phone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _invalid_phone() -> InvalidValueError:
    return InvalidValueError(
        "phone_invalid",
        "Enter a phone number that works, e.g. 070-123 45 67 or +46 70 123 45 67",
    )


# --- Ids, duplicates and idempotency -----------------------------------------------------------

APPLICATION_ID_PREFIX = "app_"
_ID_BYTES = 15  # 120 random bits: 24 base32 characters, no padding
APPLICATION_ID = re.compile(r"app_[a-z2-7]{24}")


def new_application_id() -> str:
    """A new application id: ``app_`` and 24 random lower-case base32 characters (120 bits).

    Unguessable, because the id is all one needs to read an application's status; base32
    because its digits (2-7) cannot be taken for its letters, so a person can read it out.
    """
    random_part = base64.b32encode(secrets.token_bytes(_ID_BYTES)).decode().lower()
    return f"{APPLICATION_ID_PREFIX}{random_part}"


def is_application_id(text: str) -> bool:
    """True when ``text`` has the shape of an application id."""
    return APPLICATION_ID.fullmatch(text) is not None


def duplicate_key(org_number: str, title: str) -> str:
    """The key under which two submissions count as the same application.

    The title is compared without regard to case or runs of white space, so "Smart  Pill box"
    and "smart pill box" from one organisation are one application.
    """
    title_key = " ".join(title.split()).casefold()
    digest = hashlib.sha256(title_key.encode()).hexdigest()
    return f"org-title:{org_number}:{digest}"


def idempotency_claim_key(idempotency_key: str) -> str:
    """The key that an Idempotency-Key header claims."""
    return f"idempotency-key:{idempotency_key}"


def request_fingerprint(payload: Mapping[str, Any]) -> str:
    """A digest of a normalised request, to tell a repeat of it from a different request."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


CASE_NUMBER_PREFIX = "DW"


def case_series(received_at: datetime) -> str:
    """The registration series a document received at ``received_at`` belongs to: one a year.

    The year is the programme's local one, so an application sent at 00:30 on New Year's Day
    in Sweden is registered in the new year.
    """
    return f"{CASE_NUMBER_PREFIX}-{received_at.astimezone(PROGRAMME_TIME_ZONE).year}"


def case_number(series: str, sequence: int) -> str:
    """The registration number, e.g. ``DW-2026-0042``: four digits, more when a year needs them."""
    return f"{series}-{sequence:04d}"


# --- Status and timeline ----------------------------------------------------------------------


class ApplicationStatus(StrEnum):
    """Where an application is, as the applicant sees it."""

    SUBMITTED = "submitted"
    GRANTED = "granted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class TimelineKind(StrEnum):
    """What happened to an application."""

    SUBMITTED = "submitted"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened to an application, shown to the applicant in order."""

    kind: TimelineKind
    at: datetime
    decision: Decision | None = None
    support_granted: Sequence[SupportGranted] = field(default_factory=tuple)
    motivation: str = ""
    decided_by: str = ""
    reason: str = ""


class IllegalMoveError(Exception):
    """An application cannot take this step from its current status."""

    def __init__(self, current: ApplicationStatus, kind: TimelineKind) -> None:
        super().__init__(f"an application that is {current.value} cannot be {kind.value}")
        self.current = current
        self.kind = kind


def status_after(current: ApplicationStatus, entry: TimelineEntry) -> ApplicationStatus:
    """The status after ``entry`` happens; IllegalMoveError when it cannot happen now.

    Only a submitted application moves: a decision is final, and a withdrawn application is
    no longer assessed.
    """
    if current is not ApplicationStatus.SUBMITTED or entry.kind is TimelineKind.SUBMITTED:
        raise IllegalMoveError(current, entry.kind)
    if entry.kind is TimelineKind.WITHDRAWN:
        return ApplicationStatus.WITHDRAWN
    if entry.decision is Decision.GRANTED:
        return ApplicationStatus.GRANTED
    return ApplicationStatus.REJECTED


def public_timeline(entries: Sequence[TimelineEntry]) -> list[TimelineEntry]:
    """The timeline as anyone with the id may see it, oldest first.

    A withdrawal's reason is the applicant's free text and may name people, so it stays
    private; the council's motivation is written to be read by the applicant and is shown.
    """
    shown = [
        TimelineEntry(kind=entry.kind, at=entry.at)
        if entry.kind is TimelineKind.WITHDRAWN
        else entry
        for entry in entries
    ]
    return sorted(shown, key=lambda entry: entry.at)


# --- Withdrawal tokens ------------------------------------------------------------------------


def withdraw_token(secret: str, application_id: str) -> str:
    """The token that lets its holder withdraw one application (until it is decided)."""
    # No time limit: the link ends when the application is decided (or withdrawn).
    return link_token(secret, WITHDRAW_APPLICATION, application_id, expires_at=None)


def withdraw_token_is_valid(secret: str, application_id: str, token: str) -> bool:
    """True when ``token`` is the withdrawal token of ``application_id``; constant time."""
    return link_token_is_valid(secret, WITHDRAW_APPLICATION, application_id, token)


# --- Staff passwords and sign-in ---------------------------------------------------------------

DEMO_PASSWORD = "digitalwell-dev"  # noqa: S105 - the documented demo password, refused in production
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work per request
SECOND_FACTOR_ROLES = frozenset({Role.ADMINISTRATOR, Role.COUNCIL_CHAIR})
"""Roles that must give a one-time code where codes are required (always so in production)."""

REFUSED = (
    "wrong e-mail address or password; after repeated failures sign-in from your address is "
    "paused for a while"
)
"""The one answer to a wrong password, an unknown or disabled address and a lock alike, so an
answer tells a stranger neither which addresses have accounts nor which are locked."""


class SignInRefusedError(Exception):
    """The e-mail address and password do not sign anyone in; the message says why."""


class SignInThrottledError(Exception):
    """Too many attempts from one client address: try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many sign-in attempts from your address: try again shortly")
        self.retry_after = retry_after


class SecondFactorRefusedError(SignInRefusedError):
    """The password was right but the one-time code is missing, wrong or already used."""


class EnrolmentNeededError(Exception):
    """The password was right, and this role must enrol a one-time code app first.

    ``ticket`` lets the sign-in page finish the enrolment (and the sign-in) with a code.
    """

    def __init__(self, ticket: str, secret: str, email: str) -> None:
        super().__init__("enrol an authenticator app at the sign-in page to sign in")
        self.ticket = ticket
        self.secret = secret
        self.email = email


class AccountExistsError(Exception):
    """An account with this e-mail address exists."""


class AccountNotFoundError(LookupError):
    """No staff account has this id."""


class PasswordRefusedError(ValueError):
    """The password may not be used; the message says why."""


def check_password(password: str, *, production: bool) -> None:
    """Raise PasswordRefusedError unless ``password`` may be set."""
    if production and password == DEMO_PASSWORD:
        raise PasswordRefusedError("the demo password is refused in production")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefusedError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordRefusedError(f"a password may have at most {MAX_PASSWORD_LENGTH} characters")


def sign_in_key(email: str, client: str) -> str:
    """What failed attempts are counted under: the address tried, from one client address."""
    return f"{email}|{client}"


def ticket_hash(ticket: str) -> str:
    """The stored form of an enrolment ticket: a reader of the database cannot finish a sign-in."""
    return hashlib.sha256(ticket.encode()).hexdigest()
