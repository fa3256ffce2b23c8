"""The application form page: language, accessible errors and kept values, without any server.

The form page and a refused form never touch the broker or the database, so the app is
driven without its lifespan: nothing connects.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError

from digitalwell_intake.app import create_app
from digitalwell_intake.form import FIELDS, ApplicationForm, field_errors
from digitalwell_intake.models import ApplicationRequest
from digitalwell_intake.page_text import WORDING
from digitalwell_intake.settings import Settings
from digitalwell_shared.contracts import Language, SupportKind
from digitalwell_shared.kinds import support_kind_name
from tests.support.intake import application_body, form_fields


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(mongodb_database="never_used"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://intake.test"
    ) as client:
        yield client


def _errors_of(items: list[tuple[str, str]], language: Language) -> dict[str, str]:
    form = ApplicationForm.from_form_data(items)
    with pytest.raises(ValidationError) as invalid:
        ApplicationRequest.model_validate(form.to_payload())
    return field_errors(invalid.value, language)


def test_a_filled_in_form_is_the_same_application_as_its_json() -> None:
    body = application_body()

    form = ApplicationForm.from_form_data(form_fields(body))

    assert ApplicationRequest.model_validate(form.to_payload()) == (
        ApplicationRequest.model_validate(body)
    )


def test_an_empty_form_names_every_required_field_in_page_order() -> None:
    errors = _errors_of([("lang", "en")], Language.EN)

    assert list(errors) == [name for name in FIELDS if name != "public_sector_partners"]
    assert errors["org_name"] == "Fill in this field."
    assert errors["contact_email"] == "Fill in this field."
    assert errors["stage"] == "Choose how far you have come."
    assert errors["support_requested"] == "Choose at least one kind of support."
    assert errors["target_groups"] == "Enter at least one target group."


def test_errors_are_in_the_page_language() -> None:
    items = form_fields(application_body(consent=False))
    items = [(n, "556012-5791" if n == "org_number" else v) for n, v in items]

    errors = _errors_of(items, Language.SV)

    assert errors == {
        "org_number": "Kontrollsiffran (sista siffran) stämmer inte. Kontrollera numret.",
        "consent": "Du behöver samtycka för att vi ska kunna ta emot ansökan.",
    }


def test_bad_values_get_messages_that_say_what_to_do() -> None:
    body = application_body(title="x" * 201)
    body["contact"]["email"] = "anna.example.se"
    body["contact"]["phone"] = "12"
    body["organisation"]["org_number"] = "850101-1234"
    body["target_groups"] = ["y" * 201]
    body["public_sector_partners"] = [f"Kommun {n}" for n in range(21)]

    errors = _errors_of(form_fields(body), Language.EN)

    assert errors["title"] == "Use at most 200 characters."
    assert errors["contact_email"].startswith("Enter an email address")
    assert errors["contact_phone"].startswith("Enter a phone number")
    assert "third digit" in errors["org_number"]
    assert errors["target_groups"] == "Each line can be at most 200 characters."
    assert errors["public_sector_partners"] == "Enter at most 20 lines."


def test_swedish_and_english_have_the_same_messages() -> None:
    assert set(WORDING.catalogues[Language.SV]) == set(WORDING.catalogues[Language.EN])


async def test_the_form_is_swedish_first_with_a_switch_to_english(
    client: httpx.AsyncClient,
) -> None:
    swedish = await client.get("/")
    english = await client.get("/", params={"lang": "en"})

    assert swedish.status_code == 200
    assert '<html lang="sv">' in swedish.text
    assert "Ansök om stöd" in swedish.text
    assert 'href="http://intake.test/?lang=en"' in swedish.text
    assert '<html lang="en">' in english.text
    assert "Apply for support" in english.text
    assert "?lang=sv" in english.text


@pytest.mark.parametrize("language", list(Language))
async def test_the_form_names_the_kinds_of_support_as_every_service_does(
    client: httpx.AsyncClient, language: Language
) -> None:
    page = await client.get("/", params={"lang": language.value})

    labels = re.findall(r'<label for="support_requested[^"]*">([^<]+)', page.text)
    assert labels == [support_kind_name(kind, language) for kind in SupportKind]


async def test_the_form_page_loads_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text

    assert "<script" not in page
    assert "<link" not in page
    assert not re.search(r'src="https?://', page)
    assert "<style>" in page


async def test_every_field_has_a_label_and_groups_have_legends(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text

    ids = re.findall(r'<(?:input|textarea)[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids
    assert set(ids) <= labelled
    assert page.count("<fieldset") == page.count("<legend>")
    assert page.count("<fieldset") >= 6


async def test_a_refused_form_comes_back_with_a_linked_summary_and_the_values_typed(
    client: httpx.AsyncClient,
) -> None:
    items = [
        ("lang", "en"),
        ("org_name", "Omsorg & Teknik <AB>"),
        ("org_number", "12345"),
        ("stage", "pilot"),
        ("support_requested", "coaching"),
        ("target_groups", "äldre\n\nhemtjänst"),
    ]

    response = await client.post("/applications", data=dict(items))

    page = response.text
    assert response.status_code == 422
    assert "<title>Error: " in page
    assert 'class="error-summary" role="alert"' in page
    assert '<a href="#org_number">Swedish organisation number: Enter the organisation' in page
    assert '<a href="#title">' in page
    assert 'id="org_number-error"' in page
    assert 'aria-describedby="org_number-hint org_number-error"' in page
    assert 'aria-invalid="true"' in page
    assert 'value="Omsorg &amp; Teknik &lt;AB&gt;"' in page  # kept, and escaped
    assert 'value="12345"' in page
    assert re.search(r'value="pilot"\s+checked', page)
    assert re.search(r'value="coaching"\s+checked', page)
    assert "äldre\n\nhemtjänst</textarea>" in page
    assert 'href="#org_name"' not in page  # a good field is not in the summary


async def test_a_refused_swedish_form_answers_in_swedish(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications", data={"lang": "sv"})

    assert response.status_code == 422
    assert "Det finns fel i formuläret" in response.text
    assert "Fyll i fältet." in response.text
    # The switch posts what was typed, to show the form again in English.
    assert 'name="switch_lang" value="en"' in response.text
