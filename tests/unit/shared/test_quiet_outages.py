"""Repeated failures are logged once per interval with a count; readiness names what is missing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from structlog.testing import capture_logs

from digitalwell_shared.logging import OutageLog, RepeatedRecordFilter, get_logger
from digitalwell_shared.readiness import Readiness, missing_partitions


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_outage_of_a_minute_with_an_attempt_a_second_writes_a_few_lines() -> None:
    clock = _Clock()
    outage = OutageLog(get_logger("test"), "the relay", interval_seconds=30.0, clock=clock)
    with capture_logs() as lines:
        for second in range(60):
            clock.now = float(second)
            outage.failed(ConnectionError("broker away"))
        clock.now = 60.0
        outage.succeeded()
        outage.succeeded()  # working on: nothing more to say

    assert [line["event"] for line in lines] == [
        "the relay failed",
        "the relay still failing",
        "the relay works again",
    ]
    assert lines[1]["failures"] == 30
    assert lines[2]["failures"] == 60
    assert lines[2]["seconds"] == 60
    assert not outage.failing


def test_a_librarys_identical_warnings_pass_once_per_interval_with_the_count() -> None:
    clock = _Clock()
    repeats = RepeatedRecordFilter(interval_seconds=30.0, clock=clock)

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("aiokafka.conn", logging.WARNING, __file__, 1, message, (), None)

    passed = []
    for second in range(61):
        clock.now = float(second)
        passed.append(repeats.filter(line := record("Unable connect to node %s")))
    other = repeats.filter(record("Heartbeat failed"))

    assert passed.count(True) == 3  # at 0, 30 and 60 seconds
    assert line.repeated == 29  # type: ignore[attr-defined]
    assert other


@dataclass(frozen=True)
class _Consumer:
    partitions: dict[str, set[int]]

    def partitions_for_topic(self, topic: str) -> set[int] | None:
        return self.partitions.get(topic)


def test_readiness_names_a_missing_topic_and_unassigned_partitions() -> None:
    consumer = _Consumer({"a.v1": {0, 1, 2}, "b.v1": {0, 1, 2}})
    held = {("a.v1", 0), ("a.v1", 1), ("a.v1", 2), ("b.v1", 1)}

    problem = missing_partitions(consumer, ["a.v1", "b.v1", "c.v1"], held)
    everything = missing_partitions(consumer, ["a.v1"], held)

    assert problem == "b.v1: partitions [0, 2] unassigned; c.v1: no such topic"
    assert everything == ""
    assert not Readiness({"database": True, "broker": False}).ready
