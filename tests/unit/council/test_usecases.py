"""council's use cases against an in-memory store, a fake committer and a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest

from digitalwell_council import usecases
from digitalwell_council.domain import (
    CaseStatus,
    ConflictOfInterestError,
    Criterion,
    IllegalMoveError,
)
from digitalwell_council.records import CaseDecision, GivenScore, Support
from digitalwell_council.reporting import Period
from digitalwell_council.stores import CaseStore
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Decision,
    GrantDecided,
    SupportKind,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.staff import Role, StaffMember
from tests.support.committing import FAKE_TRANSACTION
from tests.support.events import application_submitted
from tests.unit.council.fakes import FakeCouncil, fake_council


def _staff(name: str, email: str, *roles: Role) -> StaffMember:
    return StaffMember(
        id=f"u-{name.split(maxsplit=1)[0].lower()}",
        email=email,
        name=name,
        roles=frozenset(roles or {Role.COUNCIL_MEMBER}),
        session_id="s-1",
    )


ANNA = _staff("Anna", "Anna@Example.org")
BO = _staff("Bo", "bo@example.org")
CHAIR = _staff("Cia Chair", "chair@example.org", Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER)


def _every(score: int = 4) -> list[GivenScore]:
    return [GivenScore(criterion=c, score=score, comment=f"on {c.value}") for c in Criterion]


def _submitted(**changes: object) -> tuple[ApplicationSubmitted, Envelope]:
    event = application_submitted().model_copy(update=changes)
    return event, Envelope.for_event(event, source="/digitalwell/intake", correlation_id="corr-1")


async def _opened(
    members: tuple[str, ...] = (), quorum: int = 2
) -> tuple[str, ApplicationSubmitted, FakeCouncil]:
    council = fake_council(members=members, quorum=quorum)
    event, envelope = _submitted()
    await usecases.open_cases(council.deps, [(event, envelope)], FAKE_TRANSACTION)
    return f"case-{event.application_id}", event, council


# -- events from intake -------------------------------------------------------------------------


async def test_an_application_opens_one_case_holding_it_and_a_second_delivery_opens_none() -> None:
    council = fake_council()
    deps, store, committer, clock = council.deps, council.store, council.committer, council.clock
    event, envelope = _submitted()

    opened = await usecases.open_cases(deps, [(event, envelope)], FAKE_TRANSACTION)
    again = await usecases.open_cases(deps, [(event, envelope)], FAKE_TRANSACTION)

    assert [case.id for case in opened] == [f"case-{event.application_id}"]
    assert again == []
    case = store.cases[opened[0].id]
    assert (case.status, case.case_number, case.application) == (
        CaseStatus.NEW,
        event.case_number,
        event,
    )
    assert (case.opened_at, case.correlation_id) == (clock.now, "corr-1")
    assert [(e.action, e.actor.key, e.details) for e in store.trail] == [
        ("opened", "intake", {"case_number": event.case_number})
    ]
    assert committer.events == []


async def test_a_withdrawal_closes_an_open_case_and_is_audited() -> None:
    case_id, event, parts = await _opened()
    deps, store = parts.deps, parts.store
    at = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    withdrawn = ApplicationWithdrawn(
        application_id=event.application_id, withdrawn_at=at, reason="x"
    )

    closed = await usecases.withdraw_case(deps, withdrawn, FAKE_TRANSACTION)

    assert closed is not None
    assert store.cases[case_id].status is CaseStatus.WITHDRAWN
    assert store.cases[case_id].withdrawn_at == at
    assert (store.trail[-1].action, store.trail[-1].actor.key) == ("withdrawn", "applicant")
    assert store.trail[-1].details == {"reason": "x", "withdrawn_at": at}


async def test_a_withdrawal_of_a_closed_case_or_of_no_case_changes_nothing() -> None:
    council = fake_council()
    deps, store = council.deps, council.store
    at = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    nobody = ApplicationWithdrawn(application_id="app_none", withdrawn_at=at)

    assert await usecases.withdraw_case(deps, nobody, FAKE_TRANSACTION) is None

    case_id, event, parts = await _opened()
    store = parts.store
    store.cases[case_id] = store.cases[case_id].model_copy(update={"status": CaseStatus.DECIDED})
    trail = list(store.trail)
    again = ApplicationWithdrawn(application_id=event.application_id, withdrawn_at=at)

    assert await usecases.withdraw_case(parts.deps, again, FAKE_TRANSACTION) is None
    assert store.cases[case_id].status is CaseStatus.DECIDED
    assert store.trail == trail


# -- scoring ------------------------------------------------------------------------------------


async def test_a_first_score_opens_the_assessment_and_the_latest_per_criterion_counts() -> None:
    case_id, _event, parts = await _opened()
    deps, store, clock = parts.deps, parts.store, parts.clock
    need = [GivenScore(criterion=Criterion.NEED, score=2, comment="thin")]

    scored = await usecases.score_case(deps, case_id, ANNA, need)
    clock.advance(timedelta(minutes=5))
    await usecases.score_case(deps, case_id, ANNA, _every(5))

    assert scored.status is CaseStatus.UNDER_ASSESSMENT
    assert scored.scored_by == ("anna@example.org",)
    assert store.cases[case_id].status is CaseStatus.UNDER_ASSESSMENT
    (assessment,) = await store.assessments(case_id)
    assert assessment.member.key == "anna@example.org"
    assert {c: s.score for c, s in assessment.scores.items()} == dict.fromkeys(Criterion, 5)
    assert store.roster["anna@example.org"].name == "Anna"
    first, second = [e for e in store.trail if e.action == "scored"]
    assert first.scores == tuple(need)
    assert second.at - first.at == timedelta(minutes=5)


async def test_scoring_is_refused_to_a_conflicted_member_on_a_closed_case_and_on_no_case() -> None:
    case_id, _event, parts = await _opened()
    deps, store = parts.deps, parts.store
    await usecases.declare_conflict(deps, case_id, BO, "my sister's firm")

    with pytest.raises(ConflictOfInterestError):
        await usecases.score_case(deps, case_id, BO, _every())
    with pytest.raises(usecases.CaseNotFoundError):
        await usecases.score_case(deps, "case-none", ANNA, _every())
    store.cases[case_id] = store.cases[case_id].model_copy(update={"status": CaseStatus.WITHDRAWN})
    with pytest.raises(IllegalMoveError, match="withdrawn"):
        await usecases.score_case(deps, case_id, ANNA, _every())
    assert await store.assessments(case_id) == []


async def test_a_conflict_is_recorded_once_and_audited() -> None:
    case_id, _event, parts = await _opened()
    deps, store, clock = parts.deps, parts.store, parts.clock

    conflict = await usecases.declare_conflict(deps, case_id, BO, "a tie")

    assert (conflict.member.key, conflict.reason, conflict.at) == (
        "bo@example.org",
        "a tie",
        clock.now,
    )
    assert store.cases[case_id].conflicted == {"bo@example.org"}
    assert store.trail[-1].action == "conflict_declared"
    assert store.trail[-1].details == {"reason": "a tie"}
    with pytest.raises(IllegalMoveError) as refused:
        await usecases.declare_conflict(deps, case_id, BO, "again")
    assert refused.value.reason == "already_conflicted"
    assert len(store.cases[case_id].conflicts) == 1


# -- the decision -------------------------------------------------------------------------------


async def _assessed(quorum: int = 2) -> tuple[str, FakeCouncil]:
    case_id, _event, parts = await _opened(quorum=quorum)
    deps = parts.deps
    await usecases.score_case(deps, case_id, ANNA, _every(4))
    await usecases.score_case(deps, case_id, BO, _every(3))
    return case_id, parts


async def _decide(parts: FakeCouncil, case_id: str, chair: StaffMember = CHAIR) -> CaseDecision:
    return await usecases.decide_case(
        parts.deps,
        case_id,
        chair=chair,
        decision=Decision.GRANTED,
        support_granted=[Support(kind=SupportKind.COACHING, note="Ten hours.")],
        motivation="A clear need.",
    )


async def test_a_decision_on_a_case_with_its_quorum_is_recorded_and_announced_once() -> None:
    case_id, parts = await _assessed()
    store, committer, clock = parts.store, parts.committer, parts.clock

    decided = await _decide(parts, case_id)

    assert decided.assessed_by == ("Anna", "Bo")
    assert decided.decided_by.key == "chair@example.org"
    assert decided.decided_at == clock.now
    assert store.cases[case_id].status is CaseStatus.DECIDED
    assert store.cases[case_id].decision == decided
    (event,) = committer.events
    assert isinstance(event, GrantDecided)
    assert (event.decision, event.decided_by, event.assessed_by) == (
        Decision.GRANTED,
        "Cia Chair",
        ["Anna", "Bo"],
    )
    assert [(s.kind, s.note) for s in event.support_granted] == [
        (SupportKind.COACHING, "Ten hours.")
    ]
    ((_event, envelope),) = committer.committed[-1]
    assert envelope.correlation_id == "corr-1"  # the application's, from its case
    entry = store.trail[-1]
    assert (entry.action, entry.details["decision"], entry.details["assessed_by"]) == (
        "decided",
        "granted",
        ["Anna", "Bo"],
    )


async def test_a_decision_short_of_the_quorum_or_taken_twice_is_refused_and_announces_nothing() -> (
    None
):
    case_id, parts = await _assessed(quorum=3)
    committer = parts.committer

    with pytest.raises(IllegalMoveError) as short:
        await _decide(parts, case_id)
    assert short.value.reason == "quorum"

    case_id, parts = await _assessed(quorum=2)
    await _decide(parts, case_id)
    with pytest.raises(IllegalMoveError) as twice:
        await _decide(parts, case_id)
    assert twice.value.reason == "decided"
    assert len(parts.committer.events) == 1
    assert committer.events == []


class _DecidedMeanwhile:
    """The store, but another chair's decision lands between the read and the write."""

    def __init__(self, store: CaseStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def decide(self, *_args: object) -> bool:
        return False


async def test_a_chair_with_a_conflict_takes_no_part_and_a_case_changed_meanwhile_is_refused() -> (
    None
):
    case_id, parts = await _assessed()
    deps = parts.deps
    await usecases.declare_conflict(deps, case_id, CHAIR, "")
    with pytest.raises(ConflictOfInterestError):
        await _decide(parts, case_id)

    case_id, parts = await _assessed()
    meanwhile = cast("CaseStore", _DecidedMeanwhile(parts.store))
    parts = replace(parts, deps=replace(parts.deps, cases=meanwhile))
    with pytest.raises(IllegalMoveError) as changed:
        await _decide(parts, case_id)
    assert changed.value.reason == "changed"
    assert parts.committer.events == []


# -- reading ------------------------------------------------------------------------------------


async def test_the_roster_is_the_configured_council_and_everyone_who_acted() -> None:
    case_id, _event, parts = await _opened(members=("anna@example.org", "dan@example.org"))
    await usecases.score_case(parts.deps, case_id, ANNA, _every())
    await usecases.declare_conflict(parts.deps, case_id, BO, "")

    roster = await usecases.council_roster(parts.deps)

    assert roster == {
        "anna@example.org": "Anna",
        "dan@example.org": "dan@example.org",
        "bo@example.org": "Bo",
    }


async def test_a_case_file_holds_the_case_its_assessments_trail_and_roster() -> None:
    case_id, event, parts = await _opened()
    deps = parts.deps
    await usecases.score_case(deps, case_id, ANNA, _every())

    file = await usecases.case_file(deps, case_id)
    found = await usecases.find_case(deps, case_id)

    assert file is not None
    assert found is not None
    assert file.case == found
    assert found.application.title == event.title
    assert [a.member.key for a in file.assessments] == ["anna@example.org"]
    assert [e.action for e in file.audit] == ["opened", "scored"]
    assert file.council == {"anna@example.org": "Anna"}
    assert await usecases.case_file(deps, "case-none") is None
    assert await usecases.find_case(deps, "case-none") is None


async def test_the_queue_filters_by_status_and_sorts_by_age_and_the_meeting_gets_assessments() -> (
    None
):
    council = fake_council()
    deps, store = council.deps, council.store
    older, older_envelope = _submitted(
        application_id="app_old", submitted_at=datetime(2026, 9, 1, tzinfo=UTC)
    )
    newer, newer_envelope = _submitted(
        application_id="app_new", submitted_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    await usecases.open_cases(
        deps, [(newer, newer_envelope), (older, older_envelope)], FAKE_TRANSACTION
    )
    await usecases.score_case(deps, "case-app_new", ANNA, _every())

    oldest_first = await usecases.queue(deps)
    newest_first = await usecases.queue(deps, oldest_first=False)
    under = await usecases.queue(deps, status=CaseStatus.UNDER_ASSESSMENT)
    meeting = await usecases.cases_under_assessment(deps)

    assert [case.id for case in oldest_first] == ["case-app_old", "case-app_new"]
    assert [case.id for case in newest_first] == ["case-app_new", "case-app_old"]
    assert [case.id for case in under] == ["case-app_new"]
    assert [(case.id, [a.member.key for a in each]) for case, each in meeting] == [
        ("case-app_new", ["anna@example.org"])
    ]
    assert store.cases["case-app_old"].line.title == older.title


async def test_the_report_counts_received_withdrawn_and_decided_cases() -> None:
    case_id, parts = await _assessed()
    await _decide(parts, case_id)

    (row,) = await usecases.report(parts.deps, Period.YEAR)

    assert (row.received, row.decided, row.granted, row.rejected) == (1, 1, 1, 0)
    assert row.granted_by_kind[SupportKind.COACHING] == 1
