"""The fault suite: the system as processes, load through HTTP, faults injected, a table per trial.

``make faults`` runs every trial with full-length outages (``python -m tests.faults.suite``);
tests/faults/test_quick_faults.py runs the trials that hold today with short outages. Each trial
starts a fresh stack on free ports in a temporary data folder, submits a bounded burst of
applications to intake, injects its fault in the middle of the burst, and then counts the
receipt e-mails at the SMTP sink per applicant: lost (acknowledged, no receipt by the deadline)
and doubled (copies beyond one, by Message-ID) must both be 0, except that notify or the SMTP
sink killed mid-delivery may double at most the e-mails whose SMTP exchange was in flight (the
table shows such a trial's doubles as "found/allowed").
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from digitalwell_devstack.console import Console
from digitalwell_devstack.ports import free_port
from digitalwell_devstack.stack import (
    DEFAULT_DATABASES,
    DEFAULT_SERVICES,
    ServiceSpec,
    Stack,
    StackPorts,
)
from digitalwell_notify.settings import Settings as NotifySettings
from tests.faults.forum_load import forum_bookings
from tests.faults.poison import poison_events
from tests.faults.proxy import TcpProxy
from tests.faults.transactions import intake_mid_transaction
from tests.support.intake import application_body
from tests.support.stack import demo_sign_in
from tests.support.waiting import until_true

_POLL_SECONDS = 0.5
EVERY_PART = ("intake", "council", "forum", "notify", "mail", *DEFAULT_DATABASES, "tansu", "s3")
"""Every process of a stack of the four services (each service has its own database server)."""
_READYZ_SECONDS = 1.0
ADMINISTRATOR = "admin@example.org"  # a demo account: sees every e-mail's address
_READY_AGAIN_SECONDS = 30.0


@dataclass(frozen=True)
class Scale:
    """How big a run is: burst size, outage length, how long to wait for the receipts."""

    applications: int
    outage_seconds: float
    deliver_within: float


QUICK = Scale(applications=30, outage_seconds=5.0, deliver_within=90.0)
FULL = Scale(applications=120, outage_seconds=60.0, deliver_within=300.0)

NOTIFY_SMTP_CONNECTIONS: int = NotifySettings.model_fields["send_concurrency"].default
"""Copies a kill -9 of notify may double: one per SMTP exchange in flight (issue 11). notify
records each outcome as its exchange ends and holds the connection until then, so no more than
this many e-mails are ever sent and not yet recorded."""


@dataclass
class Outcome:
    """One trial's figures."""

    trial: str
    acknowledged: int = 0
    delivered: int = 0
    lost: int = 0
    doubled: int = 0
    recover_seconds: float | None = None
    allowed_doubles: int = 0
    notes: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    """Measurements a trial adds below its row (they do not decide the verdict; notes do)."""

    @property
    def passed(self) -> bool:
        """Nothing acknowledged lost, nothing doubled beyond what the trial allows."""
        return self.lost == 0 and self.doubled <= self.allowed_doubles and not self.notes

    def row(self) -> str:
        """One line of the table."""
        recover = f"{self.recover_seconds:.1f}" if self.recover_seconds is not None else "-"
        verdict = "pass" if self.passed else "FAIL"
        doubled = f"{self.doubled}/{self.allowed_doubles}" if self.allowed_doubles else self.doubled
        line = (
            f"| {self.trial:<28} | {self.acknowledged:>5} | {self.delivered:>9} | {self.lost:>4} "
            f"| {doubled:>7} | {recover:>11} | {verdict} |"
        )
        extra = [*self.figures, *self.notes]
        return line + "".join(f"\n|   {text}" for text in extra)


TABLE_HEAD = (
    f"| {'trial':<28} | acked | delivered | lost | doubled | recover (s) | verdict |\n"
    f"|{'-' * 30}|-------|-----------|------|---------|-------------|---------|"
)


def _application(address: str, number: int) -> dict[str, object]:
    """tests/support's valid application, with the address the trial counts its receipt by."""
    body = application_body(title=f"Fault trial {number}")
    body["contact"] = {**body["contact"], "email": address}
    return body


class Trial:
    """A running stack, the burst against it and the receipts counted at its mail sink."""

    def __init__(self, name: str, data_dir: Path, scale: Scale) -> None:
        self.name = name
        self.scale = scale
        self.output = io.StringIO()
        self.run_id = uuid.uuid4().hex[:8]
        services = [
            ServiceSpec(s.name, s.module, free_port("127.0.0.1"), s.sends_mail)
            for s in DEFAULT_SERVICES
        ]
        self.ports = StackPorts.free()
        self.services = services
        self.data_dir = data_dir
        # The trials that cut the network reach the broker through a proxy the suite controls.
        self.proxy = (
            TcpProxy("127.0.0.1", free_port("127.0.0.1"), self.ports.kafka)
            if name in PROXIED_TRIALS
            else None
        )
        self.stack = self._new_stack()
        self.acknowledged: set[str] = set()
        self.message_ids: dict[str, set[str]] = {}
        self.outcome = Outcome(name)

    def _new_stack(self) -> Stack:
        return Stack(
            ports=self.ports,
            services=self.services,
            data_dir=self.data_dir,
            console=Console(self.output),
            kafka_via_port=self.proxy.listen_port if self.proxy is not None else None,
        )

    async def burst(self, fault_at: int, fault: Callable[[], Awaitable[None]]) -> float:
        """Submit the applications one by one; run ``fault`` after ``fault_at`` of them.

        Returns the monotonic time the fault's repair ended. A submission refused or cut off by
        the fault is simply not acknowledged; it is tried again once (as an applicant would).
        """
        repaired = time.monotonic()
        for number in range(self.scale.applications):
            if number == fault_at:
                await fault()
                repaired = time.monotonic()
            await self.submit(number, attempts=2)
        return repaired

    async def submit(self, number: int, *, attempts: int = 1) -> bool:
        """Submit application ``number`` to intake; True (and acknowledged) once it is stored."""
        address = f"fault-{self.run_id}-{number}@example.org"
        intake = self.stack.service_url("intake")
        async with httpx.AsyncClient(base_url=intake, timeout=30, trust_env=False) as client:
            for attempt in range(attempts):
                if attempt:
                    await asyncio.sleep(_POLL_SECONDS)
                try:
                    response = await client.post(
                        "/api/v1/applications", json=_application(address, number)
                    )
                except httpx.HTTPError:
                    continue
                if response.status_code in {200, 201}:
                    self.acknowledged.add(address)
                    return True
        return False

    async def receipts(self) -> Counter[str]:
        """Copies received per acknowledged address, each Message-ID counted once per copy."""
        copies: Counter[str] = Counter()
        url = f"{self.stack.mail_ui_url}/api/v1/messages"
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                listed = (await client.get(url, params={"limit": 5000})).json()
            except (httpx.HTTPError, ValueError):
                return copies
        for message in listed.get("messages", []):
            for to in message.get("To") or []:
                if to.get("Address") in self.acknowledged:
                    copies[to["Address"]] += 1
                    self.message_ids.setdefault(to["Address"], set()).add(message.get("MessageID"))
        return copies

    async def nothing_left_to_send(self) -> bool:
        """Whether notify's delivery log has no e-mail to an acknowledged address still pending."""
        notify = f"{self.stack.service_url('notify')}/api/v1/emails"
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            try:
                staff = await demo_sign_in(client, self.stack, ADMINISTRATOR)
                answer = await client.get(
                    notify, params={"status": "pending", "limit": 500}, headers=staff
                )
                answer.raise_for_status()
            except (httpx.HTTPError, AssertionError):
                return False  # a service is still starting again: ask later
        pending = {email["recipient"] for email in answer.json()["emails"]}
        return not pending & self.acknowledged

    async def settle(self, repaired: float) -> None:
        """Wait (bounded) until every acknowledged address has a receipt; fill the outcome."""
        deadline = time.monotonic() + self.scale.deliver_within
        copies: Counter[str] = Counter()
        recovered: float | None = None
        while time.monotonic() < deadline:
            copies = await self.receipts()
            if all(copies[a] for a in self.acknowledged):
                recovered = time.monotonic() - repaired
                break
            await asyncio.sleep(_POLL_SECONDS)
        # A doubled copy can arrive after the last first copy: look once more when notify's
        # delivery log has recorded every one of them as sent (or failed), which it does only
        # once each SMTP exchange has ended, so no copy of them is still on its way.
        try:
            await until_true(
                self.nothing_left_to_send, seconds=max(deadline - time.monotonic(), 30)
            )
        except TimeoutError:
            self.outcome.notes.append("notify still had receipts to send after their first copy")
        copies = await self.receipts()
        outcome = self.outcome
        outcome.acknowledged = len(self.acknowledged)
        outcome.delivered = sum(1 for a in self.acknowledged if copies[a])
        outcome.lost = outcome.acknowledged - outcome.delivered
        outcome.doubled = sum(n - 1 for n in copies.values() if n > 1)
        # An allowed copy is a resend of one message, which receivers drop by its Message-ID.
        renamed = sum(1 for a in copies if copies[a] > 1 and len(self.message_ids[a]) > 1)
        if renamed:
            outcome.notes.append(f"{renamed} receipts doubled under a new Message-ID")
        outcome.recover_seconds = recovered

    async def watch_readiness(self, *, ready: bool, until: float) -> None:
        """Poll every service's /readyz until each says ``ready`` (a note for one that does not).

        Each answer must come within a second, outage or not: a probe that waits longer would
        take the service out of rotation for the wrong reason.
        """
        started = time.monotonic()
        waiting = {spec.name for spec in self.services}
        want = 200 if ready else 503
        async with httpx.AsyncClient(timeout=_READYZ_SECONDS, trust_env=False) as client:
            while waiting and time.monotonic() < until:
                for name in sorted(waiting):
                    try:
                        answer = await client.get(f"{self.stack.service_url(name)}/readyz")
                    except httpx.TimeoutException:
                        self.outcome.notes.append(f"{name} /readyz took over {_READYZ_SECONDS} s")
                        waiting.discard(name)
                        continue
                    except httpx.HTTPError:
                        continue
                    if answer.status_code == want:
                        waiting.discard(name)
                await asyncio.sleep(_POLL_SECONDS)
        for name in sorted(waiting):
            state = "ready again" if ready else "not ready"
            self.outcome.notes.append(f"{name} /readyz not {state} within {until - started:.0f} s")

    async def kill_and_restart(self, *names: str, down_for: float = 0.0) -> None:
        """kill -9 the named parts, keep them down for ``down_for`` s, start them again."""
        for name in names:
            self.stack.process(name).kill()
        for name in names:
            await self.stack.process(name).wait_exit()
        if down_for:
            await asyncio.sleep(down_for)
        for name in names:
            await self.stack.restart(name)

    async def refuse_mail(self, seconds: float) -> None:
        """Make the mail sink answer 421 to every sender for ``seconds`` (Mailpit's chaos API)."""
        url = f"{self.stack.mail_ui_url}/api/v1/chaos"
        async with httpx.AsyncClient(timeout=10, trust_env=False) as client:
            refusing = {"Sender": {"ErrorCode": 421, "Probability": 100}}
            (await client.put(url, json=refusing)).raise_for_status()
            await asyncio.sleep(seconds)
            (await client.put(url, json={})).raise_for_status()

    async def kill_everything_and_run_again(self) -> None:
        """kill -9 every part at once, then start a new stack on the same data folder."""
        for name in EVERY_PART:
            self.stack.process(name).kill()
        for name in EVERY_PART:
            await self.stack.process(name).wait_exit()
        await self.stack.stop()
        self.stack = self._new_stack()
        await self.stack.start()


def _restart_trial(*names: str, outage: bool = False) -> TrialBody:
    async def body(trial: Trial) -> float:
        down = trial.scale.outage_seconds if outage else 0.0

        async def fault() -> None:
            await trial.kill_and_restart(*names, down_for=down)
            # No service needs a restart of its own: each is ready again by itself (its
            # consumer group holds every partition, its producer publishes).
            await trial.watch_readiness(ready=True, until=time.monotonic() + _READY_AGAIN_SECONDS)

        return await trial.burst(trial.scale.applications // 2, fault)

    return body


async def _smtp_refusing(trial: Trial) -> float:
    return await trial.burst(
        trial.scale.applications // 2, lambda: trial.refuse_mail(trial.scale.outage_seconds)
    )


async def _broker_unreachable(trial: Trial) -> float:
    """The proxy cut for the outage (connections reset, new ones refused), then restored."""
    proxy = trial.proxy
    if proxy is None:
        raise RuntimeError("the trial needs the stack behind the suite's proxy")

    async def cut_and_restore() -> None:
        await proxy.cut()
        outage_ends = time.monotonic() + trial.scale.outage_seconds
        await trial.watch_readiness(ready=False, until=outage_ends)
        await asyncio.sleep(max(outage_ends - time.monotonic(), 0))
        await proxy.restore()
        await trial.watch_readiness(ready=True, until=time.monotonic() + _READY_AGAIN_SECONDS)

    return await trial.burst(trial.scale.applications // 2, cut_and_restore)


async def _whole_stack(trial: Trial) -> float:
    repaired = await trial.burst(trial.scale.applications, lambda: asyncio.sleep(0))
    before = await trial.receipts()
    await trial.kill_everything_and_run_again()
    # The sink keeps its mail across the kill (its journal): what it had is still there to read.
    after = await trial.receipts()
    kept = sum(1 for address in before if after[address] >= before[address])
    trial.outcome.figures.append(
        f"{sum(before.values())} receipts at the sink before the kill; {kept} of their "
        f"{len(before)} addresses still there after the new stack started"
    )
    if kept < len(before):
        trial.outcome.notes.append(f"the sink lost mail of {len(before) - kept} addresses")
    return max(repaired, time.monotonic())


TrialBody = Callable[[Trial], Awaitable[float]]
BROKER_UNREACHABLE = "broker unreachable (proxy cut)"
PROXIED_TRIALS = frozenset({BROKER_UNREACHABLE})

TRIALS: dict[str, TrialBody] = {
    "kill -9 intake": _restart_trial("intake"),
    "kill -9 intake mid-transaction": intake_mid_transaction,
    "kill -9 council": _restart_trial("council"),
    "kill -9 forum": _restart_trial("forum"),
    "kill -9 notify": _restart_trial("notify"),
    "kill -9 broker (tansu+s3)": _restart_trial("s3", "tansu"),
    "kill -9 database": _restart_trial(*DEFAULT_DATABASES),  # every service's server
    BROKER_UNREACHABLE: _broker_unreachable,
    "SMTP unreachable": _restart_trial("mail", outage=True),
    "SMTP refusing (421)": _smtp_refusing,
    "whole stack kill -9, run again": _whole_stack,
    "poison events": poison_events,
    "bookings during kill -9 forum": forum_bookings,
}

ALLOWED_DOUBLES = {
    "kill -9 notify": NOTIFY_SMTP_CONNECTIONS,
    # The sink killed mid-exchange may have stored a message whose 250 never reached notify,
    # which then sends it again with the same Message-ID (RFC 1047's duplicate): at most one
    # per exchange in flight. "SMTP refusing" cuts no exchange and may double nothing.
    "SMTP unreachable": NOTIFY_SMTP_CONNECTIONS,
    # Notify and the sink die together, so the same holds for exchanges in flight at the kill.
    "whole stack kill -9, run again": NOTIFY_SMTP_CONNECTIONS,
}


async def run_trial(name: str, scale: Scale) -> tuple[Outcome, str]:
    """Run one trial on a fresh stack; its outcome and the stack's output (for a failure)."""
    with tempfile.TemporaryDirectory(prefix="digitalwell-faults-") as folder:
        trial = Trial(name, Path(folder), scale)
        trial.outcome.allowed_doubles = ALLOWED_DOUBLES.get(name, 0)
        if trial.proxy is not None:
            await trial.proxy.start()
        await trial.stack.start()
        try:
            repaired = await TRIALS[name](trial)
            await trial.settle(repaired)
        except Exception as error:  # noqa: BLE001 -- a trial that breaks is a failed row, not a crash
            trial.outcome.notes.append(f"the trial itself failed: {error!r}"[:300])
        finally:
            await trial.stack.stop()
            if trial.proxy is not None:
                await trial.proxy.stop()
        return trial.outcome, trial.output.getvalue()


def _keep_log(log_dir: Path, name: str, output: str) -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / f"{name.replace(' ', '_').replace('/', '_')}.log").write_text(output)


async def run(names: list[str], scale: Scale, log_dir: Path | None = None) -> list[Outcome]:
    """Run the trials one after another, printing each row as it ends."""
    print(TABLE_HEAD, flush=True)  # noqa: T201 -- the suite's report is its output
    outcomes = []
    for name in names:
        outcome, output = await run_trial(name, scale)
        print(outcome.row(), flush=True)  # noqa: T201
        if not outcome.passed and log_dir is not None:
            _keep_log(log_dir, name, output)
        outcomes.append(outcome)
    return outcomes


def main() -> int:
    """``make faults``: every trial at full length; exit 1 when any trial fails."""
    parser = argparse.ArgumentParser(description="DigitalWell's fault suite")
    parser.add_argument("--quick", action="store_true", help="short outages, smaller bursts")
    parser.add_argument("--trial", action="append", choices=list(TRIALS), help="only these")
    parser.add_argument("--logs", type=Path, help="write the stack's output of failed trials here")
    arguments = parser.parse_args()
    scale = QUICK if arguments.quick else FULL
    outcomes = asyncio.run(run(arguments.trial or list(TRIALS), scale, arguments.logs))
    return 0 if all(o.passed for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
