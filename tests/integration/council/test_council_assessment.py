"""Cases opened from intake's events, scored by members on the rubric, with conflicts declared."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from digitalwell_shared.contracts import ApplicationWithdrawn
from digitalwell_shared.staff import Role
from tests.support.council import (
    CONSUME_SECONDS,
    RunningCouncil,
    all_scores,
    chair,
    member,
    person,
)
from tests.support.kafka import publish_event
from tests.support.waiting import until_true

pytestmark = pytest.mark.integration

ANNA = member("Anna Berg")
BO = member("Bo Ek")
CIA = member("Cia Lund")
KARIN = chair("Karin Ek")
CONFIRM = {"confirm": True}


async def test_a_submitted_application_opens_a_case_with_its_case_number(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()

    listed = await council.api(
        "GET", "/api/v1/cases", ANNA, params={"application_id": submitted.application_id}
    )
    detail = await council.api("GET", f"/api/v1/cases/{case_id}", ANNA)

    (line,) = listed.json()["cases"]
    assert line["id"] == case_id
    assert line["application_id"] == submitted.application_id
    assert line["case_number"] == submitted.case_number
    assert (line["status"], line["score_count"], line["age_days"]) == ("new", 0, 0)
    assert line["title"] == submitted.title
    case = detail.json()
    assert case["case_number"] == submitted.case_number
    assert case["application"]["contact"]["email"] == submitted.contact.email
    assert case["application"]["business_model"] == submitted.business_model
    assert [entry["action"] for entry in case["audit"]] == ["opened"]
    assert case["audit"][0]["details"] == {"case_number": submitted.case_number}
    assert case["decision"] is None


async def test_the_queue_filters_by_status_and_sorts_by_age(council: RunningCouncil) -> None:
    older, _ = await council.open_case()
    newer, _ = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{newer}/scores", ANNA, all_scores())

    new = await council.api("GET", "/api/v1/cases", ANNA, params={"status": "new"})
    assessing = await council.api(
        "GET", "/api/v1/cases", ANNA, params={"status": "under_assessment", "sort": "newest"}
    )
    oldest_first = await council.api("GET", "/api/v1/cases", ANNA)

    assert older in [case["id"] for case in new.json()["cases"]]
    assert newer not in [case["id"] for case in new.json()["cases"]]
    assert {case["status"] for case in assessing.json()["cases"]} == {"under_assessment"}
    assert assessing.json()["cases"][0]["id"] == newer
    ids = [case["id"] for case in oldest_first.json()["cases"]]
    assert ids.index(older) < ids.index(newer)


async def test_scores_put_a_case_under_assessment_and_the_latest_per_criterion_counts(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()

    first = await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores(4))
    again = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/scores",
        ANNA,
        {"scores": [{"criterion": "need", "score": 2, "comment": "Weaker than I thought."}]},
    )
    other = await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(5))
    queue = await council.api("GET", "/api/v1/cases", CIA, params={"status": "under_assessment"})

    assert first.status_code == 200, first.text
    assert again.status_code == 200, again.text
    case = other.json()
    assert case["status"] == "under_assessment"
    assessment = case["assessment"]
    assert assessment["spread"] == "min-max"
    anna = next(m for m in assessment["members"] if m["member"]["name"] == "Anna Berg")
    need = next(s for s in anna["scores"] if s["criterion"] == "need")
    assert (need["score"], need["comment"]) == (2, "Weaker than I thought.")
    assert anna["complete"] is True
    by_criterion = {c["criterion"]: c for c in assessment["criteria"]}
    assert (by_criterion["need"]["mean"], by_criterion["need"]["min"]) == (3.5, 2)
    assert by_criterion["need"]["max"] == 5
    assert (by_criterion["viability"]["mean"], by_criterion["viability"]["count"]) == (4.5, 2)
    not_scored = {pending["member"]["email"] for pending in assessment["not_scored"]}
    assert {"member1@example.org", "member2@example.org", "chair@example.org"} <= not_scored
    assert ANNA.email not in not_scored
    assert [entry["action"] for entry in case["audit"]] == ["opened", "scored", "scored", "scored"]
    assert case["audit"][1]["details"]["scores"][0] == {
        "criterion": "need",
        "score": 4,
        "comment": "Well argued.",
    }
    assert case["audit"][2]["actor"] == {"name": "Anna Berg", "email": ANNA.email}
    (line,) = [line for line in queue.json()["cases"] if line["id"] == case_id]
    assert line["score_count"] == 2


async def test_a_member_who_scored_part_of_the_rubric_is_still_to_score_the_rest(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()

    response = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/scores",
        CIA,
        {"scores": [{"criterion": "innovation", "score": 3, "comment": "Known idea."}]},
    )

    pending = {p["member"]["email"]: p for p in response.json()["assessment"]["not_scored"]}
    assert CIA.email in pending
    assert "innovation" not in pending[CIA.email]["missing"]
    assert len(pending[CIA.email]["missing"]) == 4


@pytest.mark.parametrize(
    "body",
    [
        {"scores": [{"criterion": "need", "score": 0, "comment": "c"}]},
        {"scores": [{"criterion": "need", "score": 6, "comment": "c"}]},
        {"scores": [{"criterion": "beauty", "score": 3, "comment": "c"}]},
        {"scores": [{"criterion": "need", "score": 3, "comment": "   "}]},
        {"scores": [{"criterion": "need", "score": 3, "comment": "ok"}, {"criterion": "need"}]},
        {"scores": []},
    ],
)
async def test_a_bad_score_is_refused_and_changes_nothing(
    council: RunningCouncil, body: dict[str, Any]
) -> None:
    case_id, _ = await council.open_case()
    before = await council.snapshot(case_id)

    response = await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "scores"]
    assert await council.snapshot(case_id) == before


async def test_a_member_with_a_conflict_neither_sees_the_scores_nor_scores(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores(3))

    declared = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/conflicts",
        BO,
        {"confirm": True, "reason": "My cousin runs it."},
    )
    before = await council.snapshot(case_id)
    scoring = await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(5))
    twice = await council.api("POST", f"/api/v1/cases/{case_id}/conflicts", BO, CONFIRM)
    after = await council.snapshot(case_id)
    seen_by_bo = (await council.api("GET", f"/api/v1/cases/{case_id}", BO)).json()
    seen_by_anna = (await council.api("GET", f"/api/v1/cases/{case_id}", ANNA)).json()

    assert declared.status_code == 201, declared.text
    assert declared.json()["your_conflict"] is True
    assert declared.json()["assessment"] is None
    assert scoring.status_code == 403
    assert "conflict of interest" in scoring.json()["detail"]
    assert twice.status_code == 409
    assert "already declared" in twice.json()["detail"]
    assert after == before
    assert seen_by_bo["assessment"] is None
    scored = next(entry for entry in seen_by_bo["audit"] if entry["action"] == "scored")
    assert "scores" not in scored["details"]  # who scored, not what they gave
    assert len(scored["details"]["criteria"]) == 5
    assert seen_by_anna["your_conflict"] is False
    assert seen_by_anna["conflicts"][0]["member"]["name"] == "Bo Ek"
    assert seen_by_anna["conflicts"][0]["reason"] == "My cousin runs it."
    not_scored = {p["member"]["email"] for p in seen_by_anna["assessment"]["not_scored"]}
    assert BO.email not in not_scored
    assert seen_by_anna["audit"][-1]["action"] == "conflict_declared"


async def test_scores_given_before_a_conflict_was_declared_stop_counting(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores(1))
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", CIA, all_scores(5))

    await council.api("POST", f"/api/v1/cases/{case_id}/conflicts", ANNA, CONFIRM)
    case = (await council.api("GET", f"/api/v1/cases/{case_id}", CIA)).json()

    assert [m["member"]["name"] for m in case["assessment"]["members"]] == ["Cia Lund"]
    assert case["assessment"]["criteria"][0]["mean"] == 5.0
    assert case["score_count"] == 1


async def test_a_withdrawn_case_can_no_longer_be_scored_decided_or_declared_on(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores())
    await publish_event(
        council.kafka,
        ApplicationWithdrawn(
            application_id=submitted.application_id,
            withdrawn_at=datetime.now(UTC),
            reason="We found other funding.",
        ),
    )

    async def withdrawn() -> bool:
        case = await council.database["cases"].find_one({"_id": case_id})
        return case is not None and case["status"] == "withdrawn"

    await until_true(withdrawn, seconds=CONSUME_SECONDS)
    before = await council.snapshot(case_id)
    scoring = await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores())
    deciding = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/decision",
        KARIN,
        {"decision": "rejected", "support_granted": [], "motivation": "Withdrawn."},
    )
    declaring = await council.api("POST", f"/api/v1/cases/{case_id}/conflicts", BO, CONFIRM)
    case = (await council.api("GET", f"/api/v1/cases/{case_id}", ANNA)).json()

    assert scoring.status_code == 409
    assert scoring.json()["detail"] == "The case is withdrawn: it can no longer be scored"
    assert deciding.status_code == 409
    assert "withdrawn" in deciding.json()["detail"]
    assert declaring.status_code == 409
    assert await council.snapshot(case_id) == before
    assert case["audit"][-1]["action"] == "withdrawn"
    assert case["audit"][-1]["actor"]["name"] == "the applicant"
    assert case["audit"][-1]["details"]["reason"] == "We found other funding."


async def test_an_unknown_case_is_a_clear_404(council: RunningCouncil) -> None:
    reading = await council.api("GET", "/api/v1/cases/case-nonexistent", ANNA)
    scoring = await council.api("POST", "/api/v1/cases/case-nonexistent/scores", ANNA, all_scores())

    assert reading.status_code == 404
    assert "No case has the id 'case-nonexistent'" in reading.json()["detail"]
    assert scoring.status_code == 404


async def test_staff_outside_the_council_cannot_read_a_case(council: RunningCouncil) -> None:
    case_id, _ = await council.open_case()
    officer = person("Olle Officer", Role.INTAKE_OFFICER)
    coordinator = person("Frida Forum", Role.FORUM_COORDINATOR)

    for who in (officer, coordinator):
        response = await council.api("GET", f"/api/v1/cases/{case_id}", who)
        assert response.status_code == 403
    assert (await council.client.get(f"/api/v1/cases/{case_id}")).status_code == 401
