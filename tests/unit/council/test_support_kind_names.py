"""council names the kinds of support as intake and notify do: from ``digitalwell_shared.kinds``.

Council's pages once said "Financing advice" where the application form and the e-mails said
"Advice on financing". The case page below is council's own, rendered from a fake store.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html import unescape

import httpx
import pytest

from digitalwell_council import usecases
from digitalwell_council.app import create_app
from digitalwell_council.domain import Criterion
from digitalwell_council.page_text import WORDING
from digitalwell_council.records import GivenScore, Support
from digitalwell_council.settings import Settings
from digitalwell_shared.contracts import Decision, Language, SupportKind
from digitalwell_shared.envelope import Envelope
from digitalwell_shared.kinds import support_kind_name
from digitalwell_shared.staff import SESSION_COOKIE, Role, StaffMember
from tests.support.committing import FAKE_TRANSACTION
from tests.support.events import application_submitted
from tests.support.staff import staff_token
from tests.unit.council.fakes import FakeCouncil, fake_council

SETTINGS = Settings(mongodb_database="never_used")
CHAIR_EMAIL = "chair@example.org"


def _staff(name: str, email: str) -> StaffMember:
    roles = frozenset({Role.COUNCIL_MEMBER, Role.COUNCIL_CHAIR})
    return StaffMember(id=email, email=email, name=name, roles=roles, session_id="s")


async def _decided_case(council: FakeCouncil) -> str:
    """A case that asked for financing advice and was granted it, by two members' scores."""
    event = application_submitted().model_copy(
        update={"support_requested": [SupportKind.FINANCING_ADVICE]}
    )
    envelope = Envelope.for_event(event, source="/digitalwell/intake", correlation_id=None)
    (case,) = await usecases.open_cases(council.deps, [(event, envelope)], FAKE_TRANSACTION)
    every = [GivenScore(criterion=c, score=4, comment="Sound.") for c in Criterion]
    for member in (_staff("Anna", "anna@example.org"), _staff("Bo", "bo@example.org")):
        await usecases.score_case(council.deps, case.id, member, every)
    await usecases.decide_case(
        council.deps,
        case.id,
        chair=_staff("Cia", CHAIR_EMAIL),
        decision=Decision.GRANTED,
        support_granted=[Support(kind=SupportKind.FINANCING_ADVICE, note="Two meetings.")],
        motivation="A clear need.",
    )
    return case.id


@pytest.fixture
async def council_pages() -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """council's app without its lifespan, its use cases on fakes, and a signed-in chair."""
    council = fake_council()
    app = create_app(SETTINGS)
    app.state.deps = council.deps
    case_id = await _decided_case(council)
    token = staff_token(
        SETTINGS, Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER, name="Cia", email=CHAIR_EMAIL
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://council.test"
    ) as client:
        client.cookies.set(SESSION_COOKIE, token)
        yield client, case_id


@pytest.mark.parametrize("language", list(Language))
async def test_the_case_page_names_financing_advice_as_the_rest_of_the_programme_does(
    council_pages: tuple[httpx.AsyncClient, str], language: Language
) -> None:
    client, case_id = council_pages

    response = await client.get(f"/staff/cases/{case_id}?lang={language.value}")

    assert response.status_code == 200
    text = unescape(re.sub(r"\s+", " ", response.text))
    name = support_kind_name(SupportKind.FINANCING_ADVICE, language)
    assert (
        name
        == {Language.SV: "Rådgivning om finansiering", Language.EN: "Advice on financing"}[language]
    )
    assert f"{name}: Two meetings." in text  # the support granted
    assert re.search(rf">\s*{re.escape(name)}\s*<", response.text)  # the support requested
    assert "Financing advice" not in text
    assert "Finansieringsrådgivning" not in text


def test_council_keeps_no_names_of_its_own_for_the_kinds_of_support() -> None:
    for kind in SupportKind:
        assert not WORDING.has(f"support_{kind.value}")
