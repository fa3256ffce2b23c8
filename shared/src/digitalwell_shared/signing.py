r"""Ed25519 signatures on events, so nobody but a topic's owning service can publish on it.

The signature covers a canonical byte string (``signing_input``): a fixed first line, then
``name:value`` lines for the topic, the Kafka key, the CloudEvents headers that carry meaning
and the key id, then the SHA-256 of the body, joined by ``\n`` and encoded as UTF-8. A header
that is absent is an empty value. It travels, base64url without padding, in ``ce_signature``;
the key id in ``ce_signingkeyid``. A key id names its service before the first ``-``
(``council-2026-12``), and only that service's keys may sign on ``<service>.*`` topics.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIGNATURE_HEADER = "ce_signature"
KEY_ID_HEADER = "ce_signingkeyid"
SIGNATURE_VERSION = "DIGITALWELL-EVENT-SIGNATURE-V1"
# The headers covered, in this order; tracing headers and dlq_* ones are not.
SIGNED_HEADERS = (
    "ce_specversion",
    "ce_id",
    "ce_type",
    "ce_source",
    "ce_time",
    "ce_subject",
    "content-type",
    "ce_correlationid",
    "ce_causationid",
    KEY_ID_HEADER,
)
SERVICES = ("intake", "council", "forum", "notify")
_DEV_SEED_PREFIX = b"digitalwell-development-event-signing-key:"


class SignatureError(ValueError):
    """An event's signature is missing, malformed, by an unknown key, or does not match."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"not base64url: {text[:16]!r}") from error


def signing_input(topic: str, key: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    """The canonical bytes a signature covers (see the module's docstring)."""
    fields = [("topic", topic), ("key", key)]
    fields += [(name, headers.get(name, "")) for name in SIGNED_HEADERS]
    for name, value in fields:
        # A line break inside a value could make two different events read the same.
        if "\n" in value or "\r" in value:
            raise SignatureError(f"{name} holds a line break and cannot be signed")
    lines = [SIGNATURE_VERSION, *(f"{name}:{value}" for name, value in fields)]
    lines.append(f"body-sha256:{hashlib.sha256(body).hexdigest()}")
    return "\n".join(lines).encode()


def owner_of_topic(topic: str) -> str:
    """The service that owns a topic: the part before the first dot."""
    return topic.split(".", 1)[0]


def owner_of_key(key_id: str) -> str:
    """The service a key id names: the part before the first dash."""
    return key_id.split("-", 1)[0]


def development_seed(service: str) -> bytes:
    """The fixed development private key of a service; production refuses it."""
    return hashlib.sha256(_DEV_SEED_PREFIX + service.encode()).digest()


def development_key_id(service: str) -> str:
    """The key id of a service's development key."""
    return f"{service}-dev"


def public_key_text(private: Ed25519PrivateKey) -> str:
    """A public key as the settings and contracts/keys.json write it: base64url of 32 bytes."""
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return _b64encode(raw)


def development_public_keys() -> dict[str, str]:
    """Key id -> public key of every service's development key."""
    return {
        development_key_id(service): public_key_text(
            Ed25519PrivateKey.from_private_bytes(development_seed(service))
        )
        for service in SERVICES
    }


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A private key from PEM (PKCS#8) or base64/base64url of the raw 32-byte seed."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(stripped.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the PEM key is not an Ed25519 private key")
        return key
    seed = _b64decode(stripped.replace("+", "-").replace("/", "_"))
    if len(seed) != 32:  # noqa: PLR2004 - an Ed25519 seed is 32 bytes
        raise ValueError("an Ed25519 seed is 32 bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from base64/base64url of its 32 raw bytes."""
    raw = _b64decode(text.strip().replace("+", "-").replace("/", "_"))
    if len(raw) != 32:  # noqa: PLR2004 - an Ed25519 public key is 32 bytes
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def parse_public_keys(entries: str) -> dict[str, str]:
    """``id=key,id=key`` (commas or whitespace between entries) as a mapping; checks each key."""
    keys: dict[str, str] = {}
    for entry in entries.replace(",", " ").split():
        key_id, separator, key = entry.partition("=")
        if not separator or not key_id or not key:
            raise ValueError(f"a public key entry is key-id=base64-key, got {entry[:40]!r}")
        if owner_of_key(key_id) not in SERVICES:
            raise ValueError(f"key id {key_id!r} must start with a service name and a dash")
        load_public_key(key)
        keys[key_id] = key
    return keys


@dataclass(frozen=True)
class EventSigner:
    """Signs what one service publishes with its current key."""

    key_id: str
    private_key: Ed25519PrivateKey

    @classmethod
    def development(cls, service: str) -> EventSigner:
        """The signer with a service's development key."""
        seed = development_seed(service)
        return cls(development_key_id(service), Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_key(self) -> str:
        """The public key that verifies this signer, as EVENT_PUBLIC_KEYS lists it."""
        return public_key_text(self.private_key)

    def sign(self, topic: str, key: str, body: bytes, headers: Mapping[str, str]) -> dict[str, str]:
        """``headers`` plus the key id and the signature over them, the topic, key and body."""
        signed = {**headers, KEY_ID_HEADER: self.key_id}
        signature = self.private_key.sign(signing_input(topic, key, body, signed))
        signed[SIGNATURE_HEADER] = _b64encode(signature)
        return signed


class EventVerifier:
    """Checks an event's signature against the public keys a consumer is configured with."""

    def __init__(self, public_keys: Mapping[str, str]) -> None:
        self._keys = {key_id: load_public_key(key) for key_id, key in public_keys.items()}

    def verify(self, topic: str, key: str, body: bytes, headers: Mapping[str, str]) -> str:
        """Return the key id that signed the event; raise SignatureError saying what is wrong."""
        key_id = headers.get(KEY_ID_HEADER, "")
        signature = headers.get(SIGNATURE_HEADER, "")
        if not key_id or not signature:
            raise SignatureError("the event is not signed (no ce_signature or ce_signingkeyid)")
        public_key = self._keys.get(key_id)
        if public_key is None:
            raise SignatureError(f"unknown signing key {key_id[:64]!r}")
        if owner_of_key(key_id) != owner_of_topic(topic):
            raise SignatureError(
                f"key {key_id!r} belongs to {owner_of_key(key_id)!r}, "
                f"which may not publish on {topic}"
            )
        try:
            public_key.verify(_b64decode(signature), signing_input(topic, key, body, headers))
        except (InvalidSignature, ValueError) as error:
            raise SignatureError(f"the signature by {key_id!r} does not match the event") from error
        return key_id
