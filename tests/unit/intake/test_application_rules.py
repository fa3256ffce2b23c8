"""Application ids, duplicates, the status a timeline moves through, and what the public sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from digitalwell_intake.domain import (
    ApplicationStatus,
    IllegalMoveError,
    TimelineEntry,
    TimelineKind,
    duplicate_key,
    is_application_id,
    new_application_id,
    public_timeline,
    request_fingerprint,
    status_after,
)
from digitalwell_shared.contracts import Decision, SupportGranted, SupportKind

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _decided(decision: Decision, at: datetime = START) -> TimelineEntry:
    return TimelineEntry(
        kind=TimelineKind.DECIDED,
        at=at,
        decision=decision,
        support_granted=(SupportGranted(kind=SupportKind.COACHING, note="tio timmar"),)
        if decision is Decision.GRANTED
        else (),
        motivation="Idén är ekonomiskt hållbar.",
    )


def _withdrawn(at: datetime = START, reason: str = "") -> TimelineEntry:
    return TimelineEntry(kind=TimelineKind.WITHDRAWN, at=at, reason=reason)


def test_application_ids_are_prefixed_random_and_readable() -> None:
    ids = {new_application_id() for _ in range(1000)}

    assert len(ids) == 1000
    for application_id in ids:
        assert is_application_id(application_id)
        assert application_id.startswith("app_")
        assert len(application_id) == 28
        assert set(application_id[4:]) <= set("abcdefghijklmnopqrstuvwxyz234567")


@pytest.mark.parametrize("text", ["", "app_", "app_ABC", "case-1", "app_" + "a" * 23, "../etc"])
def test_other_strings_are_not_application_ids(text: str) -> None:
    assert not is_application_id(text)


def test_the_same_title_in_other_case_and_spacing_is_a_duplicate() -> None:
    first = duplicate_key("556012-5790", "Smart  dosett för Äldre")

    assert duplicate_key("556012-5790", " smart dosett\tFÖR äldre ") == first
    assert duplicate_key("556036-0793", "Smart dosett för Äldre") != first
    assert duplicate_key("556012-5790", "Smart dosett för yngre") != first


def test_a_fingerprint_ignores_key_order_but_not_values() -> None:
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        (_decided(Decision.GRANTED), ApplicationStatus.GRANTED),
        (_decided(Decision.REJECTED), ApplicationStatus.REJECTED),
        (_withdrawn(), ApplicationStatus.WITHDRAWN),
    ],
)
def test_a_submitted_application_can_be_decided_or_withdrawn(
    entry: TimelineEntry, status: ApplicationStatus
) -> None:
    assert status_after(ApplicationStatus.SUBMITTED, entry) is status


@pytest.mark.parametrize(
    "current",
    [ApplicationStatus.GRANTED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN],
)
@pytest.mark.parametrize("entry", [_decided(Decision.GRANTED), _withdrawn()])
def test_a_decided_or_withdrawn_application_does_not_move(
    current: ApplicationStatus, entry: TimelineEntry
) -> None:
    with pytest.raises(IllegalMoveError) as refused:
        status_after(current, entry)

    assert refused.value.current is current
    assert current.value in str(refused.value)


def test_an_application_is_submitted_only_once() -> None:
    with pytest.raises(IllegalMoveError):
        status_after(
            ApplicationStatus.SUBMITTED, TimelineEntry(kind=TimelineKind.SUBMITTED, at=START)
        )


def test_the_public_timeline_is_in_time_order_and_hides_the_withdrawal_reason() -> None:
    submitted = TimelineEntry(kind=TimelineKind.SUBMITTED, at=START)
    withdrawn = _withdrawn(START + timedelta(days=2), reason="Anna Andersson slutar hos oss")

    shown = public_timeline([withdrawn, submitted])

    assert [entry.kind for entry in shown] == [TimelineKind.SUBMITTED, TimelineKind.WITHDRAWN]
    assert shown[1].reason == ""
    assert shown[1].at == withdrawn.at


def test_the_public_timeline_shows_the_decision_with_support_and_motivation() -> None:
    decided = _decided(Decision.GRANTED, START + timedelta(days=30))

    (shown,) = public_timeline([decided])

    assert shown == decided
