"""council's staff pages are Swedish first, English through the switch, times in Swedish time."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.support.council import RunningCouncil, all_scores, chair, member

pytestmark = pytest.mark.integration

ANNA = member("Anna Berg")
KARIN = chair("Karin Ek")
# Words of the English pages that must not be left on the Swedish ones.
ENGLISH = (
    "Signed in as",
    "Sign out",
    "Case number",
    "Submitted",
    "Audit trail",
    "Quorum",
    "Your scores",
    "Conflict of interest",
    "Reports",
    "Per month",
    "Skip to content",
    "Under assessment",
)


def _leftovers(page: httpx.Response) -> list[str]:
    shown = re.sub(r"<[^>]+>", " ", page.text)
    return [words for words in ENGLISH if words in shown]


async def test_every_council_page_is_swedish_first_with_english_on_the_switch(
    council: RunningCouncil,
) -> None:
    case_id, submitted = await council.open_case()
    await council.api("POST", f"/api/v1/cases/{case_id}/scores", ANNA, all_scores())
    async with council.sign_in(KARIN, language="sv") as browser:
        pages = {
            path: await browser.get(path)
            for path in (
                "/staff/cases",
                f"/staff/cases/{case_id}",
                "/staff/meeting",
                "/staff/reports",
            )
        }
        english = await browser.get(f"/staff/cases/{case_id}", params={"lang": "en"})

    for path, page in pages.items():
        assert page.status_code == 200, path
        assert '<html lang="sv">' in page.text, path
        assert _leftovers(page) == [], path
        assert "Inloggad som <strong>Karin Ek</strong>" in page.text
        assert 'hreflang="en"' in page.text
    case_page = pages[f"/staff/cases/{case_id}"]
    assert "Beslutförhet" in case_page.text
    assert "Händelselogg" in case_page.text
    assert "Ekonomisk bärkraft" in case_page.text
    assert "kl." in case_page.text  # "20 januari 2027 kl. 09:30": Swedish time, Swedish words
    assert submitted.case_number in pages["/staff/cases"].text
    assert "Rådets sammanträde" in pages["/staff/meeting"].text
    assert '<html lang="en">' in english.text
    assert "Audit trail" in english.text


async def test_a_refused_decision_and_bad_scores_are_told_in_swedish(
    council: RunningCouncil,
) -> None:
    case_id, _ = await council.open_case()
    async with council.sign_in(KARIN, language="sv") as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert csrf is not None
        refused = await browser.post(
            f"/staff/cases/{case_id}/decision",
            data={"csrf_token": csrf[1], "decision": "rejected", "motivation": "Inte än."},
        )
    async with council.sign_in(ANNA, language="sv") as browser:
        page = await browser.get(f"/staff/cases/{case_id}")
        csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text)
        assert csrf is not None
        bad = await browser.post(
            f"/staff/cases/{case_id}/scores",
            data={"csrf_token": csrf[1], "score_need": "9", "comment_need": " "},
        )

    assert refused.status_code == 409
    assert "fler ledamöter utan jäv behöver bedöma alla kriterier" in refused.text
    assert bad.status_code == 422
    assert "Välj en poäng från 1 till 5." in bad.text
    assert "Input should" not in bad.text
