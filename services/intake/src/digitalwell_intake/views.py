"""What intake's pages and API show: an application's status, the register, accounts, links."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from num2words import num2words  # type: ignore[import-untyped]

from digitalwell_intake.domain import TimelineKind, public_timeline, withdraw_token
from digitalwell_intake.models import (
    AccountView,
    ApplicationStatusView,
    GrantedSupport,
    RegisteredApplication,
    TimelineItem,
)
from digitalwell_intake.records import Application, StaffAccount
from digitalwell_shared.contracts import Decision, Language, SupportKind
from digitalwell_shared.links import (
    book_workshop_url,
    withdraw_application_url,
    workshop_booking_expires_at,
)
from digitalwell_shared.local_time import local_time


@dataclass(frozen=True)
class Links:
    """Absolute URLs under the service's public base URL."""

    base_url: str
    link_secret: str = field(repr=False)  # never in a log line or a traceback
    forum_url: str
    """Where the workshop booking link of a grant leads (forum's public base URL)."""

    def status_url(self, application_id: str) -> str:
        """The application's status as JSON."""
        return f"{self.base_url}/api/v1/applications/{application_id}"

    def status_page_url(self, application_id: str) -> str:
        """The application's status page for people."""
        return f"{self.base_url}/applications/{application_id}"

    def withdraw_url(self, application_id: str) -> str:
        """Where the applicant POSTs a withdrawal; the token in it is the permission."""
        query = urlencode({"token": withdraw_token(self.link_secret, application_id)})
        return f"{self.status_url(application_id)}/withdraw?{query}"

    def workshop_booking_url(
        self, application_id: str, decided_at: datetime, language: Language | None = None
    ) -> str:
        """Forum's workshops for a grant, the form filled in: the same link as in the letter."""
        return book_workshop_url(
            self.forum_url,
            self.link_secret,
            application_id,
            language.value if language else None,
            decided_at=decided_at,
        )

    def withdraw_page_url(self, application_id: str, language: Language) -> str:
        """The page where a person confirms a withdrawal: the link for a receipt e-mail."""
        return withdraw_application_url(
            self.base_url, self.link_secret, application_id, language.value
        )


def applicant_language(application: Application) -> Language:
    """The language the applicant asked to be written to in."""
    return application.details.contact.language


def workshop_booking_url(
    application: Application, links: Links, language: Language | None = None
) -> str | None:
    """The link to book the workshop a grant includes, while it works; else None."""
    for entry in application.timeline:
        granted = entry.kind is TimelineKind.DECIDED and entry.decision is Decision.GRANTED
        if not granted or not any(
            s.kind is SupportKind.INNOVATION_FORUM for s in entry.support_granted
        ):
            continue
        if datetime.now(UTC) < workshop_booking_expires_at(entry.at):
            return links.workshop_booking_url(application.id, entry.at, language)
    return None


def status_view(
    application: Application, links: Links, language: Language | None = None
) -> ApplicationStatusView:
    """The application's status and timeline, as anyone with its id may see them."""
    return ApplicationStatusView(
        id=application.id,
        case_number=application.case_number,
        status=application.status,
        title=application.details.title,
        organisation_name=application.details.organisation.name,
        submitted_at=application.submitted_at,
        updated_at=application.updated_at,
        status_page_url=links.status_page_url(application.id),
        workshop_booking_url=workshop_booking_url(application, links, language),
        timeline=[
            TimelineItem(
                kind=entry.kind,
                at=entry.at,
                decision=entry.decision,
                support_granted=[
                    GrantedSupport(kind=support.kind, note=support.note)
                    for support in entry.support_granted
                ]
                if entry.decision is not None
                else None,
                motivation=entry.motivation if entry.decision is not None else None,
                decided_by=(entry.decided_by or None) if entry.decision is not None else None,
            )
            for entry in public_timeline(application.timeline)
        ],
    )


def registered(application: Application) -> RegisteredApplication:
    """An application as the register lists it."""
    return RegisteredApplication(
        id=application.id,
        case_number=application.case_number,
        title=application.details.title,
        organisation_name=application.details.organisation.name,
        status=application.status,
        submitted_at=application.submitted_at,
    )


def account_view(account: StaffAccount) -> AccountView:
    """A staff account as administrators see it."""
    return AccountView(
        id=account.id,
        email=account.email,
        name=account.name,
        roles=list(account.roles),
        disabled=account.disabled,
        created_at=account.created_at,
        last_sign_in_at=account.last_sign_in_at,
    )


def weeks_in_words(weeks: int, language: Language) -> str:
    """``weeks`` as people say it: "sex veckor", "six weeks"; "en vecka", "one week"."""
    if weeks == 1:  # num2words says "ett", but a week is "en vecka"
        return "en vecka" if language is Language.SV else "one week"
    number = num2words(weeks, lang=language.value)
    return f"{number} veckor" if language is Language.SV else f"{number} weeks"


def format_time(language: Language, moment: datetime) -> str:
    """A moment as people in Sweden read it, e.g. "23 november 2026 kl. 14:05"."""
    return local_time(moment, language)
