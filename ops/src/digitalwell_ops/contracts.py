"""The published contracts: a JSON Schema per event, one AsyncAPI 3 document, breaking changes.

Generated from the pydantic models in ``digitalwell_shared.contracts`` and from which service
publishes and consumes what (``system.wiring``). The schemas describe what goes on the wire
(pydantic's serialization mode) and leave objects open (no ``additionalProperties: false``):
a subscriber must ignore fields it does not know, so adding an optional field is not breaking.

Breaking changes are judged against the committed schema of the same topic, which is the
published version: a field removed, retyped or newly required, or an enum value removed,
breaks a subscriber and needs a new topic version (``....v2``) instead of an edit in place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic.json_schema import models_json_schema

from digitalwell_ops.system import Wiring, wiring
from digitalwell_shared import signing
from digitalwell_shared.contracts import ALL_EVENTS, IntegrationEvent, dead_letter_topic

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS_DIR = "contracts/schemas"
ASYNCAPI_FILE = "contracts/asyncapi.yaml"
KEYS_FILE = "contracts/keys.json"
KAFKA_BINDING_VERSION = "0.5.0"
_LOCAL_REF = "#/$defs/"
_COMPONENT_REF = "#/components/schemas/"
_DOCUMENTATION_ONLY = frozenset({"title", "description", "default", "examples"})

Schema = dict[str, Any]


def schema_path(topic: str) -> str:
    """Where the JSON Schema of ``topic``'s events is committed."""
    return f"{SCHEMAS_DIR}/{topic}.json"


def _open_objects(schema: Any) -> Any:
    """The schema without ``additionalProperties: false``, so subscribers tolerate new fields."""
    if isinstance(schema, dict):
        return {
            key: _open_objects(value)
            for key, value in schema.items()
            if not (key == "additionalProperties" and value is False)
        }
    if isinstance(schema, list):
        return [_open_objects(item) for item in schema]
    return schema


def event_schema(event: type[IntegrationEvent]) -> Schema:
    """The JSON Schema of one event's body, with where and how it is published."""
    body = _open_objects(event.model_json_schema(mode="serialization"))
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **body,
        "x-digitalwell": {
            "topic": event.topic,
            "cloudevents_type": event.ce_type,
            "key": event.key_field,
            "partitions": event.partitions,
        },
    }


def to_json(document: Mapping[str, Any]) -> str:
    """The text a schema is committed as: stable key order, two-space indent."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _channel_id(topic: str) -> str:
    return topic.replace(".", "-")


def _message_id(event: type[IntegrationEvent]) -> str:
    return f"{event.__name__}.{event.topic.rsplit('.', 1)[-1]}"


def _headers_schema(event: type[IntegrationEvent], publisher: str) -> Schema:
    """The CloudEvents binary-mode headers of ``event`` (Kafka protocol binding)."""
    return {
        "type": "object",
        "required": [
            "ce_specversion",
            "ce_id",
            "ce_type",
            "ce_source",
            "ce_time",
            "content-type",
            "ce_correlationid",
        ],
        "properties": {
            "ce_specversion": {"type": "string", "const": "1.0"},
            "ce_id": {
                "type": "string",
                "description": "the event's unique id; a redelivery has the same id",
            },
            "ce_type": {"type": "string", "const": event.ce_type},
            "ce_source": {"type": "string", "const": f"/digitalwell/{publisher}"},
            "ce_time": {
                "type": "string",
                "format": "date-time",
                "description": "when the event happened",
            },
            "ce_subject": {"type": "string", "description": f"the {event.key_field}"},
            "content-type": {"type": "string", "const": "application/json"},
            "ce_correlationid": {
                "type": "string",
                "description": "shared by every event that follows from one request",
            },
            "ce_causationid": {
                "type": "string",
                "description": "id of the event or request that caused this one",
            },
            "traceparent": {
                "type": "string",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "description": (
                    "W3C Trace Context of the span the event was published in; only while "
                    "the publisher's tracing is on"
                ),
            },
            "tracestate": {
                "type": "string",
                "description": "W3C Trace Context vendor data that goes with traceparent",
            },
        },
    }


def _publisher_of(topic: str, services: tuple[Wiring, ...]) -> str:
    publishers = [each.service for each in services if topic in each.publishes]
    if not publishers:
        # Declared in the contracts but no service publishes it yet: named after its prefix.
        return topic.split(".", 1)[0]
    return publishers[0]


def asyncapi_document() -> dict[str, Any]:
    """One AsyncAPI 3.0 document for the whole system: every topic, publisher and consumer."""
    services = wiring()
    _, definitions = models_json_schema(
        [(event, "serialization") for event in ALL_EVENTS], ref_template=_COMPONENT_REF + "{model}"
    )
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for event in ALL_EVENTS:
        channel, message = _channel_id(event.topic), _message_id(event)
        publisher = _publisher_of(event.topic, services)
        messages[message] = {
            "name": event.__name__,
            "title": f"{event.__name__} ({event.topic.rsplit('.', 1)[-1]})",
            "summary": (event.__doc__ or "").strip().splitlines()[0],
            "contentType": "application/json",
            "headers": _headers_schema(event, publisher),
            "payload": {"$ref": _COMPONENT_REF + event.__name__},
            "correlationId": {
                "description": "follows one request through every service",
                "location": "$message.header#/ce_correlationid",
            },
            "bindings": {
                "kafka": {
                    "key": {"type": "string", "description": f"the event's {event.key_field}"},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        channels[channel] = {
            "address": event.topic,
            "title": event.topic,
            "description": (
                f"{(event.__doc__ or '').strip()} Poison events of a consumer go to "
                f"{dead_letter_topic(event.topic)} (operators' topic, not part of the contract)."
            ),
            "messages": {event.__name__: {"$ref": f"#/components/messages/{message}"}},
            "bindings": {
                "kafka": {
                    "topic": event.topic,
                    "partitions": event.partitions,
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
        operations.update(_operations(event, channel, publisher, services))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "DigitalWell events",
            "version": "1.0.0",
            "description": (
                "Every event the DigitalWell services publish on Kafka, one topic per event type "
                "and major version. Each message is a CloudEvent 1.0 in Kafka binary mode: the "
                "body is the event's JSON and the context attributes are `ce_*` headers. The key "
                "is the application id (forum: the session id; notify: the e-mail id), so the "
                "events about one thing stay in order. Subscribers use their own consumer group, "
                "commit after their effect, de-duplicate on `ce_id`, and ignore fields they do "
                "not know: a change that would break them comes as a new topic version."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": _open_objects(definitions["$defs"]),
        },
    }


def _operations(
    event: type[IntegrationEvent], channel: str, publisher: str, services: tuple[Wiring, ...]
) -> dict[str, Any]:
    """The publisher's send and every consuming service's receive of one event."""
    reference = {"$ref": f"#/channels/{channel}"}
    message = [{"$ref": f"#/channels/{channel}/messages/{event.__name__}"}]
    found: dict[str, Any] = {
        f"{publisher}-sends-{channel}": {
            "action": "send",
            "channel": reference,
            "title": f"{publisher} publishes {event.__name__}",
            "summary": f"{publisher} publishes {event.__name__} through its transactional outbox",
            "tags": [{"name": publisher}],
            "messages": message,
        }
    }
    for each in services:
        description = each.consumes.get(event.topic)
        if description is None:
            continue
        found[f"{each.service}-receives-{channel}"] = {
            "action": "receive",
            "channel": reference,
            "title": f"{each.service} consumes {event.__name__}",
            "summary": description,
            "tags": [{"name": each.service}],
            "messages": message,
            "bindings": {
                "kafka": {
                    "groupId": {"type": "string", "enum": [each.service]},
                    "bindingVersion": KAFKA_BINDING_VERSION,
                }
            },
        }
    return found


def signing_keys() -> dict[str, Any]:
    """contracts/keys.json: how events are signed, and the development public keys.

    A deployment publishes its own keys in the same shape (the services' EVENT_PUBLIC_KEYS).
    """
    return {
        "algorithm": "Ed25519",
        "signature_header": signing.SIGNATURE_HEADER,
        "key_id_header": signing.KEY_ID_HEADER,
        "encoding": "base64url without padding (signature and raw 32-byte public key)",
        "signing_input": {
            "first_line": signing.SIGNATURE_VERSION,
            "lines": ["topic", "key", *signing.SIGNED_HEADERS, "body-sha256"],
            "format": (
                "one name:value line each, in this order, joined by \\n, UTF-8; an absent "
                "header is an empty value; body-sha256 is the lower-case hex SHA-256 of the body"
            ),
        },
        "owner_rule": (
            "a key id names its service before the first '-'; only that service's keys sign "
            "topics that start with '<service>.'"
        ),
        "keys": [
            {"key_id": key_id, "service": signing.owner_of_key(key_id), "public_key": key}
            for key_id, key in signing.development_public_keys().items()
        ],
        "note": "development keys: a production deployment publishes its own and refuses these",
    }


def contract_files() -> dict[str, str]:
    """Every generated file under contracts/, by path from the repository root."""
    import yaml  # noqa: PLC0415 - only the generators need YAML

    files = {schema_path(event.topic): to_json(event_schema(event)) for event in ALL_EVENTS}
    files[KEYS_FILE] = to_json(signing_keys())
    files[ASYNCAPI_FILE] = "# Generated by `digitalwell generate`; do not edit.\n" + yaml.safe_dump(
        asyncapi_document(), sort_keys=False, allow_unicode=True, width=100
    )
    return files


def breaking_changes(published: Schema, current: Schema) -> list[str]:
    """What in ``current`` breaks a subscriber written against ``published``; empty if nothing.

    Walks both schemas from the top, following ``$ref`` into ``$defs``: a property that is gone,
    a property whose kind (type, format, reference, element kind) changed, a property that
    became required, and an enum value that is gone. Descriptions, titles and defaults are
    documentation, and a new optional property or enum value is an addition.
    """
    return list(_compare(published, current, published, current, "$"))


def _resolve(schema: Schema, root: Schema) -> Schema:
    while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith(_LOCAL_REF):
        schema = root["$defs"][schema["$ref"].removeprefix(_LOCAL_REF)]
    return schema


def _kind(schema: Schema, root: Schema) -> str:
    """A schema's shape without documentation or its objects' fields (compared on their own)."""
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        return "|".join(sorted(_kind(arm, root) for arm in schema["anyOf"]))
    if "enum" in schema:
        return f"enum<{schema.get('type', 'any')}>"
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array<{_kind(schema.get('items', {}), root)}>"
    if "format" in schema:
        return f"{kind}:{schema['format']}"
    return kind


def _compare(
    old: Schema, new: Schema, old_root: Schema, new_root: Schema, path: str
) -> Iterator[str]:
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    if _kind(old, old_root) != _kind(new, new_root):
        yield f"{path}: retyped from {_kind(old, old_root)} to {_kind(new, new_root)}"
        return
    removed_values = [value for value in old.get("enum", []) if value not in new.get("enum", [])]
    if removed_values:
        yield f"{path}: enum values removed: {', '.join(map(str, removed_values))}"
    old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
    for name, old_property in old_properties.items():
        if name not in new_properties:
            yield f"{path}.{name}: removed"
        else:
            yield from _compare(
                old_property, new_properties[name], old_root, new_root, f"{path}.{name}"
            )
    for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
        yield f"{path}.{name}: newly required"
    new_arms = {_kind(arm, new_root): arm for arm in new.get("anyOf", [])}
    for old_arm in old.get("anyOf", []):  # the kinds are equal, so each arm has its partner
        yield from _compare(old_arm, new_arms[_kind(old_arm, old_root)], old_root, new_root, path)
    if "items" in old and "items" in new:
        yield from _compare(old["items"], new["items"], old_root, new_root, f"{path}[]")


def schema_breaks(committed: Mapping[str, str], current: Mapping[str, str]) -> dict[str, list[str]]:
    """Breaking changes per topic between committed and current schema files (by path)."""
    breaks: dict[str, list[str]] = {}
    for event in ALL_EVENTS:
        path = schema_path(event.topic)
        if path not in committed or path not in current:
            continue
        found = breaking_changes(json.loads(committed[path]), json.loads(current[path]))
        if found:
            breaks[event.topic] = found
    return breaks
