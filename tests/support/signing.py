"""Signing events as their owning service would, and event keys for production settings."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from digitalwell_shared.signing import SERVICES, EventSigner, owner_of_topic, public_key_text


def signed_by_owner(topic: str, key: str, value: bytes, headers: dict[str, str]) -> dict[str, str]:
    """``headers`` signed with the development key of the service that owns ``topic``."""
    return EventSigner.development(owner_of_topic(topic)).sign(topic, key, value, headers)


def signed_by(
    service: str, topic: str, key: str, value: bytes, headers: dict[str, str]
) -> dict[str, str]:
    """``headers`` signed with ``service``'s development key, whoever owns ``topic``."""
    return EventSigner.development(service).sign(topic, key, value, headers)


def new_seed() -> str:
    """A fresh Ed25519 private key as the settings take it: base64 of the 32-byte seed."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode()


def production_event_settings(service: str) -> dict[str, str]:
    """Event and broker settings that production accepts, for a settings test of ``service``."""
    seeds = {each: new_seed() for each in SERVICES}
    public = ",".join(
        f"{each}-2026-12={public_key_text(Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed)))}"
        for each, seed in seeds.items()
    )
    return {
        "event_signing_key": seeds[service],
        "event_signing_key_id": f"{service}-2026-12",
        "event_public_keys": public,
        "kafka_security_protocol": "SASL_SSL",
        "kafka_sasl_username": service,
        "kafka_sasl_password": "a-broker-password-of-some-length",
    }


def forged(
    topic: str, key: str, body: bytes, headers: dict[str, str]
) -> dict[str, tuple[bytes, dict[str, str], str]]:
    """Three forgeries of one event: name -> (body, headers, words of the expected dlq_error).

    Each gets an event id of its own (``ce_id`` + a suffix), so its dead letter can be found.
    """

    def variant(name: str) -> dict[str, str]:
        return {**headers, "ce_id": f"{headers['ce_id']}-{name}"}

    by_intake = variant("by-intake")
    tampered = variant("tampered")
    tampered_body = body.replace(b'"decision":"rejected"', b'"decision":"granted"')
    if tampered_body == body:
        raise ValueError("the event to tamper with must be a rejection")
    return {
        "signed by intake": (
            body,
            signed_by("intake", topic, key, body, by_intake),
            "which may not publish on",
        ),
        "unsigned": (body, variant("unsigned"), "not signed"),
        "tampered body": (
            tampered_body,
            signed_by_owner(topic, key, body, tampered),
            "does not match",
        ),
    }
