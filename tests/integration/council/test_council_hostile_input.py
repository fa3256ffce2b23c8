"""Input that cannot hurt council: control characters refused by field, old events still read."""

from __future__ import annotations

import pytest

from tests.support.council import RunningCouncil, all_scores, chair, member

pytestmark = pytest.mark.integration

ANNA = member("Anna Hostile")
BO = member("Bo Hostile")
KARIN = chair("Karin Hostile")


async def test_an_event_with_a_line_break_in_a_name_still_opens_its_case(
    council: RunningCouncil,
) -> None:
    # Written before the rule, or by an older intake: the contract stays a tolerant reader.
    case_id, submitted = await council.open_case(title="Dosett\r\nBcc: x@example.net")

    case = await council.api("GET", f"/api/v1/cases/{case_id}", ANNA)

    assert case.status_code == 200
    assert case.json()["title"] == submitted.title


async def test_a_comment_with_a_control_character_is_refused_naming_it_and_changes_nothing(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    scores = all_scores()
    scores["scores"][1]["comment"] = "Stark idé\x1b[2J"
    before = await council.snapshot(case_id)

    response = await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, scores)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "scores", 1, "comment"], "control_characters")
    assert "Stark" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert await council.snapshot(case_id) == before


async def test_a_motivation_keeps_its_paragraphs(council: RunningCouncil) -> None:
    case_id, _ = await council.open_case()
    for scorer in (ANNA, BO):  # the quorum of full assessments a decision needs
        await council.api("POST", f"/api/v1/cases/{case_id}/scores", scorer, all_scores())
    motivation = "Ett tydligt behov.\r\n\r\nFinansieringen är trovärdig."

    decided = await council.api(
        "POST",
        f"/api/v1/cases/{case_id}/decision",
        KARIN,
        {"decision": "rejected", "motivation": motivation},
    )

    assert decided.status_code == 201, decided.text
    assert (
        decided.json()["decision"]["motivation"]
        == "Ett tydligt behov.\n\nFinansieringen är trovärdig."
    )
    assert decided.headers["Cache-Control"] == "no-store"
