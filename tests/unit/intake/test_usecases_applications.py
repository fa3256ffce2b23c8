"""intake's application use cases against in-memory stores: submit, decide, withdraw, read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digitalwell_intake.domain import ApplicationStatus, IllegalMoveError, TimelineKind
from digitalwell_intake.models import ApplicationRequest
from digitalwell_intake.usecases import applications
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Decision,
    GrantDecided,
    SupportGranted,
    SupportKind,
)
from tests.support.committing import FAKE_TRANSACTION
from tests.support.intake import application_body
from tests.unit.intake.fakes import FakeDeps


def _request(**changes: object) -> ApplicationRequest:
    return ApplicationRequest.model_validate(application_body(**changes))


def _decision(application_id: str, fake: FakeDeps, decision: Decision) -> GrantDecided:
    return GrantDecided(
        application_id=application_id,
        case_number="DW-2026-0001",
        decision=decision,
        decided_at=fake.clock() + timedelta(days=3),
        decided_by="Karin Ek",
        motivation="Fits the region's needs.",
        support_granted=[SupportGranted(kind=SupportKind.INNOVATION_FORUM, note="")]
        if decision is Decision.GRANTED
        else [],
    )


async def test_a_new_application_is_stored_numbered_and_announced() -> None:
    fake = FakeDeps()
    request = _request()

    submission = await applications.submit_application(fake.deps, request, idempotency_key=None)

    assert submission.created
    assert submission.same_request
    stored = fake.applications.applications[submission.application_id]
    assert stored.status is ApplicationStatus.SUBMITTED
    assert stored.case_number == "DW-2026-0001"
    assert stored.details.title == request.title
    assert stored.details.organisation.org_number == request.organisation.org_number
    assert stored.consent_given_at == fake.clock()
    assert [entry.kind for entry in stored.timeline] == [TimelineKind.SUBMITTED]
    (event,) = fake.committer.events
    assert isinstance(event, ApplicationSubmitted)
    assert event.application_id == stored.id
    assert event.case_number == "DW-2026-0001"
    assert event.contact.email == request.contact.email


async def test_applications_are_numbered_in_order() -> None:
    fake = FakeDeps()

    first = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    second = await applications.submit_application(fake.deps, _request(), idempotency_key=None)

    numbers = [
        fake.applications.applications[s.application_id].case_number for s in (first, second)
    ]
    assert numbers == ["DW-2026-0001", "DW-2026-0002"]


async def test_a_double_click_answers_with_the_first_application() -> None:
    fake = FakeDeps()
    body = application_body()
    first = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key=None
    )

    again = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key=None
    )

    assert again.application_id == first.application_id
    assert not again.created
    assert again.same_request
    assert len(fake.applications.applications) == 1
    assert len(fake.committer.events) == 1


async def test_the_same_title_with_other_words_is_the_first_application_without_its_links() -> None:
    fake = FakeDeps()
    body = application_body()
    first = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key=None
    )

    other = await applications.submit_application(
        fake.deps,
        ApplicationRequest.model_validate(body | {"summary": "Something else entirely."}),
        idempotency_key=None,
    )

    assert other.application_id == first.application_id
    assert not other.created
    assert not other.same_request


async def test_after_the_duplicate_window_the_same_title_is_a_new_application() -> None:
    fake = FakeDeps()
    body = application_body()
    first = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key=None
    )
    fake.clock.advance(timedelta(minutes=11))

    later = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key=None
    )

    assert later.created
    assert later.application_id != first.application_id


async def test_an_idempotency_key_with_another_request_is_refused() -> None:
    fake = FakeDeps()
    await applications.submit_application(fake.deps, _request(), idempotency_key="key-1")

    with pytest.raises(applications.IdempotencyKeyReusedError):
        await applications.submit_application(fake.deps, _request(), idempotency_key="key-1")

    assert len(fake.applications.applications) == 1
    assert len(fake.committer.events) == 1


async def test_an_idempotency_key_with_the_same_request_is_the_first_application() -> None:
    fake = FakeDeps()
    body = application_body()
    first = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key="key-2"
    )

    again = await applications.submit_application(
        fake.deps, ApplicationRequest.model_validate(body), idempotency_key="key-2"
    )

    assert (again.application_id, again.created, again.same_request) == (
        first.application_id,
        False,
        True,
    )


async def test_a_grant_shows_in_status_and_timeline() -> None:
    fake = FakeDeps()
    submission = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    decision = _decision(submission.application_id, fake, Decision.GRANTED)

    await applications.record_decision(fake.deps, decision, FAKE_TRANSACTION)

    stored = fake.applications.applications[submission.application_id]
    assert stored.status is ApplicationStatus.GRANTED
    assert stored.updated_at == decision.decided_at
    decided = stored.timeline[-1]
    assert decided.kind is TimelineKind.DECIDED
    assert decided.decision is Decision.GRANTED
    assert decided.decided_by == "Karin Ek"
    assert [s.kind for s in decided.support_granted] == [SupportKind.INNOVATION_FORUM]


async def test_a_second_decision_changes_nothing() -> None:
    fake = FakeDeps()
    submission = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    await applications.record_decision(
        fake.deps, _decision(submission.application_id, fake, Decision.REJECTED), FAKE_TRANSACTION
    )

    await applications.record_decision(
        fake.deps, _decision(submission.application_id, fake, Decision.GRANTED), FAKE_TRANSACTION
    )

    stored = fake.applications.applications[submission.application_id]
    assert stored.status is ApplicationStatus.REJECTED
    assert len(stored.timeline) == 2


async def test_a_decision_for_an_unknown_application_is_ignored() -> None:
    fake = FakeDeps()

    await applications.record_decision(
        fake.deps, _decision("app_unknown", fake, Decision.GRANTED), FAKE_TRANSACTION
    )

    assert fake.applications.applications == {}


async def test_a_withdrawal_is_stored_and_announced_with_its_reason() -> None:
    fake = FakeDeps()
    submission = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    fake.clock.advance(timedelta(hours=1))

    withdrawn = await applications.withdraw_application(
        fake.deps, submission.application_id, "found other funding"
    )

    assert withdrawn.status is ApplicationStatus.WITHDRAWN
    assert withdrawn == fake.applications.applications[submission.application_id]
    assert withdrawn.timeline[-1].reason == "found other funding"
    event = fake.committer.events[-1]
    assert isinstance(event, ApplicationWithdrawn)
    assert (event.application_id, event.reason, event.withdrawn_at) == (
        submission.application_id,
        "found other funding",
        fake.clock(),
    )
    assert event.case_number == withdrawn.case_number


async def test_a_decided_application_cannot_be_withdrawn() -> None:
    fake = FakeDeps()
    submission = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    await applications.record_decision(
        fake.deps, _decision(submission.application_id, fake, Decision.GRANTED), FAKE_TRANSACTION
    )

    with pytest.raises(IllegalMoveError) as refused:
        await applications.withdraw_application(fake.deps, submission.application_id, "")

    assert refused.value.current is ApplicationStatus.GRANTED
    assert [type(event) for event in fake.committer.events] == [ApplicationSubmitted]


async def test_withdrawing_an_unknown_application_is_not_found() -> None:
    fake = FakeDeps()

    with pytest.raises(applications.ApplicationNotFoundError):
        await applications.withdraw_application(fake.deps, "app_unknown", "")

    assert fake.committer.events == []


async def test_an_application_is_found_only_by_an_id_of_its_shape() -> None:
    fake = FakeDeps()
    submission = await applications.submit_application(fake.deps, _request(), idempotency_key=None)

    found = await applications.find_application(fake.deps, submission.application_id)
    misshapen = await applications.find_application(fake.deps, "../" + submission.application_id)

    assert found is not None
    assert found.id == submission.application_id
    assert misshapen is None


async def test_the_register_lists_newest_first_and_by_status() -> None:
    fake = FakeDeps()
    older = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    fake.clock.advance(timedelta(minutes=1))
    newer = await applications.submit_application(fake.deps, _request(), idempotency_key=None)
    await applications.withdraw_application(fake.deps, older.application_id, "")

    everything = await applications.registered_applications(fake.deps, None, 10)
    withdrawn = await applications.registered_applications(
        fake.deps, ApplicationStatus.WITHDRAWN, 10
    )
    one = await applications.registered_applications(fake.deps, None, 1)

    assert [a.id for a in everything] == [newer.application_id, older.application_id]
    assert [a.id for a in withdrawn] == [older.application_id]
    assert [a.id for a in one] == [newer.application_id]
