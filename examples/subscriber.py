"""A regional system subscribing to DigitalWell's decisions with nothing but aiokafka.

    pip install aiokafka cryptography
    python subscriber.py --bootstrap-servers kafka.example.org:9092 --group region-varmland \
        --keys contracts/keys.json

It reads council.grant-decided.v1 in its own consumer group, checks the CloudEvents headers and
the council's Ed25519 signature (contracts/README.md, "Verifying an event"), skips an event it
has seen (delivery is at least once), acts, and only then commits. An event that is not signed
by one of the council's published keys is refused and never acted on, whoever could write to the
topic (a mirror, say).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TOPIC = "council.grant-decided.v1"
EVENT_TYPE = "se.digitalwell.council.GrantDecided.v1"
PUBLISHER = "council"  # the only service whose keys may sign TOPIC
KEYS = Path(__file__).resolve().parent.parent / "contracts" / "keys.json"


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_keys(document: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The publisher's public keys from a keys.json; every key of another service is left out."""
    return {
        entry["key_id"]: Ed25519PublicKey.from_public_bytes(_b64decode(entry["public_key"]))
        for entry in document["keys"]
        if entry["service"] == PUBLISHER and entry["key_id"].split("-", 1)[0] == PUBLISHER
    }


def signing_input(
    document: dict[str, object], key: str, body: bytes, headers: dict[str, str]
) -> bytes:
    """The canonical bytes of contracts/keys.json's ``signing_input``, for TOPIC."""
    spec = document["signing_input"]
    values = {"topic": TOPIC, "key": key, "body-sha256": hashlib.sha256(body).hexdigest()}
    fields = [(name, values.get(name, headers.get(name, ""))) for name in spec["lines"]]
    if any("\n" in value or "\r" in value for _, value in fields):
        raise ValueError("a header holds a line break")  # two events could read the same
    return "\n".join([spec["first_line"], *(f"{name}:{value}" for name, value in fields)]).encode()


def refusal(
    keys: dict[str, Ed25519PublicKey], canonical: Callable[[], bytes], headers: dict[str, str]
) -> str | None:
    """Why an event must not be believed, or None when the publisher signed it as it is."""
    public_key = keys.get(headers.get("ce_signingkeyid", ""))
    if public_key is None:
        return "not signed by a published council key"
    try:
        public_key.verify(_b64decode(headers.get("ce_signature", "")), canonical())
    except (InvalidSignature, ValueError):
        return "the signature does not match"
    return None


def handle(decision: dict[str, object], headers: dict[str, str]) -> None:
    """Your system's effect. Store it together with headers["ce_id"] to skip redeliveries."""
    print(
        f"{decision['case_number']} {decision['application_id']}: {decision['decision']} "
        f"(event {headers['ce_id']}, correlation {headers.get('ce_correlationid')})",
        flush=True,
    )


async def subscribe(
    bootstrap_servers: str,
    group: str,
    topic: str,
    max_events: int | None,
    keys_document: dict[str, Any],
) -> None:
    """Consume until stopped (or ``max_events`` handled), committing after each effect.

    ``topic`` may be a mirror's name for TOPIC: the signature covers TOPIC, the name it was
    published under, so it stays valid wherever the event is copied.
    """
    document = keys_document
    public_keys = load_keys(document)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group,  # your own group: you get every event, whatever DigitalWell's services do
        enable_auto_commit=False,  # commit after the effect, or a crash loses the event
        auto_offset_reset="earliest",  # a new subscriber starts with the history the topic keeps
    )
    seen: set[str] = set()  # in a real system: a unique index on ce_id next to the effect
    handled = 0
    await consumer.start()
    try:
        async for record in consumer:
            headers = {name: value.decode() for name, value in record.headers}
            key = record.key.decode() if record.key else ""
            body = record.value or b""
            canonical = partial(signing_input, document, key, body, headers)
            if (reason := refusal(public_keys, canonical, headers)) is not None:
                print(f"refused {headers.get('ce_id')}: {reason}", flush=True)
            elif headers.get("ce_type") == EVENT_TYPE and headers["ce_id"] not in seen:
                # Fields this example does not know are ignored: new optional fields may come
                # in the same topic version; a breaking change comes as a new topic (….v2).
                handle(json.loads(record.value), headers)
                seen.add(headers["ce_id"])
                handled += 1
            await consumer.commit()
            if max_events is not None and handled >= max_events:
                break
    finally:
        await consumer.stop()


def main() -> None:
    """Read the command line and subscribe."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap-servers", default="localhost:9092")
    parser.add_argument("--group", required=True, help="your system's own consumer group")
    parser.add_argument("--topic", default=TOPIC)
    parser.add_argument("--max-events", type=int, help="stop after this many (for a trial run)")
    parser.add_argument("--keys", type=Path, default=KEYS, help="the published keys.json")
    arguments = parser.parse_args()
    asyncio.run(
        subscribe(
            arguments.bootstrap_servers,
            arguments.group,
            arguments.topic,
            arguments.max_events,
            json.loads(arguments.keys.read_text()),
        )
    )


if __name__ == "__main__":
    main()
