"""Trial: poison events of every kind published straight to a topic in the middle of a burst.

Each poison goes to intake.application-submitted.v1, which council and notify both consume.
Every group that consumes the topic must dead-letter each poison exactly once (the dead letter
names its group in ``dlq_consumer_group``), and the burst's receipts must all arrive, once:
nothing else stops, nothing doubles. Dead letters are found on every topic whose name has
``dlq`` in it, by the poison's key, so the trial holds whether dead letters share ``<topic>.dlq``
or each group has its own.

Not among the kinds: an event that is valid and signed but whose handler fails every time. No
effect of the four services fails for a valid event (an unknown application is parked or
ignored), so only a test handler can do that: tests/integration/shared/test_plumbing.py proves
that one is retried, dead-lettered and passed by.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiokafka.admin import AIOKafkaAdminClient

from digitalwell_ops.system import wiring
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from tests.support.events import application_submitted
from tests.support.kafka import everything_so_far, publish_raw
from tests.support.signing import signed_by_owner

if TYPE_CHECKING:
    from tests.faults.suite import Trial

TOPIC = ApplicationSubmitted.topic
OVERSIZED_BYTES = 600_000
"""A body well past any application the schema allows, still below the broker's 1 MB limit."""
DEAD_LETTERS_WITHIN = 60.0


@dataclass(frozen=True)
class Poison:
    """One poison record: its kind, key, body and headers as published."""

    kind: str
    key: str
    body: bytes
    headers: dict[str, str]


def _valid(key: str) -> tuple[bytes, dict[str, str]]:
    event = application_submitted(application_id=key)
    return event.model_dump_json().encode(), Envelope.for_event(
        event, source="/faults"
    ).to_headers()


def poisons(run_id: str) -> list[Poison]:
    """Every kind of poison, each under a key of its own."""

    def key(kind: str) -> str:
        return f"poison-{run_id}-{kind}"

    made: list[Poison] = []
    body, headers = _valid(key("schema"))
    broken = body.replace(b'"title":', b'"title":42,"x":', 1)
    made.append(Poison("fails schema validation", key("schema"), broken, headers))
    body, headers = _valid(key("tampered"))
    signed = signed_by_owner(TOPIC, key("tampered"), body, headers)
    made.append(Poison("bad signature", key("tampered"), body + b" ", signed))
    body, headers = _valid(key("unsigned"))
    made.append(Poison("missing signature", key("unsigned"), body, headers))
    body, headers = _valid(key("version"))
    unknown = {**headers, "ce_type": headers["ce_type"].replace(".v1", ".v9")}
    made.append(Poison("unknown type/version", key("version"), body, unknown))
    body, headers = _valid(key("no-id"))
    made.append(
        Poison(
            "without ce_id", key("no-id"), body, {k: v for k, v in headers.items() if k != "ce_id"}
        )
    )
    body, headers = _valid(key("oversized"))
    padded = body.replace(b'"title":"', b'"title":"' + b"x" * OVERSIZED_BYTES, 1)
    made.append(Poison("oversized", key("oversized"), padded, headers))
    return made


async def _publish(bootstrap: str, poison: Poison) -> None:
    # The owner signs all but the two signature poisons, so each is refused for its own fault.
    sign = poison.kind not in {"bad signature", "missing signature"}
    await publish_raw(
        bootstrap, TOPIC, poison.body, key=poison.key, headers=poison.headers, sign=sign
    )


async def _dead_letters(bootstrap: str, keys: set[str]) -> Counter[tuple[str, str]]:
    """(key, consumer group) -> copies, over every dead-letter topic, from its start to its end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [t for t in await admin.list_topics() if "dlq" in t]
    finally:
        await admin.close()
    found: Counter[tuple[str, str]] = Counter()
    for topic in topics:  # each read to the end it has now: all there is, no timeout
        records = await everything_so_far(
            bootstrap,
            topic,
            matching=lambda record: (record.key or b"").decode(errors="replace") in keys,
            fetch_max_bytes=8 * 1024 * 1024,
            max_partition_fetch_bytes=2 * 1024 * 1024,
        )
        for record in records:
            group = dict(record.headers).get("dlq_consumer_group", b"?").decode()
            found[(record.key or b"").decode(errors="replace"), group] += 1
    return found


def _groups_of(topic: str) -> set[str]:
    return {each.service for each in wiring() if topic in each.consumes}


async def poison_events(trial: Trial) -> float:
    """The burst, with every poison published in its middle; then their dead letters counted."""
    made = poisons(trial.run_id)
    bootstrap = trial.stack.kafka_bootstrap_servers

    async def publish_all() -> None:
        for poison in made:
            await _publish(bootstrap, poison)

    repaired = await trial.burst(trial.scale.applications // 2, publish_all)
    groups = await asyncio.to_thread(_groups_of, TOPIC)
    keys = {poison.key for poison in made}
    wanted = {(key, group) for key in keys for group in groups}
    found: Counter[tuple[str, str]] = Counter()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEAD_LETTERS_WITHIN
    while loop.time() < deadline:
        found = await _dead_letters(bootstrap, keys)
        if wanted <= set(found):
            break
    for poison in made:
        copies = {group: found[poison.key, group] for group in sorted(groups)}
        shown = ", ".join(f"{group} {n}" for group, n in copies.items())
        trial.outcome.figures.append(f"poison {poison.kind}: dead letters by {shown}")
        if any(n != 1 for n in copies.values()):
            trial.outcome.notes.append(f"poison {poison.kind}: want one dead letter per group")
    return repaired
