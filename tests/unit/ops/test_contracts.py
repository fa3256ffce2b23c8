import copy
import json

import jsonschema
import pytest
import yaml

from digitalwell_ops import contracts, generate
from digitalwell_ops.system import wiring
from digitalwell_shared.contracts import ALL_EVENTS, ApplicationSubmitted, ForumBooked
from tests.support.repository import ROOT, vendored_schema

REGENERATE = "run `make generate` (digitalwell generate) and commit the result"


def test_the_committed_contracts_are_what_the_code_generates() -> None:
    stale = [path for path in generate.out_of_date(ROOT) if path.startswith("contracts/")]
    assert stale == [], f"contracts/ differs from the code in {stale}: {REGENERATE}"


def test_no_published_event_schema_changed_in_a_breaking_way() -> None:
    breaks = generate.breaking_changes(ROOT)
    assert breaks == {}, generate.describe_breaks(breaks)


def test_the_asyncapi_document_is_valid_asyncapi_3() -> None:
    document = yaml.safe_load((ROOT / contracts.ASYNCAPI_FILE).read_text(encoding="utf-8"))
    jsonschema.validate(document, vendored_schema("asyncapi-3.0.0.json"))
    assert document["asyncapi"] == "3.0.0"


def test_the_asyncapi_document_has_a_channel_per_topic_with_key_headers_and_payload() -> None:
    document = contracts.asyncapi_document()
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {event.topic for event in ALL_EVENTS}
    message = document["components"]["messages"]["ApplicationSubmitted.v1"]
    assert message["bindings"]["kafka"]["key"]["description"] == "the event's application_id"
    assert message["headers"]["properties"]["ce_type"]["const"] == ApplicationSubmitted.ce_type
    assert message["headers"]["properties"]["ce_source"]["const"] == "/digitalwell/intake"
    assert "ce_correlationid" in message["headers"]["required"]
    assert message["payload"] == {"$ref": "#/components/schemas/ApplicationSubmitted"}


def test_publishers_and_consumers_come_from_the_services_apps() -> None:
    operations = contracts.asyncapi_document()["operations"]
    sends = {
        op["channel"]["$ref"]: op["tags"][0]["name"]
        for op in operations.values()
        if op["action"] == "send"
    }
    receives = {
        (op["channel"]["$ref"], op["tags"][0]["name"])
        for op in operations.values()
        if op["action"] == "receive"
    }
    assert sends["#/channels/council-grant-decided-v1"] == "council"
    assert ("#/channels/council-grant-decided-v1", "intake") in receives
    assert ("#/channels/intake-application-submitted-v1", "council") in receives
    for each in wiring():
        for topic in each.consumes:
            channel = "#/channels/" + topic.replace(".", "-")
            assert (channel, each.service) in receives
        for topic in each.publishes:
            assert sends["#/channels/" + topic.replace(".", "-")] == each.service


def test_consumers_name_their_consumer_group() -> None:
    operations = contracts.asyncapi_document()["operations"]
    council = operations["council-receives-intake-application-submitted-v1"]
    assert council["bindings"]["kafka"]["groupId"]["enum"] == ["council"]


@pytest.mark.parametrize("event", ALL_EVENTS, ids=lambda event: event.topic)
def test_each_schema_file_accepts_its_golden_example_and_a_field_added_later(event) -> None:
    schema = json.loads((ROOT / contracts.schema_path(event.topic)).read_text())
    golden = json.loads((ROOT / f"tests/support/golden/{event.__name__}.json").read_text())
    jsonschema.validate(golden, schema)
    jsonschema.validate({**golden, "a_field_added_later": 1}, schema)
    assert schema["x-digitalwell"]["topic"] == event.topic


def _booked_schema() -> dict:
    return contracts.event_schema(ForumBooked)


def test_adding_an_optional_field_or_an_enum_value_is_not_breaking() -> None:
    old = _booked_schema()
    new = copy.deepcopy(old)
    new["properties"]["room"] = {"type": "string", "default": ""}
    new["$defs"]["SessionKind"]["enum"].append("webinar")
    new["properties"]["booked_at"]["description"] = "reworded"
    assert contracts.breaking_changes(old, new) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["properties"].pop("booked_at"), "$.booked_at: removed"),
        (
            lambda s: s["properties"].update(booked_at={"type": "integer"}),
            "$.booked_at: retyped from string:date-time to integer",
        ),
        (lambda s: s["required"].append("application_id"), "$.application_id: newly required"),
        (
            lambda s: s["$defs"]["SessionKind"]["enum"].remove("training"),
            "$.session.kind: enum values removed: training",
        ),
        (
            lambda s: s["$defs"]["Attendee"]["properties"].pop("language"),
            "$.attendee.language: removed",
        ),
        (
            lambda s: s["properties"]["application_id"].update(anyOf=[{"type": "string"}]),
            "$.application_id: retyped from null|string to string",
        ),
    ],
    ids=[
        "removed",
        "retyped",
        "newly-required",
        "enum-value-removed",
        "nested-removed",
        "not-nullable",
    ],
)
def test_a_breaking_change_is_named(change, expected) -> None:
    old = _booked_schema()
    new = copy.deepcopy(old)
    change(new)
    assert contracts.breaking_changes(old, new) == [expected]


def test_generate_refuses_a_breaking_change_and_names_the_way_out(tmp_path) -> None:
    target = tmp_path / contracts.schema_path(ForumBooked.topic)
    target.parent.mkdir(parents=True)
    published = _booked_schema()
    published["properties"]["seat_number"] = {"type": "integer"}
    target.write_text(contracts.to_json(published))
    (tmp_path / "README.md").write_text(
        "<!-- settings-table:start -->\n<!-- settings-table:end -->\n"
    )
    with pytest.raises(generate.BreakingChangeError, match=r"seat_number: removed") as refused:
        generate.write(tmp_path)
    assert "new topic version" in str(refused.value)
    assert json.loads(target.read_text()) == published  # nothing was written
    generate.write(tmp_path, accept_breaking=[ForumBooked.topic])
    assert generate.out_of_date(tmp_path) == []
