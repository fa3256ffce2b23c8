"""The chair's decision: GrantDecided on Kafka, once; bad input changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from digitalwell_shared.contracts import GrantDecided
from digitalwell_shared.staff import Role
from tests.support.council import RunningCouncil, all_scores, chair, member, person
from tests.support.kafka import collect, headers_of

pytestmark = pytest.mark.integration

ANNA = member("Anna Berg")
BO = member("Bo Ek")
CIA = member("Cia Lund")
KARIN = chair("Karin Ek")
GRANT = {
    "decision": "granted",
    "support_granted": [
        {"kind": "innovation_forum", "note": "A workshop with Region Värmland."},
        {"kind": "coaching", "note": "Ten hours on the business model."},
    ],
    "motivation": "A clear need among older people, and a business model municipalities can pay.",
}


async def _assessed_case(council: RunningCouncil) -> tuple[str, Any]:
    case_id, submitted = await council.open_case()
    for scorer in (ANNA, BO):  # the quorum: two full assessments
        await council.api("POST", f"/api/v1/cases/{case_id}/scores", scorer, all_scores(4))
    return case_id, submitted


async def test_the_chairs_decision_goes_out_as_grant_decided_through_the_outbox(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()
    for scorer in (BO, ANNA, CIA):
        await council.api("POST", f"/api/v1/cases/{case_id}/scores", scorer, all_scores())
    await council.api(
        "POST", f"/api/v1/cases/{case_id}/conflicts", CIA, {"confirm": True}
    )  # after scoring

    decided = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, GRANT)
    (record,) = await collect(
        council.kafka,
        GrantDecided.topic,
        matching=lambda record: record.key == submitted.application_id.encode(),
        count=1,
    )

    assert decided.status_code == 201, decided.text
    case = decided.json()
    assert case["status"] == "decided"
    assert case["decision"]["decided_by"] == {"name": "Karin Ek", "email": KARIN.email}
    assert case["decision"]["assessed_by"] == ["Anna Berg", "Bo Ek"]
    assert case["audit"][-1]["action"] == "decided"
    assert case["audit"][-1]["details"]["motivation"] == GRANT["motivation"]
    event = GrantDecided.model_validate(json.loads(record.value))
    assert event.application_id == submitted.application_id
    assert event.case_number == submitted.case_number
    assert event.decision == "granted"
    assert [(s.kind, s.note) for s in event.support_granted] == [
        ("innovation_forum", "A workshop with Region Värmland."),
        ("coaching", "Ten hours on the business model."),
    ]
    assert event.motivation == GRANT["motivation"]
    assert event.decided_by == "Karin Ek"
    assert event.assessed_by == ["Anna Berg", "Bo Ek"]  # Cia declared a conflict
    headers = headers_of(record)
    assert headers["ce_type"] == GrantDecided.ce_type
    assert headers["ce_source"] == "/digitalwell/council"
    assert headers["ce_subject"] == submitted.application_id
    assert headers["content-type"] == "application/json"
    assert headers["ce_specversion"] == "1.0"
    opened_with = await council.database["cases"].find_one({"_id": case_id})
    assert opened_with is not None
    assert headers["ce_correlationid"] == opened_with["correlation_id"]


async def test_a_case_is_decided_once(council: RunningCouncil) -> None:
    case_id, _ = await _assessed_case(council)
    first = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, GRANT)
    before = await council.snapshot(case_id)

    again = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/decision",
        KARIN,
        {"decision": "rejected", "support_granted": [], "motivation": "Changed my mind."},
    )
    scoring = await council.api("POST", f"/api/v1/cases/{case_id}/scores", CIA, all_scores())

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["detail"] == "The case is already decided: a decision is taken once"
    assert scoring.status_code == 409
    assert scoring.json()["detail"] == "The case is decided: it can no longer be scored"
    assert await council.snapshot(case_id) == before


async def test_a_rejection_grants_nothing_and_says_why(council: RunningCouncil) -> None:
    case_id, _ = await _assessed_case(council)

    response = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/decision",
        KARIN,
        {"decision": "rejected", "motivation": "The business model does not hold yet."},
    )

    assert response.status_code == 201, response.text
    assert response.json()["decision"]["support_granted"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"motivation": None}, "motivation"),
        ({"motivation": " \n "}, "motivation"),
        ({"motivation": "x" * 5001}, "motivation"),
        ({"support_granted": [{"kind": "money", "note": "n"}]}, "kind"),
        ({"support_granted": []}, "support_granted"),
        ({"decision": "rejected"}, "support_granted"),
        ({"decision": "perhaps"}, "decision"),
    ],
)
async def test_a_bad_decision_is_a_422_and_changes_nothing(
    council: RunningCouncil, changes: dict[str, Any], field: str
) -> None:
    case_id, _ = await _assessed_case(council)
    body = {name: value for name, value in (GRANT | changes).items() if value is not None}
    before = await council.snapshot(case_id)

    response = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert await council.snapshot(case_id) == before


async def test_only_a_chair_without_a_conflict_decides_an_assessed_case(
    council: RunningCouncil,
) -> None:
    case_id, _ = await _assessed_case(council)
    unassessed, _ = await council.open_case()
    conflicted_chair = chair("Lena Lind")
    await council.api(
        "POST", f"/api/v1/cases/{case_id}/conflicts", conflicted_chair, {"confirm": True}
    )
    before = await council.snapshot(case_id)
    before_unassessed = await council.snapshot(unassessed)

    by_member = await council.api("POST", f"/api/v1/cases/{case_id}/decision", ANNA, GRANT)
    by_conflicted = await council.api(
        "POST", f"/api/v1/cases/{case_id}/decision", conflicted_chair, GRANT
    )
    too_early = await council.api("POST", f"/api/v1/cases/{unassessed}/decision", KARIN, GRANT)

    assert by_member.status_code == 403
    assert by_member.json()["detail"] == "this needs the role council_chair"
    assert by_conflicted.status_code == 403
    assert "conflict of interest" in by_conflicted.json()["detail"]
    assert too_early.status_code == 409
    assert "needs full assessments" in too_early.json()["detail"]
    assert await council.snapshot(case_id) == before
    assert await council.snapshot(unassessed) == before_unassessed


async def test_reports_count_received_decided_and_granted_by_kind(council: RunningCouncil) -> None:
    reader = person("Ada Admin", Role.ADMINISTRATOR)
    year = f"{datetime.now(UTC):%Y}"

    async def this_year() -> dict[str, Any]:
        report = await council.api("GET", "/api/v1/reports", reader, params={"period": "year"})
        rows = {row["period"]: row for row in report.json()["rows"]}
        return rows.get(year, {"received": 0, "decided": 0, "granted": 0, "granted_by_kind": {}})

    before = await this_year()
    case_id, _ = await _assessed_case(council)
    await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, GRANT)
    after = await this_year()
    monthly = await council.api("GET", "/api/v1/reports", reader)
    csv = await council.api("GET", "/api/v1/reports.csv", reader, params={"period": "month"})

    assert after["received"] == before["received"] + 1
    assert after["decided"] == before["decided"] + 1
    assert after["granted"] == before["granted"] + 1
    assert after["granted_by_kind"]["coaching"] == before["granted_by_kind"].get("coaching", 0) + 1
    assert after["median_days_to_decision"] == 0.0
    assert monthly.json()["period"] == "month"
    assert monthly.json()["time_zone"] == "Europe/Stockholm"
    assert csv.status_code == 200
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv.headers["content-disposition"]
    assert csv.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period;received;withdrawn;decided;granted;rejected")
    assert any(line.startswith(f"{year}-") for line in lines[1:])
