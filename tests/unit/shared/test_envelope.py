"""The CloudEvents envelope: written on publish, checked on consume."""

from __future__ import annotations

import pytest

from digitalwell_shared.contracts import ApplicationSubmitted, GrantDecided
from digitalwell_shared.envelope import Envelope, EnvelopeError
from tests.support.events import application_submitted


def test_headers_round_trip_keeps_every_attribute() -> None:
    event = application_submitted()
    envelope = Envelope.for_event(event, source="/digitalwell/intake", correlation_id="corr-1")

    headers = envelope.to_headers()
    read = Envelope.from_headers(
        {name: value.encode() for name, value in headers.items()},
        expected_type=ApplicationSubmitted.ce_type,
    )

    assert read == envelope
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_type"] == "se.digitalwell.intake.ApplicationSubmitted.v1"
    assert headers["ce_subject"] == event.application_id
    assert headers["content-type"] == "application/json"


def test_a_new_envelope_starts_its_own_correlation() -> None:
    envelope = Envelope.for_event(application_submitted(), source="/digitalwell/intake")

    assert envelope.correlation_id == envelope.id
    assert envelope.causation_id is None


def test_a_caused_event_keeps_the_correlation_and_names_its_cause() -> None:
    parent = Envelope.for_event(application_submitted(), source="/digitalwell/intake")

    child = parent.caused(application_submitted(), source="/digitalwell/council")

    assert child.correlation_id == parent.correlation_id
    assert child.causation_id == parent.id
    assert child.id != parent.id


def test_missing_headers_are_named() -> None:
    with pytest.raises(EnvelopeError, match="ce_id, ce_type"):
        Envelope.from_headers({"ce_specversion": "1.0", "ce_source": "/x", "ce_time": "2026-01-01"})


def test_an_event_on_the_wrong_topic_is_refused() -> None:
    headers = Envelope.for_event(application_submitted(), source="/x").to_headers()

    with pytest.raises(EnvelopeError, match="does not belong on this topic"):
        Envelope.from_headers(headers, expected_type=GrantDecided.ce_type)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("ce_specversion", "0.3", "unsupported ce_specversion"),
        ("content-type", "text/plain", "content-type must be application/json"),
        ("ce_time", "yesterday", "not an RFC 3339 time"),
    ],
)
def test_malformed_attributes_are_refused(header: str, value: str, message: str) -> None:
    headers = Envelope.for_event(application_submitted(), source="/x").to_headers()
    headers[header] = value

    with pytest.raises(EnvelopeError, match=message):
        Envelope.from_headers(headers)
