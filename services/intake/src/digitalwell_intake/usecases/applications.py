"""Applications: accept one once, record the council's decision, withdraw, read the register."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import structlog

from digitalwell_intake.deps import Deps
from digitalwell_intake.domain import (
    ApplicationStatus,
    IllegalMoveError,
    TimelineEntry,
    TimelineKind,
    case_number,
    case_series,
    duplicate_key,
    idempotency_claim_key,
    is_application_id,
    new_application_id,
    request_fingerprint,
    status_after,
)
from digitalwell_intake.models import ApplicationRequest
from digitalwell_intake.records import Application, ApplicationDetails, Claim
from digitalwell_intake.stores.applications import ClaimTakenError
from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Contact,
    GrantDecided,
    Organisation,
)
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)

# A claim can expire between our failed insert and our read of it; then we simply try again.
_SUBMIT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Submission:
    """The outcome of a submission: a new application, or the first one it repeats."""

    application_id: str
    created: bool
    # True when the normalised request equals the first one (a double click): only then may
    # the caller be given what only the applicant should have, such as the withdrawal link.
    same_request: bool


class IdempotencyKeyReusedError(Exception):
    """An Idempotency-Key came back with a different request."""


class ApplicationNotFoundError(Exception):
    """No application has this id."""


async def submit_application(
    deps: Deps, request: ApplicationRequest, *, idempotency_key: str | None
) -> Submission:
    """Store a new application and its ApplicationSubmitted event, or find the one it repeats.

    A repeat is a request with an Idempotency-Key seen before, or the same organisation
    number and title within the duplicate window. Claims on both keys are taken in the
    application's own transaction, so of two identical submissions at the same moment one
    commits and the other finds its claim.
    """
    fingerprint = request_fingerprint(request.model_dump(mode="json"))
    key_claim = idempotency_claim_key(idempotency_key) if idempotency_key is not None else None
    for _attempt in range(_SUBMIT_ATTEMPTS):
        now = deps.clock()
        application_id = new_application_id()
        claims = _claims(
            deps, request, application_id, fingerprint=fingerprint, key_claim=key_claim, now=now
        )
        try:
            async with deps.applications.numbering:
                application = await deps.committer.commit_with_events(
                    _new_application(deps, request, application_id, claims, now)
                )
        except ClaimTakenError as taken:
            first = await deps.applications.live_claim(taken.key, deps.clock())
            if first is None:
                continue
            if taken.key == key_claim and first.fingerprint != fingerprint:
                raise IdempotencyKeyReusedError from taken
            structlog.contextvars.bind_contextvars(application_id=first.application_id)
            log.info("repeated submission answered with the first application")
            same = first.fingerprint == fingerprint
            return Submission(first.application_id, created=False, same_request=same)
        structlog.contextvars.bind_contextvars(application_id=application.id)
        log.info("application submitted", stage=request.stage.value)
        return Submission(application.id, created=True, same_request=True)
    raise RuntimeError("could not claim a submission after several attempts")


def _claims(
    deps: Deps,
    request: ApplicationRequest,
    application_id: str,
    *,
    fingerprint: str,
    key_claim: str | None,
    now: datetime,
) -> list[Claim]:
    """The keys a submission claims: its Idempotency-Key and its organisation and title.

    The Idempotency-Key first, so that a reused key is reported before a duplicate title is.
    """
    policy = deps.submission
    claims = [
        Claim(
            key=duplicate_key(request.organisation.org_number, request.title),
            application_id=application_id,
            fingerprint=fingerprint,
            expires_at=now + policy.duplicate_window,
        )
    ]
    if key_claim is not None:
        claims.insert(
            0,
            Claim(
                key=key_claim,
                application_id=application_id,
                fingerprint=fingerprint,
                expires_at=now + policy.idempotency_key_lifetime,
            ),
        )
    return claims


def _new_application(
    deps: Deps,
    request: ApplicationRequest,
    application_id: str,
    claims: list[Claim],
    now: datetime,
) -> Callable[[Transaction], Awaitable[Written[Application]]]:
    """The transaction's work: claims, the application, and its ApplicationSubmitted event."""

    async def write(transaction: Transaction) -> Written[Application]:
        for claim in claims:
            await deps.applications.claim(claim, now, transaction)
        series = case_series(now)
        number = case_number(series, await deps.applications.next_in_series(series, transaction))
        application = Application(
            id=application_id,
            case_number=number,
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            details=ApplicationDetails.model_validate(
                request.model_dump(mode="json", exclude={"consent"})
            ),
            consent_given_at=now,
            timeline=(TimelineEntry(kind=TimelineKind.SUBMITTED, at=now),),
        )
        await deps.applications.insert(application, transaction)
        event = _submitted_event(application, number, request)
        return Written(application, [(event, deps.committer.envelope_for(event))])

    return write


def _submitted_event(
    application: Application, number: str, request: ApplicationRequest
) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=application.id,
        case_number=number,
        submitted_at=application.submitted_at,
        organisation=Organisation(
            name=request.organisation.name, org_number=request.organisation.org_number
        ),
        contact=Contact(
            name=request.contact.name,
            email=request.contact.email,
            phone=request.contact.phone,
            language=request.contact.language,
        ),
        title=request.title,
        summary=request.summary,
        need=request.need,
        target_groups=request.target_groups,
        stage=request.stage,
        business_model=request.business_model,
        public_sector_partners=request.public_sector_partners,
        support_requested=request.support_requested,
    )


async def record_decision(deps: Deps, event: GrantDecided, transaction: Transaction) -> None:
    """Show the council's decision in the application's status and timeline."""
    application = await deps.applications.get(event.application_id, transaction)
    if application is None:
        # Not ours to fix: retrying would never find it, so the inbox marks it handled.
        log.warning("decision for an unknown application; ignored")
        return
    entry = TimelineEntry(
        kind=TimelineKind.DECIDED,
        at=event.decided_at,
        decision=event.decision,
        support_granted=tuple(event.support_granted),
        motivation=event.motivation,
        decided_by=event.decided_by,
    )
    try:
        status = status_after(application.status, entry)
    except IllegalMoveError as refused:
        log.warning("decision ignored", reason=str(refused))
        return
    await deps.applications.move(
        event.application_id,
        expected=application.status,
        status=status,
        entry=entry,
        transaction=transaction,
    )
    log.info("decision recorded", decision=event.decision.value)


async def withdraw_application(deps: Deps, application_id: str, reason: str) -> Application:
    """Withdraw a submitted application and announce it; the application as it is now.

    ApplicationNotFoundError when there is none; IllegalMoveError once it is decided.
    """
    structlog.contextvars.bind_contextvars(application_id=application_id)

    async def write(transaction: Transaction) -> Written[Application]:
        application = await deps.applications.get(application_id, transaction)
        if application is None:
            raise ApplicationNotFoundError(application_id)
        now = deps.clock()
        entry = TimelineEntry(kind=TimelineKind.WITHDRAWN, at=now, reason=reason)
        status = status_after(application.status, entry)
        await deps.applications.move(
            application_id,
            expected=application.status,
            status=status,
            entry=entry,
            transaction=transaction,
        )
        event = ApplicationWithdrawn(
            application_id=application_id,
            withdrawn_at=now,
            reason=reason,
            case_number=application.case_number,
        )
        withdrawn = application.model_copy(
            update={
                "status": status,
                "updated_at": now,
                "timeline": (*application.timeline, entry),
            }
        )
        return Written(withdrawn, [(event, deps.committer.envelope_for(event))])

    withdrawn = await deps.committer.commit_with_events(write)
    log.info("application withdrawn")
    return withdrawn


async def find_application(deps: Deps, application_id: str) -> Application | None:
    """The application with this id; None for an unknown id or one of the wrong shape."""
    if not is_application_id(application_id):
        return None
    return await deps.applications.get(application_id)


async def registered_applications(
    deps: Deps, status: ApplicationStatus | None, limit: int
) -> list[Application]:
    """The register: applications newest first, optionally of one status."""
    return await deps.applications.registered(status, limit)
