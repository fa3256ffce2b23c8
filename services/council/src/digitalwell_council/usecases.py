"""What council does: open and close cases, take members' scores and conflicts, record decisions.

Each use case is ``async def verb(deps: Deps, ...)``: it reads with ``deps.cases``, decides with
``domain`` and writes through ``deps.committer`` (events from intake come with the consumer's
transaction instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from digitalwell_council.deps import Deps
from digitalwell_council.domain import (
    Assessor,
    CaseStatus,
    IllegalMoveError,
    assessors,
    check_conflict_declaration,
    check_decision,
    check_move,
    quorum,
    status_after_scoring,
)
from digitalwell_council.records import (
    Assessment,
    AuditEntry,
    Case,
    CaseDecision,
    CaseFile,
    CaseLine,
    Conflict,
    GivenScore,
    Member,
    Support,
    member_names,
    scored_criteria,
)
from digitalwell_council.reporting import Period, ReportRow, build_report
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Decision,
    GrantDecided,
    SupportGranted,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.staff import StaffMember

log = get_logger(__name__)

# Who the audit trail names for what arrives from intake rather than from a member of staff.
_INTAKE = Member(key="intake", name="intake (the application was submitted)")
_APPLICANT = Member(key="applicant", name="the applicant")


class CaseNotFoundError(Exception):
    """No case has this id."""


def member_key(staff: StaffMember) -> str:
    """Who a member is across sign-ins: their e-mail address (the roster's key), else their id."""
    return staff.email.lower() or staff.id


def member_of(staff: StaffMember) -> Member:
    """A member of staff as the case records them."""
    return Member(key=member_key(staff), id=staff.id, name=staff.name, email=staff.email)


async def _case(deps: Deps, case_id: str, transaction: Transaction) -> Case:
    case = await deps.cases.by_id(case_id, transaction)
    if case is None:
        raise CaseNotFoundError(case_id)
    return case


# -- events from intake -------------------------------------------------------------------------


async def open_cases(
    deps: Deps,
    items: Sequence[tuple[ApplicationSubmitted, Envelope]],
    transaction: Transaction,
) -> list[Case]:
    """Open a case holding the whole application for each application that has none."""
    now = deps.clock()
    cases = [
        Case(
            id=f"case-{event.application_id}",
            application_id=event.application_id,
            case_number=event.case_number,
            status=CaseStatus.NEW,
            opened_at=now,
            submitted_at=event.submitted_at,
            correlation_id=envelope.correlation_id,
            application=event,
        )
        for event, envelope in items
    ]
    opened_ids = set(await deps.cases.insert_unless_exist(cases, transaction))
    opened = [case for case in cases if case.id in opened_ids]
    await deps.cases.append_audit(
        [
            AuditEntry(
                case_id=case.id,
                action="opened",
                at=now,
                actor=_INTAKE,
                details={"case_number": case.case_number},
            )
            for case in opened
        ],
        transaction,
    )
    log.info("cases opened", opened=len(opened), existed=len(items) - len(opened))
    return opened


async def withdraw_case(
    deps: Deps, event: ApplicationWithdrawn, transaction: Transaction
) -> Case | None:
    """Close the application's case as withdrawn, if it is still open; the case closed, if so."""
    case = await deps.cases.by_application(event.application_id, transaction)
    if case is None:
        log.warning("withdrawal for an application without a case")
        return None
    try:
        check_move(case.status, CaseStatus.WITHDRAWN)
    except IllegalMoveError as refused:
        log.warning("withdrawal ignored", reason=str(refused))
        return None
    await deps.cases.withdraw(case.id, event.withdrawn_at, transaction)
    # The trail is in the order council recorded things; the applicant's own time is a detail.
    await deps.cases.append_audit(
        [
            AuditEntry(
                case_id=case.id,
                action="withdrawn",
                at=deps.clock(),
                actor=_APPLICANT,
                details={"reason": event.reason, "withdrawn_at": event.withdrawn_at},
            )
        ],
        transaction,
    )
    log.info("case withdrawn")
    return case.model_copy(
        update={"status": CaseStatus.WITHDRAWN, "withdrawn_at": event.withdrawn_at}
    )


# -- the council's work -------------------------------------------------------------------------


async def score_case(
    deps: Deps, case_id: str, staff: StaffMember, scores: Sequence[GivenScore]
) -> Case:
    """Keep a member's scores (the latest per criterion counts; each scoring is audited).

    Returns the case as the scoring left it.
    """
    member = member_of(staff)

    async def write(transaction: Transaction) -> Written[Case]:
        case = await _case(deps, case_id, transaction)
        status = status_after_scoring(case.status, member.key, case.conflicted)
        now = deps.clock()
        await deps.cases.save_scores(case_id, member, scores, now, transaction)
        await deps.cases.add_scorer(case_id, member.key, status, now, transaction)
        await deps.cases.remember_member(member, now, transaction)
        scored = AuditEntry(
            case_id=case_id, action="scored", at=now, actor=member, scores=tuple(scores)
        )
        await deps.cases.append_audit([scored], transaction)
        scored_by = tuple(dict.fromkeys((*case.scored_by, member.key)))
        return Written(case.model_copy(update={"status": status, "scored_by": scored_by}))

    scored = await deps.committer.commit_with_events(write)
    log.info("case scored", case_id=case_id, criteria=len(scores))
    return scored


async def declare_conflict(deps: Deps, case_id: str, staff: StaffMember, reason: str) -> Conflict:
    """Note a member's conflict of interest: from now on they neither see scores nor take part."""
    member = member_of(staff)

    async def write(transaction: Transaction) -> Written[Conflict]:
        case = await _case(deps, case_id, transaction)
        check_conflict_declaration(case.status, member.key, case.conflicted)
        conflict = Conflict(member=member, reason=reason, at=deps.clock())
        await deps.cases.add_conflict(case_id, conflict, transaction)
        await deps.cases.remember_member(member, conflict.at, transaction)
        declared = AuditEntry(
            case_id=case_id,
            action="conflict_declared",
            at=conflict.at,
            actor=member,
            details={"reason": reason},
        )
        await deps.cases.append_audit([declared], transaction)
        return Written(conflict)

    conflict = await deps.committer.commit_with_events(write)
    log.info("conflict of interest declared", case_id=case_id)
    return conflict


async def decide_case(
    deps: Deps,
    case_id: str,
    *,
    chair: StaffMember,
    decision: Decision,
    support_granted: Sequence[Support],
    motivation: str,
) -> CaseDecision:
    """Record the chair's decision and announce it as GrantDecided, in one transaction.

    Refused (IllegalMoveError) until ``deps.quorum`` members without a conflict scored every
    criterion.
    """
    person = member_of(chair)

    async def write(transaction: Transaction) -> Written[CaseDecision]:
        case = await _case(deps, case_id, transaction)
        assessments = await deps.cases.assessments(case_id, transaction)
        decided = CaseDecision(
            decision=decision,
            support_granted=tuple(support_granted),
            motivation=motivation,
            decided_at=deps.clock(),
            decided_by=person,
            assessed_by=tuple(_assessed_by(deps, case, person, assessments)),
        )
        if not await deps.cases.decide(case_id, decided, transaction):
            # Read in this transaction as under assessment, changed since: someone else decided.
            raise IllegalMoveError(
                "the case changed while deciding it; reload it and look again", "changed"
            )
        await deps.cases.append_audit([_decided_entry(case_id, decided)], transaction)
        event = _grant_decided(case, decided, chair)
        envelope = Envelope.for_event(
            event, source=deps.committer.source, correlation_id=case.correlation_id
        )
        return Written(decided, [(event, envelope)])

    decided = await deps.committer.commit_with_events(write)
    log.info("case decided", case_id=case_id, decision=decision.value)
    return decided


def _assessed_by(
    deps: Deps, case: Case, chair: Member, assessments: Sequence[Assessment]
) -> list[str]:
    """Who assessed the case, once the rules allow the chair to decide it (else refused)."""
    names = member_names(assessments)
    standing = quorum(deps.quorum, scored_criteria(assessments), names, case.conflicted)
    check_decision(case.status, chair.key, case.conflicted, standing)
    return assessors([Assessor(key, name) for key, name in names.items()], case.conflicted)


def _decided_entry(case_id: str, decided: CaseDecision) -> AuditEntry:
    return AuditEntry(
        case_id=case_id,
        action="decided",
        at=decided.decided_at,
        actor=decided.decided_by,
        details={
            "decision": decided.decision.value,
            "support_granted": [
                {"kind": support.kind.value, "note": support.note}
                for support in decided.support_granted
            ],
            "motivation": decided.motivation,
            "assessed_by": list(decided.assessed_by),
        },
    )


def _grant_decided(case: Case, decided: CaseDecision, chair: StaffMember) -> GrantDecided:
    return GrantDecided(
        application_id=case.application_id,
        case_number=case.case_number,
        decision=decided.decision,
        support_granted=[
            SupportGranted(kind=support.kind, note=support.note)
            for support in decided.support_granted
        ],
        motivation=decided.motivation,
        decided_at=decided.decided_at,
        decided_by=chair.name,
        assessed_by=list(decided.assessed_by),
    )


# -- reading --------------------------------------------------------------------------------------


async def find_case(deps: Deps, case_id: str) -> Case | None:
    """One case, or None when no case has this id."""
    return await deps.cases.by_id(case_id)


async def queue(
    deps: Deps,
    *,
    status: CaseStatus | None = None,
    application_id: str | None = None,
    oldest_first: bool = True,
    limit: int = 500,
) -> list[CaseLine]:
    """The cases by age, optionally of one status or one application."""
    return await deps.cases.queue(
        status=status, application_id=application_id, oldest_first=oldest_first, limit=limit
    )


async def council_roster(deps: Deps) -> dict[str, str]:
    """The council, key → name: the configured addresses and everyone who has acted as a member."""
    roster = dict.fromkeys(deps.members, "")
    for member in await deps.cases.members():
        roster[member.key] = member.name
    return {key: name or key for key, name in roster.items()}


async def case_file(deps: Deps, case_id: str) -> CaseFile | None:
    """The case with its assessments, audit trail and the council's roster; None if no case."""
    case = await deps.cases.by_id(case_id)
    if case is None:
        return None
    return CaseFile(
        case=case,
        assessments=await deps.cases.assessments(case_id),
        audit=await deps.cases.audit(case_id),
        council=await council_roster(deps),
    )


async def cases_under_assessment(deps: Deps) -> list[tuple[CaseLine, list[Assessment]]]:
    """The cases under assessment, oldest first, each with its members' assessments."""
    cases = await queue(deps, status=CaseStatus.UNDER_ASSESSMENT)
    by_case: dict[str, list[Assessment]] = {case.id: [] for case in cases}
    for assessment in await deps.cases.assessments_of([case.id for case in cases]):
        by_case.setdefault(assessment.case_id, []).append(assessment)
    return [(case, by_case[case.id]) for case in cases]


async def report(deps: Deps, period: Period) -> list[ReportRow]:
    """Received, decided, granted by kind and median days to decision, per month or year."""
    return build_report([facts async for facts in deps.cases.report_facts()], period)
