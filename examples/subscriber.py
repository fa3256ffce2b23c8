"""A regional system subscribing to DigitalWell's decisions with nothing but aiokafka.

    pip install aiokafka
    python subscriber.py --bootstrap-servers kafka.example.org:9092 --group region-varmland

It reads council.grant-decided.v1 in its own consumer group, checks the CloudEvents headers,
skips an event it has seen (delivery is at least once), acts, and only then commits.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from aiokafka import AIOKafkaConsumer

TOPIC = "council.grant-decided.v1"
EVENT_TYPE = "se.digitalwell.council.GrantDecided.v1"


def handle(decision: dict[str, object], headers: dict[str, str]) -> None:
    """Your system's effect. Store it together with headers["ce_id"] to skip redeliveries."""
    print(
        f"{decision['case_number']} {decision['application_id']}: {decision['decision']} "
        f"(event {headers['ce_id']}, correlation {headers.get('ce_correlationid')})",
        flush=True,
    )


async def subscribe(bootstrap_servers: str, group: str, topic: str, max_events: int | None) -> None:
    """Consume until stopped (or ``max_events`` handled), committing after each effect."""
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
            if headers.get("ce_type") == EVENT_TYPE and headers["ce_id"] not in seen:
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
    arguments = parser.parse_args()
    asyncio.run(
        subscribe(
            arguments.bootstrap_servers, arguments.group, arguments.topic, arguments.max_events
        )
    )


if __name__ == "__main__":
    main()
