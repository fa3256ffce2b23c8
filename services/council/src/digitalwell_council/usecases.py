"""What council does: open and close cases, take members' scores and conflicts, record decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Protocol

from digitalwell_council.domain import (
    Assessor,
    CaseStatus,
    Criterion,
    IllegalMove,
    assessors,
    check_conflict_declaration,
    check_decision,
    check_move,
    quorum,
    status_after_scoring,
)
from digitalwell_council.reporting import CaseFacts, Period, ReportRow, build_report
from digitalwell_council.store import CaseStore
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Decision,
    GrantDecided,
    IntegrationEvent,
    SupportGranted,
    SupportKind,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document, Transaction
from digitalwell_shared.staff import StaffMember

log = get_logger(__name__)

Events = Sequence[tuple[IntegrationEvent, Envelope]]
Scores = Sequence[tuple[Criterion, int, str]]


class EventCommitter(Protocol):
    """The part of the service runtime that use cases need: the source and the outbox."""

    @property
    def source(self) -> str:
        """The CloudEvents source of what this service publishes."""
        ...

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Events]]) -> None:
        """Run ``write`` in a transaction that also stores the events it returns in the outbox."""
        ...


class CaseNotFound(Exception):  # noqa: N818 - reads as the rule says it
    """No case has this id."""


def member_key(staff: StaffMember) -> str:
    """Who a member is across sign-ins: their e-mail address (the roster's key), else their id."""
    return staff.email.lower() or staff.id


def _person(staff: StaffMember) -> Document:
    return {"key": member_key(staff), "id": staff.id, "name": staff.name, "email": staff.email}


def _audit(case_id: str, action: str, at: datetime, actor: Document, **details: object) -> Document:
    return {"case_id": case_id, "action": action, "at": at, "actor": actor, "details": details}


def conflicted_keys(case: Document) -> set[str]:
    """The members who declared a conflict of interest on the case."""
    return {conflict["member"]["key"] for conflict in case.get("conflicts", [])}


def scored_criteria(assessments: Sequence[Document]) -> dict[str, set[Criterion]]:
    """Which criteria each member (by key) has scored on the case."""
    return {
        assessment["member"]["key"]: {Criterion(name) for name in assessment.get("scores", {})}
        for assessment in assessments
    }


def member_names(assessments: Sequence[Document]) -> dict[str, str]:
    """The names of the members who have scored the case, by key."""
    return {assessment["member"]["key"]: assessment["member"]["name"] for assessment in assessments}


async def _open_case(store: CaseStore, case_id: str, session: Transaction) -> Document:
    case = await store.by_id(case_id, session)
    if case is None:
        raise CaseNotFound(case_id)
    return case


# -- events from intake -------------------------------------------------------------------------

# Who the audit trail names for what arrives from intake rather than from a member of staff.
_INTAKE = {"key": "intake", "name": "intake (the application was submitted)"}
_APPLICANT = {"key": "applicant", "name": "the applicant"}


async def open_cases(
    store: CaseStore, items: Sequence[tuple[ApplicationSubmitted, Envelope]], session: Transaction
) -> None:
    """Open a case holding the whole application for each application that has none."""
    now = datetime.now(UTC)
    opened = await store.insert_unless_exist(
        [
            {
                "_id": f"case-{event.application_id}",
                "application_id": event.application_id,
                "case_number": event.case_number,
                "status": CaseStatus.NEW.value,
                "opened_at": now,
                "updated_at": now,
                "submitted_at": event.submitted_at,
                "correlation_id": envelope.correlation_id,
                "application": event.model_dump(mode="json"),
                "scored_by": [],
                "conflicts": [],
            }
            for event, envelope in items
        ],
        session,
    )
    numbers = {f"case-{event.application_id}": event.case_number for event, _envelope in items}
    await store.append_audit(
        [
            _audit(case_id, "opened", now, _INTAKE, case_number=numbers[case_id])
            for case_id in opened
        ],
        session,
    )
    log.info("cases opened", opened=len(opened), existed=len(items) - len(opened))


async def withdraw_case(
    store: CaseStore, event: ApplicationWithdrawn, session: Transaction
) -> None:
    """Close the application's case as withdrawn, if it is still open."""
    case = await store.by_application(event.application_id, session)
    if case is None:
        log.warning("withdrawal for an application without a case")
        return
    try:
        check_move(CaseStatus(case["status"]), CaseStatus.WITHDRAWN)
    except IllegalMove as refused:
        log.warning("withdrawal ignored", reason=str(refused))
        return
    await store.withdraw(case["_id"], event.withdrawn_at, session)
    # The trail is in the order council recorded things; the applicant's own time is a detail.
    await store.append_audit(
        [
            _audit(
                case["_id"],
                "withdrawn",
                datetime.now(UTC),
                _APPLICANT,
                reason=event.reason,
                withdrawn_at=event.withdrawn_at,
            )
        ],
        session,
    )
    log.info("case withdrawn")


# -- the council's work -------------------------------------------------------------------------


async def score_case(
    committer: EventCommitter, store: CaseStore, case_id: str, staff: StaffMember, scores: Scores
) -> None:
    """Keep a member's scores (the latest per criterion counts; each scoring is audited)."""
    member = _person(staff)

    async def write(session: Transaction) -> Events:
        case = await _open_case(store, case_id, session)
        status = status_after_scoring(
            CaseStatus(case["status"]), member["key"], conflicted_keys(case)
        )
        now = datetime.now(UTC)
        await store.save_scores(case_id, member, scores, now, session)
        await store.add_scorer(case_id, member["key"], status, now, session)
        await store.remember_member(member, now, session)
        given = [
            {"criterion": criterion.value, "score": score, "comment": comment}
            for criterion, score, comment in scores
        ]
        await store.append_audit([_audit(case_id, "scored", now, member, scores=given)], session)
        return []

    await committer.commit_with_events(write)
    log.info("case scored", case_id=case_id, criteria=len(scores))


async def declare_conflict(
    committer: EventCommitter, store: CaseStore, case_id: str, staff: StaffMember, reason: str
) -> None:
    """Note a member's conflict of interest: from now on they neither see scores nor take part."""
    member = _person(staff)

    async def write(session: Transaction) -> Events:
        case = await _open_case(store, case_id, session)
        check_conflict_declaration(CaseStatus(case["status"]), member["key"], conflicted_keys(case))
        now = datetime.now(UTC)
        await store.add_conflict(case_id, {"member": member, "reason": reason, "at": now}, session)
        await store.remember_member(member, now, session)
        await store.append_audit(
            [_audit(case_id, "conflict_declared", now, member, reason=reason)], session
        )
        return []

    await committer.commit_with_events(write)
    log.info("conflict of interest declared", case_id=case_id)


async def decide_case(
    committer: EventCommitter,
    store: CaseStore,
    case_id: str,
    *,
    required: int,
    chair: StaffMember,
    decision: Decision,
    support_granted: Sequence[tuple[SupportKind, str]],
    motivation: str,
) -> GrantDecided:
    """Record the chair's decision and announce it as GrantDecided, in one transaction.

    Refused (IllegalMove) until ``required`` members without a conflict scored every criterion.
    """
    person = _person(chair)
    decided: list[GrantDecided] = []

    async def write(session: Transaction) -> Events:
        decided.clear()  # a retried transaction starts over
        case = await _open_case(store, case_id, session)
        conflicted = conflicted_keys(case)
        assessments = await store.assessments(case_id, session)
        standing = quorum(
            required, scored_criteria(assessments), member_names(assessments), conflicted
        )
        check_decision(CaseStatus(case["status"]), person["key"], conflicted, standing)
        assessed_by = assessors(
            [Assessor(key, name) for key, name in member_names(assessments).items()], conflicted
        )
        event = GrantDecided(
            application_id=case["application_id"],
            case_number=case["case_number"],
            decision=decision,
            support_granted=[
                SupportGranted(kind=kind, note=note) for kind, note in support_granted
            ],
            motivation=motivation,
            decided_at=datetime.now(UTC),
            decided_by=chair.name,
            assessed_by=assessed_by,
        )
        record = {
            "decision": decision.value,
            "support_granted": [
                {"kind": kind.value, "note": note} for kind, note in support_granted
            ],
            "motivation": motivation,
            "decided_at": event.decided_at,
            "decided_by": person,
            "assessed_by": assessed_by,
        }
        if not await store.decide(case_id, record, session):
            # Read in this transaction as under assessment, changed since: someone else decided.
            raise IllegalMove(
                "the case changed while deciding it; reload it and look again", "changed"
            )
        await store.append_audit(
            [
                _audit(
                    case_id,
                    "decided",
                    event.decided_at,
                    person,
                    decision=decision.value,
                    support_granted=record["support_granted"],
                    motivation=motivation,
                    assessed_by=assessed_by,
                )
            ],
            session,
        )
        envelope = Envelope.for_event(
            event, source=committer.source, correlation_id=case.get("correlation_id")
        )
        decided.append(event)
        return [(event, envelope)]

    await committer.commit_with_events(write)
    log.info("case decided", case_id=case_id, decision=decision.value)
    return decided[0]


# -- reading --------------------------------------------------------------------------------------


async def council_roster(store: CaseStore, configured: Sequence[str]) -> dict[str, str]:
    """The council, key → name: the configured addresses and everyone who has acted as a member."""
    roster = dict.fromkeys(configured, "")
    for member in await store.members():
        roster[member["_id"]] = member["name"]
    return {key: name or key for key, name in roster.items()}


async def report(store: CaseStore, period: Period) -> list[ReportRow]:
    """Received, decided, granted by kind and median days to decision, per month or year."""
    facts = []
    async for case in store.report_facts():
        decision = case.get("decision") or {}
        facts.append(
            CaseFacts(
                submitted_at=case["submitted_at"],
                decided_at=decision.get("decided_at"),
                decision=Decision(decision["decision"]) if "decision" in decision else None,
                support_kinds=tuple(
                    SupportKind(support["kind"]) for support in decision.get("support_granted", [])
                ),
                withdrawn_at=case.get("withdrawn_at"),
            )
        )
    return build_report(facts, period)
