"""Independent assessment, the decision's quorum and the chair's meeting, over the API and pages."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.council import RunningCouncil, all_scores, chair, member

pytestmark = pytest.mark.integration

ANNA = member("Anna Berg")
BO = member("Bo Ek")
CIA = member("Cia Lund")
KARIN = chair("Karin Ek")
ANNAS = "Reasons of Anna, not to be seen early."
REJECT = {"decision": "rejected", "support_granted": [], "motivation": "Not viable yet."}


def _need(score: int, comment: str) -> dict[str, Any]:
    return {"scores": [{"criterion": "need", "score": score, "comment": comment}]}


async def _case_scored_by_anna(council: RunningCouncil) -> str:
    case_id, _ = await council.open_case()
    scored = await council.api(
        "POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores(5, ANNAS)
    )
    assert scored.status_code == 200, scored.text
    return case_id


async def test_a_member_sees_the_others_scores_only_once_they_scored_every_criterion(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)

    before = await council.api("GET", f"/api/v1/cases/{case_id}", BO)
    partly = await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, _need(2, "Thin."))
    listed = await council.api("GET", "/api/v1/cases", BO, params={"status": "under_assessment"})
    done = await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(3))

    for hidden in (before, partly):
        assert hidden.status_code == 200, hidden.text
        assessment = hidden.json()["assessment"]
        assert assessment["sight"] == "own"
        assert "Anna Berg" not in [m["member"]["name"] for m in assessment["members"]]
        assert {(c["mean"], c["min"], c["max"]) for c in assessment["criteria"]} == {
            (None, None, None)
        }
        assert ANNAS not in hidden.text
        annas = next(e for e in hidden.json()["audit"] if e["actor"]["name"] == "Anna Berg")
        assert "scores" not in annas["details"]
    assert [m["member"]["name"] for m in partly.json()["assessment"]["members"]] == ["Bo Ek"]
    (line,) = [case for case in listed.json()["cases"] if case["id"] == case_id]
    assert line["score_count"] == 2
    assert "mean" not in line  # the queue shows how many scored, never what
    shown = done.json()["assessment"]
    assert shown["sight"] == "all"
    assert [m["member"]["name"] for m in shown["members"]] == ["Anna Berg", "Bo Ek"]
    assert shown["criteria"][1]["mean"] == 4.0  # viability: 5 and 3
    assert ANNAS in done.text


async def test_the_chair_sees_every_score_without_scoring(council: RunningCouncil) -> None:
    case_id = await _case_scored_by_anna(council)

    case = (await council.api("GET", f"/api/v1/cases/{case_id}", KARIN)).json()

    assert case["assessment"]["sight"] == "all"
    assert [m["member"]["name"] for m in case["assessment"]["members"]] == ["Anna Berg"]
    assert case["assessment"]["criteria"][0]["mean"] == 5.0


async def test_a_member_who_declares_a_conflict_first_sees_nothing_of_the_assessment(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)

    declared = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/conflicts",
        CIA,
        {"confirm": True, "reason": "I sit on their board."},
    )

    assert declared.status_code == 201, declared.text
    case = declared.json()
    assert (case["your_conflict"], case["assessment"]) == (True, None)
    assert ANNAS not in declared.text
    assert case["audit"][-1]["details"] == {"reason": "I sit on their board."}


async def test_the_case_page_hides_the_others_until_the_member_has_scored_every_criterion(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)
    async with council.sign_in(BO) as browser:
        before = await browser.get(f"/staff/cases/{case_id}")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', before.text)
        assert csrf is not None
        form = {"csrf_token": csrf[1]}
        for criterion in ("need", "viability", "public_sector_fit", "innovation", "feasibility"):
            form |= {f"score_{criterion}": "3", f"comment_{criterion}": "Bo's view."}
        saved = await browser.post(f"/staff/cases/{case_id}/scores", data=form)
        after = await browser.get(saved.headers["Location"])

    assert before.status_code == 200
    assert ANNAS not in before.text
    assert "Anna Berg</th>" not in before.text
    assert ">Mean</th>" not in before.text
    assert "You have not scored this case yet." in before.text
    assert "1 is given, 1 more needed" in before.text  # where the quorum stands
    assert saved.status_code == 303
    assert ANNAS in after.text
    assert '<th scope="col">Anna Berg</th>' in after.text
    assert '<td class="number">4.0</td>' in after.text
    assert "The quorum is reached: 2 of the 2" in after.text


async def test_below_the_quorum_the_decision_is_a_409_naming_what_is_missing(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, _need(2, "Thin."))
    before = await council.snapshot(case_id)

    refused = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, REJECT)
    page = await council.api("GET", f"/api/v1/cases/{case_id}", KARIN)

    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "The case needs full assessments (every criterion scored) from 2 council members "
        "without a conflict of interest and has 1: 1 more needed "
        "(Bo Ek has not scored viability, public_sector_fit, innovation, feasibility)"
    )
    assert await council.snapshot(case_id) == before
    quorum = page.json()["assessment"]["quorum"]
    assert (quorum["required"], quorum["complete"], quorum["missing"]) == (2, 1, 1)
    assert quorum["reached"] is False
    assert [p["member"]["name"] for p in quorum["incomplete"]] == ["Bo Ek"]


async def test_a_conflicted_members_full_assessment_does_not_count_towards_the_quorum(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(3))
    await council.api("POST", f"/api/v1/cases/{case_id}/conflicts", BO, {"confirm": True})

    refused = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, REJECT)
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", CIA, all_scores(2))
    decided = await council.api("POST", f"/api/v1/cases/{case_id}/decision", KARIN, REJECT)

    assert refused.status_code == 409
    assert "has 1: 1 more needed" in refused.json()["detail"]
    assert decided.status_code == 201, decided.text
    assert decided.json()["decision"]["assessed_by"] == ["Anna Berg", "Cia Lund"]


async def test_the_meeting_lists_the_cases_at_quorum_with_their_means_and_spread(
    council: RunningCouncil,
) -> None:
    ready = await _case_scored_by_anna(council)
    await council.api("POST", f"/api/v1/cases/{ready}/scores", BO, all_scores(3))
    short = await _case_scored_by_anna(council)
    decided = await _case_scored_by_anna(council)
    await council.api("POST", f"/api/v1/cases/{decided}/scores", CIA, all_scores(4))
    await council.api("POST", f"/api/v1/cases/{decided}/decision", KARIN, REJECT)

    meeting = await council.api("GET", "/api/v1/meeting", KARIN)
    async with council.sign_in(KARIN) as browser:
        page = await browser.get("/staff/meeting")
    refused = await council.api("GET", "/api/v1/meeting", ANNA)

    assert meeting.status_code == 200, meeting.text
    cases = {case["id"]: case for case in meeting.json()["cases"]}
    assert meeting.json()["quorum"] == 2
    assert ready in cases
    assert short not in cases
    assert decided not in cases
    listed = cases[ready]
    assert (listed["quorum"]["complete"], listed["quorum"]["reached"]) == (2, True)
    need = listed["criteria"][0]
    assert (need["count"], need["mean"], need["min"], need["max"]) == (2, 4.0, 3, 5)
    assert page.status_code == 200
    assert "<h1>The council&#39;s meeting</h1>" in page.text
    assert f'href="/staff/cases/{ready}?lang=en#decide"' in page.text
    assert f'href="/staff/cases/{short}' not in page.text
    assert '<td class="number">3\u20135</td>' in page.text
    assert '<th scope="col" class="number">Mean</th>' in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert refused.status_code == 403


async def test_the_meeting_does_not_show_the_chair_the_scores_of_a_case_they_are_conflicted_on(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(3))
    lena = chair("Lena Lind")
    await council.api("POST", f"/api/v1/cases/{case_id}/conflicts", lena, {"confirm": True})

    meeting = await council.api("GET", "/api/v1/meeting", lena)

    (listed,) = [case for case in meeting.json()["cases"] if case["id"] == case_id]
    assert (listed["your_conflict"], listed["criteria"]) == (True, None)


async def test_a_conflict_without_confirmation_is_refused_and_changes_nothing(
    council: RunningCouncil,
) -> None:
    case_id = await _case_scored_by_anna(council)
    before = await council.snapshot(case_id)

    unconfirmed = await council.api(
        "POST", f"/api/v1/cases/{case_id}/conflicts", BO, {"reason": "My cousin."}
    )

    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"][0]["loc"] == ["body", "confirm"]
    assert await council.snapshot(case_id) == before
