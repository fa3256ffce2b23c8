"""Event signatures: what they cover, who may sign which topic, rotation, production refusals."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from digitalwell_shared.settings import ServiceSettings
from digitalwell_shared.signing import (
    EventSigner,
    EventVerifier,
    SignatureError,
    development_public_keys,
    development_seed,
    signing_input,
)
from tests.support.signing import new_seed, production_event_settings

TOPIC = "council.grant-decided.v1"
HEADERS = {
    "ce_specversion": "1.0",
    "ce_id": "event-1",
    "ce_type": "se.digitalwell.council.GrantDecided.v1",
    "ce_source": "/digitalwell/council",
    "ce_time": "2026-12-01T10:00:00+00:00",
    "ce_subject": "app_1",
    "content-type": "application/json",
}
BODY = b'{"decision":"rejected"}'
# What the other production refusals need, so that each test meets only the one it is about.
SECRETS = {"link_secret": "l" * 40, "staff_session_secret": "s" * 40}


def _verifier() -> EventVerifier:
    return EventVerifier(development_public_keys())


def test_an_event_signed_by_its_topics_owner_verifies() -> None:
    headers = EventSigner.development("council").sign(TOPIC, "app_1", BODY, HEADERS)

    assert _verifier().verify(TOPIC, "app_1", BODY, headers) == "council-dev"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": b'{"decision":"granted"}'}, "does not match"),
        ({"topic": "council.other.v1"}, "does not match"),
        ({"key": "app_2"}, "does not match"),
        ({"ce_subject": "app_2"}, "does not match"),
        ({"ce_type": "se.digitalwell.council.Other.v1"}, "does not match"),
        ({"ce_time": "2026-12-02T10:00:00+00:00"}, "does not match"),
        ({"ce_signingkeyid": "council-2026-12"}, "unknown signing key"),
        ({"ce_signature": "AAAA"}, "does not match"),
    ],
)
def test_changing_anything_the_signature_covers_is_refused(
    change: dict[str, object], message: str
) -> None:
    headers = EventSigner.development("council").sign(TOPIC, "app_1", BODY, HEADERS)
    topic = str(change.pop("topic", TOPIC))
    key = str(change.pop("key", "app_1"))
    body = change.pop("body", BODY)
    assert isinstance(body, bytes)
    headers |= {name: str(value) for name, value in change.items()}

    with pytest.raises(SignatureError, match=message):
        _verifier().verify(topic, key, body, headers)


def test_another_services_key_may_not_sign_the_councils_topic() -> None:
    headers = EventSigner.development("intake").sign(TOPIC, "app_1", BODY, HEADERS)

    with pytest.raises(SignatureError, match="'intake', which may not publish on council"):
        _verifier().verify(TOPIC, "app_1", BODY, headers)


def test_an_unsigned_event_is_refused() -> None:
    with pytest.raises(SignatureError, match="not signed"):
        _verifier().verify(TOPIC, "app_1", BODY, HEADERS)


def test_a_header_with_a_line_break_cannot_be_signed() -> None:
    with pytest.raises(SignatureError, match="ce_subject holds a line break"):
        signing_input(TOPIC, "k", BODY, HEADERS | {"ce_subject": "a\nce_id:x"})


def test_consumers_accept_the_old_and_the_new_key_during_a_rotation() -> None:
    old, new = new_seed(), new_seed()
    settings = ServiceSettings(
        mongodb_database="x",
        http_port=1,
        event_signing_key=new,
        event_signing_key_id="council-2026-12",
        event_public_keys=",".join(
            f"{key_id}={_public(seed)}"
            for key_id, seed in (("council-2026-06", old), ("council-2026-12", new))
        ),
    )
    old_signer = ServiceSettings(
        mongodb_database="x",
        http_port=1,
        event_signing_key=old,
        event_signing_key_id="council-2026-06",
    ).event_signer("council")
    verifier = settings.event_verifier()

    for signer in (old_signer, settings.event_signer("council")):
        headers = signer.sign(TOPIC, "app_1", BODY, HEADERS)
        assert verifier.verify(TOPIC, "app_1", BODY, headers) == signer.key_id


def _public(seed: str) -> str:
    return (
        ServiceSettings(mongodb_database="x", http_port=1, event_signing_key=seed)
        .event_signer("council")
        .public_key
    )


def test_development_signs_with_the_development_keys_and_needs_no_setting() -> None:
    settings = ServiceSettings(mongodb_database="x", http_port=1)

    assert settings.event_signer("forum").key_id == "forum-dev"
    headers = settings.event_signer("forum").sign("forum.booked.v1", "s", BODY, HEADERS)
    assert settings.event_verifier().verify("forum.booked.v1", "s", BODY, headers) == "forum-dev"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_signing_key": ""}, "EVENT_SIGNING_KEY must be a key of its own"),
        ({"event_public_keys": ""}, "EVENT_PUBLIC_KEYS must list"),
        (
            {"event_public_keys": f"council-dev={development_public_keys()['council-dev']}"},
            "no development key",
        ),
        ({"kafka_security_protocol": "PLAINTEXT"}, "PLAINTEXT is refused"),
        (
            {"kafka_security_protocol": "SASL_PLAINTEXT", "kafka_sasl_mechanism": "PLAIN"},
            "PLAIN needs",
        ),
    ],
)
def test_production_refuses_development_keys_and_a_plaintext_broker(
    change: dict[str, str], message: str
) -> None:
    values = production_event_settings("council") | change
    with pytest.raises(ValidationError, match=message):
        ServiceSettings(
            mongodb_database="x", http_port=1, environment="production", **values, **SECRETS
        )


def test_production_refuses_the_development_signing_key() -> None:
    dev = base64.b64encode(development_seed("council")).decode()
    values = production_event_settings("council") | {"event_signing_key": dev}
    with pytest.raises(ValidationError, match="a key of its own"):
        ServiceSettings(
            mongodb_database="x", http_port=1, environment="production", **values, **SECRETS
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event_public_keys": "council-1"}, "key-id=base64-key"),
        ({"event_public_keys": "stranger-1=AAAA"}, "must start with a service name"),
        ({"event_signing_key": "not a key"}, "EVENT_SIGNING_KEY"),
        ({"kafka_security_protocol": "SASL_SSL"}, "KAFKA_SASL_USERNAME"),
        ({"kafka_ssl_certfile": "/etc/cert.pem"}, "go together"),
    ],
)
def test_malformed_event_and_broker_settings_are_named(
    change: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ServiceSettings(mongodb_database="x", http_port=1, **change)
