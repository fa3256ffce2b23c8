"""Event contracts: JSON round trips, topics and the golden examples subscribers rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from digitalwell_shared.contracts import (
    ALL_EVENTS,
    ApplicationSubmitted,
    ForumBooked,
    GrantDecided,
    IntegrationEvent,
    all_topics,
    dead_letter_topic,
)

GOLDEN = Path(__file__).parents[2] / "support" / "golden"


@pytest.mark.parametrize("event_type", ALL_EVENTS, ids=lambda event: event.__name__)
def test_golden_example_round_trips(event_type: type[IntegrationEvent]) -> None:
    golden = json.loads((GOLDEN / f"{event_type.__name__}.json").read_text())

    event = event_type.model_validate(golden)

    assert json.loads(event.model_dump_json()) == golden
    assert event.key() == golden[event_type.key_field]


def test_topics_are_versioned_and_unique() -> None:
    topics = all_topics()

    assert len(set(topics)) == len(ALL_EVENTS)
    assert all(topic.endswith(".v1") for topic in topics)
    assert dead_letter_topic(ApplicationSubmitted.topic) == "intake.application-submitted.v1.dlq"


def test_cloudevents_types_name_the_publisher_and_version() -> None:
    assert GrantDecided.ce_type == "se.digitalwell.council.GrantDecided.v1"
    assert len({event.ce_type for event in ALL_EVENTS}) == len(ALL_EVENTS)


def test_a_newer_publishers_extra_fields_are_ignored_not_dead_lettered() -> None:
    golden = json.loads((GOLDEN / "ForumBooked.json").read_text())
    golden["session"]["room"] = "B 21"  # a field added in a later, compatible release

    event = ForumBooked.model_validate({**golden, "surprise": 1})

    assert "surprise" not in event.model_dump()
    assert "room" not in event.session.model_dump()


def test_times_without_a_time_zone_are_refused() -> None:
    golden = json.loads((GOLDEN / "GrantDecided.json").read_text())

    with pytest.raises(ValidationError, match="time zone"):
        GrantDecided.model_validate({**golden, "decided_at": "2026-11-23T10:00:00"})
