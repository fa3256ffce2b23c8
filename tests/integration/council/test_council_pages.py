"""The council's staff pages: the queue, a case with its forms (CSRF-checked), and reports."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.council import RunningCouncil, all_scores, chair, member

pytestmark = pytest.mark.integration

ANNA = member("Anna Berg")
BO = member("Bo Ek")
KARIN = chair("Karin Ek")


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def _score_form(csrf: str, score: str = "4", comment: str = "Clear enough.") -> dict[str, str]:
    criteria = ("need", "viability", "public_sector_fit", "innovation", "feasibility")
    form = {"csrf_token": csrf}
    for criterion in criteria:
        form[f"score_{criterion}"] = score
        form[f"comment_{criterion}"] = comment
    return form


async def test_the_queue_page_lists_cases_with_their_number_status_and_scores(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()
    async with council.sign_in(ANNA) as browser:
        page = await browser.get("/staff/cases", params={"status": "new", "sort": "newest"})

    assert page.status_code == 200
    assert f'href="/staff/cases/{case_id}?lang=en"' in page.text
    assert submitted.case_number in page.text
    assert "Signed in as <strong>Anna Berg</strong>" in page.text
    assert 'action="/staff/sign-out"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")


async def test_a_member_scores_on_the_case_page_and_sees_the_table(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", BO, all_scores(2))
    async with council.sign_in(ANNA) as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        saved = await browser.post(f"/staff/cases/{case_id}/scores", data=_score_form(_csrf(page)))
        shown = await browser.get(saved.headers["Location"])

    assert page.status_code == 200
    assert submitted.business_model in page.text
    assert submitted.contact.email in page.text
    assert "Save my scores" in page.text
    assert "Record the decision" not in page.text  # a member is not the chair
    assert "Bo Ek</th>" not in page.text  # independent: not before she has scored herself
    assert "Well argued." not in page.text
    assert "once you have scored every criterion yourself" in page.text
    assert saved.status_code == 303
    assert "Your scores are saved." in shown.text
    assert '<th scope="col">Anna Berg</th>' in shown.text
    assert '<th scope="col">Bo Ek</th>' in shown.text
    assert '<td class="number">3.0</td>' in shown.text  # mean of 4 and 2
    assert '<td class="number">2\u20134</td>' in shown.text  # spread: min, en dash, max
    assert "Not scored yet" in shown.text
    assert 'value="4" checked' in shown.text  # her own scores fill the form again


async def test_a_bad_score_on_the_page_is_shown_with_its_reason_and_changes_nothing(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    before = await council.snapshot(case_id)
    async with council.sign_in(ANNA) as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        form = _score_form(_csrf(page))
        form["score_need"] = "6"
        form["comment_viability"] = " "
        refused = await browser.post(f"/staff/cases/{case_id}/scores", data=form)

    assert refused.status_code == 422
    assert "There is a problem with what you sent" in refused.text
    assert "Choose a score from 1 to 5." in refused.text
    assert "Fill in this field." in refused.text
    assert await council.snapshot(case_id) == before


async def test_the_chair_decides_on_the_page_after_fixing_a_missing_motivation(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    for scorer in (ANNA, BO):
        await council.api("POST", f"/api/v1/cases/{case_id}/scores", scorer, all_scores())
    async with council.sign_in(KARIN) as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        form = {
            "csrf_token": _csrf(page),
            "decision": "granted",
            "support": ["coaching", "expert_advice"],
            "note_coaching": "Ten hours.",
            "note_expert_advice": "A usability review.",
            "motivation": "",
        }
        before = await council.snapshot(case_id)
        refused = await browser.post(f"/staff/cases/{case_id}/decision", data=form)
        unchanged = await council.snapshot(case_id)
        decided = await browser.post(
            f"/staff/cases/{case_id}/decision", data=form | {"motivation": "A clear need."}
        )
        shown = await browser.get(decided.headers["Location"])

    assert "Record the decision" in page.text
    assert refused.status_code == 422
    assert "Fill in this field." in refused.text
    assert 'value="coaching" checked' in refused.text  # what she chose is kept
    assert unchanged == before
    assert decided.status_code == 303
    assert "The decision is recorded" in shown.text
    assert "A usability review." in shown.text
    assert "Decided by</dt><dd>Karin Ek" in shown.text
    assert "Record the decision" not in shown.text


async def test_a_member_declares_a_conflict_on_the_page_and_no_longer_sees_scores(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores())
    async with council.sign_in(BO) as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        form = {"csrf_token": _csrf(page), "reason": "I advise the company."}
        before = await council.snapshot(case_id)
        asked = await browser.post(f"/staff/cases/{case_id}/conflicts", data=form)
        unchanged = await council.snapshot(case_id)
        declared = await browser.post(
            f"/staff/cases/{case_id}/conflicts", data=form | {"confirm": "yes"}
        )
        shown = await browser.get(declared.headers["Location"])
        scoring = await browser.post(
            f"/staff/cases/{case_id}/scores", data=_score_form(_csrf(page))
        )
    audit = await council.database["audit"].find_one(
        {"case_id": case_id, "action": "conflict_declared"}
    )

    assert asked.status_code == 200
    assert "Yes, declare my conflict of interest" in asked.text
    assert 'name="confirm" value="yes"' in asked.text
    assert ">I advise the company.</textarea>" in asked.text  # the note is carried over
    assert f'href="/staff/cases/{case_id}?lang=en">No, go back to the case' in asked.text
    assert unchanged == before  # nothing is recorded until confirmed
    assert declared.status_code == 303
    assert audit is not None
    assert audit["details"] == {"reason": "I advise the company."}
    assert "Your conflict of interest is recorded" in shown.text
    assert "Anna Berg</th>" not in shown.text
    assert "Save my scores" not in shown.text
    assert scoring.status_code == 403
    assert "conflict of interest" in scoring.text


async def test_the_reports_page_and_its_csv(council: RunningCouncil) -> None:
    await council.open_case()
    async with council.sign_in(KARIN) as browser:
        page = await browser.get("/staff/reports", params={"period": "year"})
        csv = await browser.get("/staff/reports.csv", params={"period": "year"})

    assert page.status_code == 200
    assert "Median days to decision" in page.text
    assert 'href="/staff/reports.csv?period=year"' in page.text
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").startswith("period;received;")


async def test_an_unknown_case_page_is_a_404_page(council: RunningCouncil) -> None:
    async with council.sign_in(ANNA) as browser:
        page = await browser.get("/staff/cases/case-nonexistent")

    assert page.status_code == 404
    assert "Case not found" in page.text


async def test_below_the_quorum_the_chairs_page_says_what_is_missing_and_offers_no_decision(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores())
    async with council.sign_in(KARIN) as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        csrf = _csrf(page)
        before = await council.snapshot(case_id)
        refused = await browser.post(
            f"/staff/cases/{case_id}/decision",
            data={
                "csrf_token": csrf,
                "decision": "rejected",
                "motivation": "Not viable yet.",
            },
        )
    async with council.sign_in(ANNA) as browser:
        members_page = await browser.get(f"/staff/cases/{case_id}")

    assert page.status_code == 200
    assert "1 is given, 1 more needed" in page.text
    assert "The case can be decided once 2 council members" in page.text
    assert "Record the decision" not in page.text
    assert 'href="/staff/meeting?lang=en"' in page.text  # the chair's meeting is in the menu
    assert refused.status_code == 409
    assert "1 more needed" in refused.text
    assert await council.snapshot(case_id) == before
    assert 'href="/staff/meeting"' not in members_page.text
