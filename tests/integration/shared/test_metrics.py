"""/metrics of a running service against the real broker and database."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from digitalwell_shared.committing import Written
from digitalwell_shared.contracts import ApplicationSubmitted
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.mongo import Transaction
from digitalwell_shared.runtime import Runtime
from tests.support.events import application_submitted
from tests.support.kafka import publish_event
from tests.support.runtime import app_of, make_runtime, serving
from tests.support.waiting import until_true


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def test_metrics_count_consumed_events_per_topic_and_show_lag_and_outbox_backlog(
    kafka_bootstrap_servers: str, mongodb_url: str
) -> None:
    runtime = make_runtime(kafka_bootstrap_servers, mongodb_url, publishes=(ApplicationSubmitted,))
    handled: list[str] = []

    @runtime.consume(ApplicationSubmitted, description="count it")
    async def effect(
        event: ApplicationSubmitted, _envelope: Envelope, _transaction: Transaction
    ) -> None:
        handled.append(event.application_id)

    topic = ApplicationSubmitted.topic
    async with serving(app_of(runtime)) as (client, _database):
        ours = application_submitted()
        envelope = await publish_event(kafka_bootstrap_servers, ours)
        await publish_event(kafka_bootstrap_servers, ours, envelope)  # redelivered

        async def both_seen() -> bool:
            samples = _samples((await client.get("/metrics")).text)
            applied = (
                _value(samples, "digitalwell_events_consumed_total", topic=topic, outcome="applied")
                or 0
            )
            duplicate = (
                _value(
                    samples, "digitalwell_events_consumed_total", topic=topic, outcome="duplicate"
                )
                or 0
            )
            return ours.application_id in handled and applied + duplicate >= 2

        await until_true(both_seen, seconds=90)
        await runtime.relay.stop()  # nothing publishes: what is written now stays pending
        await runtime.commit_with_events(
            lambda _transaction: _events(application_submitted(), runtime)
        )
        samples = _samples((await client.get("/metrics")).text)

    assert (
        _value(samples, "digitalwell_events_consumed_total", topic=topic, outcome="duplicate") >= 1
    )
    assert _value(samples, "digitalwell_handler_seconds_count", topic=topic) >= 1
    assert _value(samples, "digitalwell_outbox_pending") == 1
    assert _value(samples, "digitalwell_outbox_oldest_pending_seconds") >= 0
    lag = [
        value
        for (name, labels), value in samples.items()
        if name == "digitalwell_consumer_lag" and ("topic", topic) in labels
    ]
    assert lag, "no lag reported for the assigned partitions"
    assert all(value >= 0 for value in lag)


async def _events(event: ApplicationSubmitted, runtime: Runtime) -> Written[None]:
    return Written(None, [(event, runtime.envelope_for(event))])
