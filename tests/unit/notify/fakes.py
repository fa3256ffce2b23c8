"""In-memory fakes of notify's stores, and Deps built on them, for unit tests (no I/O)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from digitalwell_notify.composing import LinkSettings
from digitalwell_notify.deps import Deps
from digitalwell_notify.domain import DeliveryStatus
from digitalwell_notify.records import Applicant, AttemptOutcome, Claim, Email, ParkedEvent
from digitalwell_notify.render import EmailTemplates
from digitalwell_notify.stores import address
from digitalwell_shared.mongo import Transaction
from tests.support.committing import FakeCommitter, FixedClock

LINKS = LinkSettings(
    intake_url="https://intake.test",
    forum_url="https://forum.test",
    notify_url="https://notify.test",
    secret="test-secret-that-is-long-enough-for-hmac",
    id_domain="dw.example",
    booking_link_grace_hours=6,
    unsubscribe_link_days=30,
)


class FakeEmailStore:
    """The outbox and delivery log in a dict; claims and the relay wait kept beside it."""

    def __init__(self, emails: Sequence[Email] = ()) -> None:
        self.emails: dict[str, Email] = {email.id: email for email in emails}
        self.claimed_until: dict[str, datetime] = {}
        self.waiting_for_relay: set[str] = set()
        self.renewed: list[tuple[str, datetime]] = []

    async def enqueue(self, emails: Sequence[Email], _transaction: Transaction) -> int:
        new = [email for email in emails if email.id not in self.emails]
        self.emails.update({email.id: email for email in new})
        return len(new)

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> Claim:
        due = sorted(
            (
                email
                for email in self.emails.values()
                if email.status is DeliveryStatus.PENDING
                and (email.next_attempt_at or email.created_at) <= now
                and self.claimed_until.get(email.id, datetime.min.replace(tzinfo=now.tzinfo)) < now
            ),
            key=lambda email: email.next_attempt_at or email.created_at,
        )[:limit]
        for email in due:
            self.claimed_until[email.id] = now + lease
        return Claim(token=f"claim-{len(self.renewed)}", emails=tuple(due))

    async def renew_claim(self, claim: Claim, until: datetime) -> None:
        self.renewed.append((claim.token, until))

    async def pull_forward(self, now: datetime) -> int:
        pulled = [key for key in self.waiting_for_relay if self.emails[key].status == "pending"]
        for key in pulled:
            self.emails[key] = self.emails[key].model_copy(update={"next_attempt_at": now})
        self.waiting_for_relay.clear()
        return len(pulled)

    async def record_attempts(
        self, outcomes: Sequence[AttemptOutcome], _transaction: Transaction
    ) -> None:
        for outcome in outcomes:
            email = self.emails[outcome.email_id]
            update: dict[str, object] = {
                "status": outcome.status,
                "attempts": (*email.attempts, outcome.attempt),
                "updated_at": outcome.attempt.at,
            }
            if outcome.next_attempt_at is not None:
                update["next_attempt_at"] = outcome.next_attempt_at
            if outcome.status is DeliveryStatus.SENT:
                update["sent_at"] = outcome.attempt.at
            self.emails[email.id] = email.model_copy(update=update)
            self.claimed_until.pop(email.id, None)
            if outcome.waiting_for_relay:
                self.waiting_for_relay.add(email.id)

    async def list(
        self,
        *,
        application_id: str | None = None,
        recipient: str | None = None,
        status: DeliveryStatus | None = None,
        template: str | None = None,
        among_templates: Collection[str] | None = None,
        limit: int = 100,
    ) -> list[Email]:
        found = [
            email
            for email in self.emails.values()
            if (among_templates is None or email.template in among_templates)
            and (not application_id or email.application_id == application_id)
            and (not recipient or email.recipient == address(recipient))
            and (status is None or email.status is status)
            and (not template or email.template == template)
        ]
        return sorted(found, key=lambda email: email.created_at, reverse=True)[:limit]

    async def get(self, email_id: str) -> Email | None:
        return self.emails.get(email_id)

    async def resend(self, email_id: str, now: datetime) -> Email | None:
        email = self.emails.get(email_id)
        if email is None or email.status is not DeliveryStatus.FAILED:
            return None
        resent = email.model_copy(
            update={
                "status": DeliveryStatus.PENDING,
                "next_attempt_at": now,
                "resent_at": now,
                "updated_at": now,
            }
        )
        self.emails[email_id] = resent
        self.claimed_until.pop(email_id, None)
        return resent


class FakeApplicantStore:
    def __init__(self, applicants: Sequence[Applicant] = ()) -> None:
        self.applicants = {applicant.application_id: applicant for applicant in applicants}

    async def remember(self, applicants: Sequence[Applicant], _transaction: Transaction) -> None:
        for applicant in applicants:
            self.applicants.setdefault(applicant.application_id, applicant)

    async def get(
        self, application_ids: Sequence[str], _transaction: Transaction
    ) -> dict[str, Applicant]:
        return {key: self.applicants[key] for key in application_ids if key in self.applicants}


class FakeParkedEventStore:
    def __init__(self) -> None:
        self.parked: dict[str, ParkedEvent] = {}

    async def park(self, events: Sequence[ParkedEvent], _transaction: Transaction) -> None:
        for parked in events:
            self.parked.setdefault(parked.envelope.id, parked)

    async def take(
        self, application_ids: Sequence[str], _transaction: Transaction
    ) -> list[ParkedEvent]:
        taken = sorted(
            (p for p in self.parked.values() if p.event.application_id in application_ids),
            key=lambda parked: parked.parked_at,
        )
        for parked in taken:
            del self.parked[parked.envelope.id]
        return taken


class FakePreferenceStore:
    def __init__(self) -> None:
        self.unsubscribed_at: dict[tuple[str, str], datetime] = {}

    async def unsubscribed(
        self, recipient: str, category: str, _transaction: Transaction | None = None
    ) -> bool:
        return (address(recipient), category) in self.unsubscribed_at

    async def unsubscribed_among(
        self, recipients: Collection[str], category: str, _transaction: Transaction
    ) -> set[str]:
        return {
            address(recipient)
            for recipient in recipients
            if (address(recipient), category) in self.unsubscribed_at
        }

    async def unsubscribe(self, recipient: str, category: str, now: datetime) -> None:
        self.unsubscribed_at.setdefault((address(recipient), category), now)

    async def resubscribe(self, recipient: str, category: str, _now: datetime) -> None:
        self.unsubscribed_at.pop((address(recipient), category), None)


@dataclass
class FakeNotify:
    """notify's Deps on fakes, with the fakes at hand for a test's assertions."""

    emails: FakeEmailStore = field(default_factory=FakeEmailStore)
    applicants: FakeApplicantStore = field(default_factory=FakeApplicantStore)
    parked: FakeParkedEventStore = field(default_factory=FakeParkedEventStore)
    preferences: FakePreferenceStore = field(default_factory=FakePreferenceStore)
    committer: FakeCommitter = field(default_factory=FakeCommitter)
    clock: FixedClock = field(default_factory=FixedClock)
    links: LinkSettings = LINKS
    woken: int = 0

    @property
    def deps(self) -> Deps:
        return Deps(
            emails=self.emails,
            applicants=self.applicants,
            parked=self.parked,
            preferences=self.preferences,
            templates=EmailTemplates(),
            links=self.links,
            committer=self.committer,
            clock=self.clock,
            wake_delivery=self._wake,
        )

    def _wake(self) -> None:
        self.woken += 1
