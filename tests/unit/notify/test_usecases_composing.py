"""notify's use cases for consumed events, against in-memory fakes: which e-mails each event
becomes, what is remembered and parked, and what a recipient's preference leaves out."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from digitalwell_notify import usecases
from digitalwell_notify.domain import DeliveryStatus, delivery_key
from digitalwell_shared.contracts import (
    ApplicationWithdrawn,
    CancellationReason,
    ForumBooked,
    ForumBookingCancelled,
    ForumBookingWaitlisted,
    ForumReminderDue,
    ForumSeatOffered,
    ForumSessionFillingUp,
    IntegrationEvent,
    Language,
)
from digitalwell_shared.envelope import Envelope
from tests.support.committing import FAKE_TRANSACTION
from tests.support.events import application_submitted, grant_decided
from tests.unit.notify.fakes import FakeNotify

E = TypeVar("E", bound=IntegrationEvent)
GOLDEN = Path(__file__).parents[2] / "support" / "golden"


def golden(event_type: type[E], **changes: object) -> E:
    """The contract's golden example of ``event_type``, with ``changes``."""
    event = event_type.model_validate_json((GOLDEN / f"{event_type.__name__}.json").read_text())
    return event.model_copy(update=changes)


def enveloped(event: E, source: str = "test") -> list[tuple[E, Envelope]]:
    return [(event, Envelope.for_event(event, source=f"/digitalwell/{source}"))]


async def test_a_submission_is_remembered_and_gets_one_receipt_in_the_applicants_language() -> None:
    notify = FakeNotify()
    submitted = application_submitted(language=Language.EN)
    items = enveloped(submitted, "intake")

    (receipt,) = await usecases.applications_submitted(notify.deps, items, FAKE_TRANSACTION)
    again = await usecases.applications_submitted(notify.deps, items, FAKE_TRANSACTION)

    applicant = notify.applicants.applicants[submitted.application_id]
    assert applicant.recipient == str(submitted.contact.email)
    assert applicant.language is Language.EN
    assert applicant.case_number == submitted.case_number
    assert receipt.template == "application_received"
    assert receipt.subject == f"We have received your application: {submitted.title}"
    assert receipt.id == delivery_key(items[0][1].id, receipt.recipient, receipt.template)
    assert receipt.status is DeliveryStatus.PENDING
    assert receipt.created_at == receipt.next_attempt_at == notify.clock.now
    assert receipt.category is None  # a receipt is essential: no unsubscribing from it
    assert receipt.unsubscribe_url is None
    assert [email.id for email in again] == [receipt.id]  # the same e-mail, not a second
    assert list(notify.emails.emails) == [receipt.id]


async def test_a_decision_before_its_submission_waits_and_goes_out_with_the_receipt() -> None:
    notify = FakeNotify()
    submitted = application_submitted()
    decided = grant_decided(submitted.application_id, case_number=submitted.case_number)

    early = await usecases.grants_decided(notify.deps, enveloped(decided), FAKE_TRANSACTION)
    parked = list(notify.parked.parked.values())
    later = await usecases.applications_submitted(
        notify.deps, enveloped(submitted, "intake"), FAKE_TRANSACTION
    )

    assert early == []
    assert [p.event for p in parked] == [decided]
    assert parked[0].parked_at == notify.clock.now
    assert [email.template for email in later] == ["application_received", "decision_granted"]
    assert {email.recipient for email in later} == {str(submitted.contact.email).lower()}
    assert notify.parked.parked == {}  # taken, not kept for another submission
    assert len(notify.emails.emails) == 2


async def test_a_known_applicants_decision_and_withdrawal_go_out_at_once() -> None:
    notify = FakeNotify()
    submitted = application_submitted()
    await usecases.applications_submitted(
        notify.deps, enveloped(submitted, "intake"), FAKE_TRANSACTION
    )
    rejected = grant_decided(submitted.application_id, decision="rejected")
    withdrawn = ApplicationWithdrawn(
        application_id=submitted.application_id,
        withdrawn_at=notify.clock.now,
        reason="Vi har fått annan finansiering.",
    )

    (letter,) = await usecases.grants_decided(notify.deps, enveloped(rejected), FAKE_TRANSACTION)
    (confirmation,) = await usecases.applications_withdrawn(
        notify.deps, enveloped(withdrawn, "intake"), FAKE_TRANSACTION
    )

    assert letter.template == "decision_rejected"
    assert letter.application_id == submitted.application_id
    assert confirmation.template == "application_withdrawn"
    # The withdrawal carries no case number: the one remembered from the submission is used.
    assert f"Diarienummer: {submitted.case_number}" in confirmation.text
    assert notify.parked.parked == {}


async def test_each_booking_event_becomes_its_own_email_to_the_attendee() -> None:
    notify = FakeNotify()
    events: list[IntegrationEvent] = [
        golden(ForumBooked),
        golden(ForumBookingWaitlisted),
        golden(ForumSeatOffered),
        golden(ForumBookingCancelled),
        golden(ForumBookingCancelled, reason=CancellationReason.SESSION_CANCELLED),
        golden(ForumReminderDue),
    ]
    items = [(e, Envelope.for_event(e, source="/digitalwell/forum")) for e in events]

    emails = await usecases.booking_events(notify.deps, items, FAKE_TRANSACTION)  # type: ignore[arg-type]

    assert [email.template for email in emails] == [
        "booking_confirmed",
        "booking_waitlisted",
        "seat_offered",
        "booking_cancelled",
        "session_cancelled",
        "session_reminder",
    ]
    assert all(email.booking_id for email in emails)
    assert [len(email.attachments) for email in emails] == [1, 0, 0, 0, 0, 0]
    reminder = emails[-1]
    assert reminder.category == usecases.REMINDERS
    assert reminder.unsubscribe_url is not None
    assert reminder.unsubscribe_url.startswith(f"https://notify.test/unsubscribe/{reminder.id}?")
    assert len(notify.emails.emails) == len(events)


async def test_a_reminder_is_not_queued_for_someone_who_unsubscribed_but_a_booking_is() -> None:
    notify = FakeNotify()
    reminder = golden(ForumReminderDue)
    booked = golden(ForumBooked)
    attendee = str(reminder.attendee.email)
    await notify.preferences.unsubscribe(
        f"  {attendee.upper()} ", usecases.REMINDERS, notify.clock()
    )

    queued = await usecases.booking_events(
        notify.deps, [*enveloped(reminder), *enveloped(booked)], FAKE_TRANSACTION
    )

    assert [email.template for email in queued] == ["booking_confirmed"]
    assert [email.template for email in notify.emails.emails.values()] == ["booking_confirmed"]


async def test_the_coordinator_is_told_a_session_is_filling_up() -> None:
    notify = FakeNotify()
    filling = golden(ForumSessionFillingUp)
    notify.clock.advance(timedelta(minutes=5))

    (email,) = await usecases.sessions_filling_up(notify.deps, enveloped(filling), FAKE_TRANSACTION)

    assert email.template == "session_filling_up"
    assert email.recipient == str(filling.coordinator.email)
    assert email.language == filling.coordinator.language.value
    assert f"https://forum.test/staff/sessions/{filling.session_id}" in email.text
    assert email.created_at == notify.clock.now
    assert notify.committer.committed == []  # consumed events write in the consumer's transaction
