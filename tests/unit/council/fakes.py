"""An in-memory ``CaseStore`` for council's use-case tests: records in dicts, no I/O."""

# The fake keeps no transactions and no bookkeeping times: it takes them, as the protocol says.
# ruff: noqa: ARG002

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from digitalwell_council.deps import Deps
from digitalwell_council.domain import CaseStatus
from digitalwell_council.records import (
    Assessment,
    AuditEntry,
    Case,
    CaseDecision,
    CaseFacts,
    CaseLine,
    Conflict,
    GivenScore,
    Member,
    Score,
)
from digitalwell_shared.mongo import Transaction
from tests.support.committing import FakeCommitter, FixedClock


class FakeCaseStore:
    """What ``MongoCaseStore`` keeps, as records: cases, assessments, the roster, the trail."""

    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.assessments_by_key: dict[tuple[str, str], Assessment] = {}
        self.roster: dict[str, Member] = {}
        self.trail: list[AuditEntry] = []

    async def insert_unless_exist(
        self, cases: Sequence[Case], transaction: Transaction
    ) -> list[str]:
        taken = {case.application_id for case in self.cases.values()}
        new = []
        for case in cases:
            if case.application_id not in taken:
                self.cases[case.id] = case
                taken.add(case.application_id)
                new.append(case.id)
        return new

    async def by_application(
        self, application_id: str, transaction: Transaction | None = None
    ) -> Case | None:
        found = [case for case in self.cases.values() if case.application_id == application_id]
        return found[0] if found else None

    async def by_id(self, case_id: str, transaction: Transaction | None = None) -> Case | None:
        return self.cases.get(case_id)

    async def queue(
        self,
        *,
        status: CaseStatus | None,
        application_id: str | None,
        oldest_first: bool,
        limit: int,
    ) -> list[CaseLine]:
        found = [
            case
            for case in self.cases.values()
            if (status is None or case.status is status)
            and (application_id is None or case.application_id == application_id)
        ]
        found.sort(key=lambda case: case.submitted_at, reverse=not oldest_first)
        return [case.line for case in found[:limit]]

    def _change(self, case_id: str, **changes: object) -> None:
        if case_id in self.cases:
            self.cases[case_id] = self.cases[case_id].model_copy(update=changes)

    async def withdraw(self, case_id: str, at: datetime, transaction: Transaction) -> None:
        self._change(case_id, status=CaseStatus.WITHDRAWN, withdrawn_at=at)

    async def add_scorer(
        self,
        case_id: str,
        member: str,
        status: CaseStatus,
        at: datetime,
        transaction: Transaction,
    ) -> None:
        scored_by = self.cases[case_id].scored_by
        if member not in scored_by:
            scored_by = (*scored_by, member)
        self._change(case_id, status=status, scored_by=scored_by)

    async def add_conflict(
        self, case_id: str, conflict: Conflict, transaction: Transaction
    ) -> None:
        self._change(case_id, conflicts=(*self.cases[case_id].conflicts, conflict))

    async def decide(self, case_id: str, decision: CaseDecision, transaction: Transaction) -> bool:
        case = self.cases.get(case_id)
        if case is None or case.status is not CaseStatus.UNDER_ASSESSMENT:
            return False
        self._change(case_id, status=CaseStatus.DECIDED, decision=decision)
        return True

    async def report_facts(self) -> AsyncIterator[CaseFacts]:
        for case in self.cases.values():
            decision = case.decision
            yield CaseFacts(
                submitted_at=case.submitted_at,
                decided_at=None if decision is None else decision.decided_at,
                decision=None if decision is None else decision.decision,
                support_kinds=()
                if decision is None
                else tuple(support.kind for support in decision.support_granted),
                withdrawn_at=case.withdrawn_at,
            )

    async def save_scores(
        self,
        case_id: str,
        member: Member,
        scores: Sequence[GivenScore],
        at: datetime,
        transaction: Transaction,
    ) -> None:
        earlier = self.assessments_by_key.get((case_id, member.key))
        kept = dict(earlier.scores) if earlier else {}
        for given in scores:
            kept[given.criterion] = Score(score=given.score, comment=given.comment, at=at)
        self.assessments_by_key[case_id, member.key] = Assessment(
            case_id=case_id, member=member, scores=kept
        )

    async def assessments(
        self, case_id: str, transaction: Transaction | None = None
    ) -> list[Assessment]:
        return [each for (case, _key), each in self.assessments_by_key.items() if case == case_id]

    async def assessments_of(self, case_ids: Sequence[str]) -> list[Assessment]:
        return [each for (case, _key), each in self.assessments_by_key.items() if case in case_ids]

    async def remember_member(self, member: Member, at: datetime, transaction: Transaction) -> None:
        self.roster[member.key] = Member(key=member.key, name=member.name, email=member.email)

    async def members(self) -> list[Member]:
        return list(self.roster.values())

    async def append_audit(self, entries: Sequence[AuditEntry], transaction: Transaction) -> None:
        self.trail.extend(entries)

    async def audit(self, case_id: str) -> list[AuditEntry]:
        return sorted(
            (entry for entry in self.trail if entry.case_id == case_id), key=lambda e: e.at
        )


@dataclass
class FakeCouncil:
    """``Deps`` on a fake store, a fake committer and a fixed clock, each there to look into."""

    deps: Deps
    store: FakeCaseStore
    committer: FakeCommitter
    clock: FixedClock


def fake_council(*, members: tuple[str, ...] = (), quorum: int = 2) -> FakeCouncil:
    """A council of fakes: its ``deps`` for the use cases, the rest for the test to check."""
    store, committer, clock = FakeCaseStore(), FakeCommitter(), FixedClock()
    deps = Deps(cases=store, committer=committer, clock=clock, members=members, quorum=quorum)
    return FakeCouncil(deps, store, committer, clock)
