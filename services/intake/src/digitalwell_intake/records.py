"""The typed records intake's stores take and return: applications, claims, staff accounts.

Frozen pydantic models; no document field names, database ids or lease fields leak out of the
stores (``stores/``), which alone turn these into MongoDB documents and back.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from digitalwell_intake.domain import ApplicationStatus, TimelineEntry
from digitalwell_shared.contracts import Language, Stage, SupportKind
from digitalwell_shared.staff import Role


class _Record(BaseModel):
    # A field a stored document has and the record does not (an older version's) is ignored.
    model_config = ConfigDict(frozen=True)


class Organisation(_Record):
    """The applying organisation, as registered."""

    name: str
    org_number: str


class Contact(_Record):
    """The person the programme writes to about an application."""

    name: str
    email: str
    phone: str
    language: Language


class ApplicationDetails(_Record):
    """What the applicant sent, normalised (the request without its consent box)."""

    organisation: Organisation
    contact: Contact
    title: str
    summary: str
    need: str
    target_groups: tuple[str, ...]
    stage: Stage
    business_model: str
    public_sector_partners: tuple[str, ...] = ()
    support_requested: tuple[SupportKind, ...]


class Application(_Record):
    """An application as registered, with its timeline, oldest entry first."""

    id: str
    case_number: str | None
    status: ApplicationStatus
    submitted_at: datetime
    updated_at: datetime
    details: ApplicationDetails
    consent_given_at: datetime | None = None
    """What the applicant agreed to and when: the programme must be able to show it."""
    timeline: tuple[TimelineEntry, ...] = ()


class Claim(_Record):
    """A key that at most one live application holds: a duplicate key or an Idempotency-Key."""

    key: str
    application_id: str
    fingerprint: str
    expires_at: datetime


class StaffAccount(_Record):
    """A staff account as anyone who may manage it sees it: no password, no code secrets."""

    id: str
    email: str
    name: str
    roles: tuple[Role, ...]
    disabled: bool = False
    created_at: datetime
    last_sign_in_at: datetime | None = None


class StaffCredentials(_Record):
    """An account with what proves it is its owner: what sign-in checks."""

    account: StaffAccount
    password_hash: str = Field(repr=False)
    totp_secret: str | None = Field(None, repr=False)
    """The enrolled authenticator app's secret; None until one is enrolled."""
    totp_pending: str | None = Field(None, repr=False)
    """A new app's secret, waiting for a code from it to confirm it."""


class EnrolmentTicket(_Record):
    """A sign-in that must enrol an authenticator app first: its ticket's hash and new secret."""

    ticket_hash: str
    secret: str = Field(repr=False)
    expires_at: datetime


class Reservation(_Record):
    """One sign-in attempt reserved under the lock: it may check a password."""

    key: str
    attempts: int
