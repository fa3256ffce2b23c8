"""Sending stored e-mails: claimed under a renewed lease, each outcome recorded as it ends.

A kill -9 can double only the e-mails between the start of their SMTP exchange and the commit
of its outcome, so that span is kept short and bounded: an e-mail holds its SMTP connection
slot (one of ``concurrency``) until its outcome is committed, and outcomes that end while
another commit runs go together in the next one (a group commit), so the embedded database
still sees few operations under load. At most ``concurrency`` e-mails are ever sent and not
yet recorded.

When the relay itself is away, e-mails back off as usual and are marked as waiting for it;
the worker probes the relay every few seconds meanwhile, and when a probe or a send succeeds
it makes the waiting e-mails due at once.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from digitalwell_notify.domain import DeliveryStatus, RetryPolicy
from digitalwell_notify.records import AttemptOutcome, Claim, DeliveryAttempt, Email
from digitalwell_notify.smtp import DeliveryError, UnbuildableMessageError, build_message
from digitalwell_notify.stores import EmailStore, PreferenceStore
from digitalwell_shared.committing import Clock, EventCommitter, Written, system_clock
from digitalwell_shared.contracts import EmailFailed, EmailSent
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.lease import renewing
from digitalwell_shared.logging import get_logger, redact_text
from digitalwell_shared.mongo import Transaction

log = get_logger(__name__)

SendMessage = Callable[[EmailMessage], Awaitable[str]]
Probe = Callable[[], Awaitable[bool]]
"""True when the SMTP relay answers again."""


@dataclass(frozen=True)
class _Outcome:
    """What became of one attempt, and the event that announces it, if any."""

    email: Email
    record: AttemptOutcome
    announce: EmailSent | EmailFailed | None = None


class GroupCommit:
    """Commits outcomes as they come; those that come during a commit go in the next one."""

    def __init__(
        self,
        write: Callable[[list[_Outcome]], Awaitable[None]],
        lock: asyncio.Lock | None = None,
    ) -> None:
        self._write = write
        self._queued: list[tuple[_Outcome, asyncio.Future[None]]] = []
        self._lock = lock or asyncio.Lock()

    async def add(self, outcome: _Outcome) -> None:
        """Return once ``outcome`` is committed; raise what the commit raised."""
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queued.append((outcome, mine))
        async with self._lock:
            if not mine.done():
                taken, self._queued = self._queued, []
                try:
                    await self._write([queued for queued, _ in taken])
                except Exception as error:
                    for _, theirs in taken:
                        if theirs is not mine and not theirs.done():
                            theirs.set_exception(error)
                    raise
                except BaseException:  # cancelled: the others go in the next commit
                    self._queued[:0] = [item for item in taken if item[1] is not mine]
                    raise
                for _, theirs in taken:
                    if not theirs.done():
                        theirs.set_result(None)
        await mine


class RelayWatch:
    """Whether the SMTP relay is believed away, and whether it is time to probe it.

    At start nothing is known: e-mails may wait for a relay that was away before a restart, so
    the first round probes once.
    """

    def __init__(
        self,
        probe: Probe | None,
        *,
        every_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._probe = probe
        self._every = every_seconds
        self._clock = clock
        self._away = True
        self._probed_at = -math.inf

    def failed(self) -> None:
        """A send found the relay away."""
        self._away = True

    def answered(self) -> bool:
        """A send went through; True when the relay was believed away until now."""
        was_away, self._away = self._away, False
        return was_away

    async def came_back(self) -> bool:
        """Probe the relay if it is away and a probe is due; True when it answers again."""
        if not self._away or self._probe is None or self._clock() - self._probed_at < self._every:
            return False
        self._probed_at = self._clock()  # before the await: the other delivery task waits
        if not await self._probe():
            return False
        return self.answered()


class Deliverer:
    """Sends due e-mails over up to ``concurrency`` SMTP connections, recording each at once."""

    def __init__(
        self,
        emails: EmailStore,
        preferences: PreferenceStore,
        send: SendMessage,
        retry: RetryPolicy,
        *,
        mail_from: str,
        committer: EventCommitter,
        batch_size: int,
        concurrency: int,
        lease: timedelta = timedelta(seconds=5),
        relay: RelayWatch | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self._emails = emails
        self._preferences = preferences
        self._send = send
        self._retry = retry
        self._mail_from = mail_from
        self._committer = committer
        self._clock = clock
        self._batch_size = batch_size
        self._lease = lease
        self._sending = asyncio.Semaphore(concurrency)
        # The claim's renewal and the pull-forward write the same e-mails as the recording
        # transactions, outside a transaction: run at the same time, the embedded database can
        # wedge (a plain update retrying on a transaction's write forever, the transaction
        # waiting behind it). One lock keeps this process's writes to its e-mails in turn.
        self._writing = asyncio.Lock()
        self._recorder = GroupCommit(self._record, self._writing)
        self._relay = relay or RelayWatch(None, every_seconds=math.inf)
        # E-mails this process is sending: never taken twice here, even if a lease lapsed.
        self._in_flight: set[str] = set()

    async def deliver_due(self) -> int:
        """Send a batch of due e-mails, each recorded as it ends; return how many were due."""
        if await self._relay.came_back():
            await self._pull_forward("a probe")
        claimed = await self._emails.claim_due(self._clock(), self._lease, self._batch_size)
        batch = [email for email in claimed.emails if email.id not in self._in_flight]
        if not batch:
            return 0
        keys = [email.id for email in batch]
        claim = Claim(token=claimed.token, emails=tuple(batch))
        self._in_flight.update(keys)
        try:
            async with renewing(
                lambda until: self._renew(claim, until),
                self._lease,
                name="email-delivery",
            ):
                # Every e-mail's exchange runs to its end and is recorded, whatever the others do.
                results = await asyncio.gather(
                    *(self._deliver_and_record(email) for email in batch), return_exceptions=True
                )
        finally:
            self._in_flight.difference_update(keys)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        if any(result for result in results):
            await self._pull_forward("a sent e-mail")
        return len(batch)

    async def _renew(self, claim: Claim, until: datetime) -> None:
        async with self._writing:
            await self._emails.renew_claim(claim, until)

    async def _pull_forward(self, noticed_by: str) -> None:
        async with self._writing:
            pulled = await self._emails.pull_forward(self._clock())
        log.info("SMTP relay answers again", noticed_by=noticed_by, retries_pulled_forward=pulled)

    async def _deliver_and_record(self, email: Email) -> bool:
        """Send one e-mail and commit its outcome; True when it showed the relay is back."""
        async with self._sending:
            outcome = await self._deliver(email)
            await self._recorder.add(outcome)
        if outcome.record.status is DeliveryStatus.SENT:
            return self._relay.answered()
        if outcome.record.waiting_for_relay:
            self._relay.failed()
        return False

    async def _deliver(self, email: Email) -> _Outcome:
        # The e-mail's cause, so one application can be followed from submit to delivery.
        context = {
            "email_id": email.id,
            "template": email.template,
            "event_id": email.event_id,
            "correlation_id": email.correlation_id,
            "application_id": email.application_id,
        }
        if email.category and await self._preferences.unsubscribed(email.recipient, email.category):
            # Queued before the recipient unsubscribed: honour the later wish.
            log.info("e-mail suppressed: recipient unsubscribed", **context)
            attempt = DeliveryAttempt(at=self._clock(), outcome="suppressed", detail="unsubscribed")
            return _Outcome(email, _logged(email, attempt, DeliveryStatus.SUPPRESSED))
        # Each e-mail is built and sent inside its own try, and its outcome recorded on its own:
        # an exception escaping here would leave it unrecorded until its claim lapsed (issue 10).
        try:
            message = build_message(email, self._mail_from)
        except Exception as unbuildable:  # noqa: BLE001 - one e-mail's data must not fail its batch
            return self._failure(email, _unbuildable(unbuildable), context)
        try:
            reply = await self._send(message)
        except DeliveryError as error:
            return self._failure(email, error, context)
        except Exception as unexpected:  # as above; retried like an outage
            log.exception("e-mail not sent", **context)
            unsent = DeliveryError(f"{type(unexpected).__name__}: not sent", permanent=False)
            return self._failure(email, unsent, context)
        sent_at = self._clock()
        log.info("e-mail sent", **context)
        return _Outcome(
            email,
            _logged(
                email,
                DeliveryAttempt(at=sent_at, outcome="sent", detail=reply),
                DeliveryStatus.SENT,
            ),
            EmailSent(**_about(email), sent_at=sent_at, attempts=len(email.attempts) + 1),
        )

    def _failure(self, email: Email, error: DeliveryError, context: dict[str, Any]) -> _Outcome:
        failed_at = self._clock()
        attempt = DeliveryAttempt(at=failed_at, outcome="failed", detail=str(error))
        # A resent e-mail gets a fresh retry window and back-off of its own.
        window_start = email.resent_at or email.created_at
        tries_in_window = 1 + sum(1 for past in email.attempts if past.at >= window_start)
        retry_at = (
            None
            if error.permanent
            else self._retry.next_attempt(window_start, tries_in_window, failed_at)
        )
        if retry_at is not None:
            log.warning(
                "e-mail delayed", error=str(error), retry_at=retry_at.isoformat(), **context
            )
            record = _logged(
                email,
                attempt,
                DeliveryStatus.PENDING,
                next_attempt_at=retry_at,
                waiting_for_relay=error.relay_down,
            )
            return _Outcome(email, record)
        log.error("e-mail failed", permanent=error.permanent, error=str(error), **context)
        return _Outcome(
            email,
            _logged(email, attempt, DeliveryStatus.FAILED),
            EmailFailed(
                **_about(email),
                failed_at=failed_at,
                attempts=len(email.attempts) + 1,
                permanent=error.permanent,
                # The event goes to every subscriber: the reply often quotes the address.
                reason=redact_text(str(error)),
            ),
        )

    async def _record(self, outcomes: Sequence[_Outcome]) -> None:
        async def write(transaction: Transaction) -> Written[None]:
            records = [outcome.record for outcome in outcomes]
            await self._emails.record_attempts(records, transaction)
            events = [
                (
                    outcome.announce,
                    Envelope.for_event(
                        outcome.announce,
                        source=self._committer.source,
                        correlation_id=outcome.email.correlation_id,
                        causation_id=outcome.email.event_id,
                    ),
                )
                for outcome in outcomes
                if outcome.announce is not None
            ]
            return Written(None, events)

        await self._committer.commit_with_events(write)


def _unbuildable(error: Exception) -> DeliveryError:
    """A permanent failure for an e-mail no message can be built from; the reason names no value."""
    if isinstance(error, UnbuildableMessageError):
        return DeliveryError(str(error), permanent=True)
    # Anything else is a bug meeting odd data: say what kind, not what the data held.
    return DeliveryError(f"the message cannot be built: {type(error).__name__}", permanent=True)


def _logged(
    email: Email,
    attempt: DeliveryAttempt,
    status: DeliveryStatus,
    *,
    next_attempt_at: datetime | None = None,
    waiting_for_relay: bool = False,
) -> AttemptOutcome:
    return AttemptOutcome(
        email_id=email.id,
        attempt=attempt,
        status=status,
        next_attempt_at=next_attempt_at,
        waiting_for_relay=waiting_for_relay,
    )


def _about(email: Email) -> dict[str, Any]:
    """The fields EmailSent and EmailFailed share, from a stored e-mail."""
    return {
        "email_id": email.id,
        "template": email.template,
        "cause_event_id": email.event_id,
        "application_id": email.application_id,
        "booking_id": email.booking_id,
    }
