"""What intake does: accept an application once, record the council's decision, withdraw."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import structlog

from digitalwell_intake.domain import (
    ApplicationStatus,
    IllegalMove,
    TimelineEntry,
    TimelineKind,
    case_number,
    case_series,
    duplicate_key,
    idempotency_claim_key,
    new_application_id,
    request_fingerprint,
    status_after,
)
from digitalwell_intake.models import ApplicationRequest
from digitalwell_intake.store import ApplicationStore, Claim, ClaimTaken, timeline_document
from digitalwell_shared.contracts import (
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Contact,
    GrantDecided,
    IntegrationEvent,
    Organisation,
)
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.logging import get_logger
from digitalwell_shared.mongo import Document, Transaction

log = get_logger(__name__)

Events = Sequence[tuple[IntegrationEvent, Envelope]]
# A claim can expire between our failed insert and our read of it; then we simply try again.
_SUBMIT_ATTEMPTS = 3


class EventCommitter(Protocol):
    """The part of the service runtime that use cases need: envelopes and the outbox."""

    def envelope_for(self, event: IntegrationEvent, *, cause: Envelope | None = None) -> Envelope:
        """An envelope that continues the current request's correlation."""
        ...

    async def commit_with_events(self, write: Callable[[Transaction], Awaitable[Events]]) -> None:
        """Run ``write`` in a transaction that also stores the events it returns in the outbox."""
        ...


@dataclass(frozen=True, slots=True)
class SubmissionPolicy:
    """How long a submission keeps answering for its duplicates."""

    duplicate_window: timedelta
    idempotency_key_lifetime: timedelta


@dataclass(frozen=True, slots=True)
class Submission:
    """The outcome of a submission: a new application, or the first one it repeats."""

    application_id: str
    created: bool
    # True when the normalised request equals the first one (a double click): only then may
    # the caller be given what only the applicant should have, such as the withdrawal link.
    same_request: bool


class IdempotencyKeyReused(Exception):  # noqa: N818 - reads as the rule says it
    """An Idempotency-Key came back with a different request."""


class ApplicationNotFound(Exception):  # noqa: N818 - reads as the rule says it
    """No application has this id."""


async def submit_application(
    committer: EventCommitter,
    store: ApplicationStore,
    request: ApplicationRequest,
    *,
    idempotency_key: str | None,
    policy: SubmissionPolicy,
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
        now = datetime.now(UTC)
        application_id = new_application_id()
        claims = [
            Claim(
                key=duplicate_key(request.organisation.org_number, request.title),
                application_id=application_id,
                fingerprint=fingerprint,
                expires_at=now + policy.duplicate_window,
            )
        ]
        if key_claim is not None:
            # First, so that a reused key is reported before a duplicate title is.
            claims.insert(
                0,
                Claim(
                    key=key_claim,
                    application_id=application_id,
                    fingerprint=fingerprint,
                    expires_at=now + policy.idempotency_key_lifetime,
                ),
            )
        try:
            async with store.numbering:
                await committer.commit_with_events(
                    _new_application(
                        committer,
                        store=store,
                        request=request,
                        application_id=application_id,
                        claims=claims,
                        now=now,
                    )
                )
        except ClaimTaken as taken:
            first = await store.live_claim(taken.key, datetime.now(UTC))
            if first is None:
                continue
            if taken.key == key_claim and first.fingerprint != fingerprint:
                raise IdempotencyKeyReused from taken
            structlog.contextvars.bind_contextvars(application_id=first.application_id)
            log.info("repeated submission answered with the first application")
            return Submission(
                first.application_id, created=False, same_request=first.fingerprint == fingerprint
            )
        structlog.contextvars.bind_contextvars(application_id=application_id)
        log.info("application submitted", stage=request.stage.value)
        return Submission(application_id, created=True, same_request=True)
    raise RuntimeError("could not claim a submission after several attempts")


def _new_application(
    committer: EventCommitter,
    *,
    store: ApplicationStore,
    request: ApplicationRequest,
    application_id: str,
    claims: Sequence[Claim],
    now: datetime,
) -> Callable[[Transaction], Awaitable[Events]]:
    """The transaction's work: claims, the application, and its ApplicationSubmitted event."""

    async def write(session: Transaction) -> Events:
        for claim in claims:
            await store.claim(claim, now, session)
        series = case_series(now)
        number = case_number(series, await store.next_in_series(series, session))
        await store.insert(_application_document(application_id, number, request, now), session)
        event = _submitted_event(application_id, number, request, now)
        return [(event, committer.envelope_for(event))]

    return write


def _application_document(
    application_id: str, number: str, request: ApplicationRequest, now: datetime
) -> Document:
    return {
        "_id": application_id,
        "case_number": number,
        "status": ApplicationStatus.SUBMITTED.value,
        "submitted_at": now,
        "updated_at": now,
        "application": request.model_dump(mode="json", exclude={"consent"}),
        # What the applicant agreed to and when: the programme must be able to show it.
        "consent_given_at": now,
        "timeline": [timeline_document(TimelineEntry(kind=TimelineKind.SUBMITTED, at=now))],
    }


def _submitted_event(
    application_id: str, number: str, request: ApplicationRequest, now: datetime
) -> ApplicationSubmitted:
    return ApplicationSubmitted(
        application_id=application_id,
        case_number=number,
        submitted_at=now,
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


async def record_decision(
    store: ApplicationStore, event: GrantDecided, session: Transaction
) -> None:
    """Show the council's decision in the application's status and timeline."""
    application = await store.get(event.application_id, session)
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
    current = ApplicationStatus(application["status"])
    try:
        status = status_after(current, entry)
    except IllegalMove as refused:
        log.warning("decision ignored", reason=str(refused))
        return
    await store.move(
        event.application_id, expected=current, status=status, entry=entry, session=session
    )
    log.info("decision recorded", decision=event.decision.value)


async def withdraw_application(
    committer: EventCommitter, store: ApplicationStore, application_id: str, reason: str
) -> None:
    """Withdraw a submitted application and announce it; IllegalMove once it is decided."""
    structlog.contextvars.bind_contextvars(application_id=application_id)

    async def write(session: Transaction) -> Events:
        application = await store.get(application_id, session)
        if application is None:
            raise ApplicationNotFound(application_id)
        now = datetime.now(UTC)
        entry = TimelineEntry(kind=TimelineKind.WITHDRAWN, at=now, reason=reason)
        current = ApplicationStatus(application["status"])
        status = status_after(current, entry)
        await store.move(
            application_id, expected=current, status=status, entry=entry, session=session
        )
        event = ApplicationWithdrawn(
            application_id=application_id,
            withdrawn_at=now,
            reason=reason,
            case_number=application.get("case_number"),
        )
        return [(event, committer.envelope_for(event))]

    await committer.commit_with_events(write)
    log.info("application withdrawn")
