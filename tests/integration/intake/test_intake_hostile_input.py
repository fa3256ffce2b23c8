"""Input that cannot hurt intake: control characters refused by field, 422s that echo nothing."""

from __future__ import annotations

import pytest

from digitalwell_shared.staff import Role
from tests.support.intake import RunningIntake, application_body, form_data, form_fields
from tests.support.staff import bearer, staff_token

pytestmark = pytest.mark.integration

SUBMIT = "/api/v1/applications"
HEADER_INJECTION = "Eve\r\nBcc: x@example.net"


async def test_a_line_break_in_a_single_line_field_is_refused_naming_the_field(
    intake: RunningIntake,
) -> None:
    body = application_body(title="Dosett\x00")
    body["contact"]["name"] = HEADER_INJECTION
    body["organisation"]["name"] = "Omsorg\u2028AB"

    response = await intake.client.post(SUBMIT, json=body)

    assert response.status_code == 422
    named = {tuple(error["loc"]): error for error in response.json()["detail"]}
    assert set(named) == {
        ("body", "contact", "name"),
        ("body", "organisation", "name"),
        ("body", "title"),
    }
    assert {error["type"] for error in named.values()} == {"single_line"}
    assert "single line without control characters" in named["body", "title"]["msg"]
    assert await intake.stored_for(body) == (0, 0)


async def test_a_multi_line_field_keeps_its_line_breaks_and_refuses_other_controls(
    intake: RunningIntake,
) -> None:
    kept = application_body(summary="Första raden.\r\nAndra raden.\n\tIndragen.")
    refused = application_body(need="Ett behov\x1b[2J som rensar skärmen")

    accepted = await intake.client.post(SUBMIT, json=kept)
    answer = await intake.client.post(SUBMIT, json=refused)

    assert accepted.status_code == 201
    stored = await intake.database["applications"].find_one({"_id": accepted.json()["id"]})
    assert stored is not None
    assert stored["application"]["summary"] == "Första raden.\nAndra raden.\n\tIndragen."
    assert answer.status_code == 422
    assert [(e["loc"], e["type"]) for e in answer.json()["detail"]] == [
        (["body", "need"], "control_characters")
    ]


async def test_the_html_form_answers_422_naming_the_field_with_a_control_character(
    intake: RunningIntake,
) -> None:
    body = application_body()
    body["contact"]["name"] = HEADER_INJECTION

    response = await intake.client.post(
        "/applications", data=form_data(form_fields(body, lang="en"))
    )

    assert response.status_code == 422
    assert 'href="#contact_name"' in response.text
    assert "Write this on a single line, without control characters." in response.text
    assert await intake.stored_for(body) == (0, 0)


async def test_a_422_names_fields_and_rules_but_never_repeats_the_values(
    intake: RunningIntake,
) -> None:
    secret_text = "private-details-" + "x" * 10_000
    body = application_body(summary=secret_text, stage="not-a-stage")
    body["contact"]["phone"] = "secret-phone-value"

    response = await intake.client.post(SUBMIT, json=body)

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert {tuple(e["loc"]) for e in errors} == {
        ("body", "summary"),
        ("body", "stage"),
        ("body", "contact", "phone"),
    }
    assert all(set(error) == {"type", "loc", "msg"} for error in errors)
    assert "private-details" not in response.text
    assert "secret-phone-value" not in response.text
    assert "not-a-stage" not in response.text
    assert len(response.content) < 2000


async def test_a_staff_account_with_a_line_break_in_its_name_is_refused_without_its_password(
    intake: RunningIntake,
) -> None:
    admin = bearer(staff_token(intake.settings, Role.ADMINISTRATOR))
    password = "a-long-enough-secret-" + "p" * 2000  # over the longest password accepted
    new = {"email": "eve@example.org", "name": HEADER_INJECTION, "roles": ["council_member"]}

    response = await intake.client.post(
        "/api/v1/staff", json=new | {"password": password}, headers=admin
    )

    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["detail"]} == {
        ("body", "name"),
        ("body", "password"),
    }
    assert "a-long-enough-secret" not in response.text
    assert "Bcc" not in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_body_limit_is_the_json_one_for_json_and_the_larger_one_for_forms(
    intake: RunningIntake,
) -> None:
    over_json_limit = "x" * (intake.settings.max_json_body_bytes + 1)
    body = application_body(summary=over_json_limit)
    fields = form_data(form_fields(body, lang="en"))

    as_json = await intake.client.post(SUBMIT, json=body)
    as_form = await intake.client.post("/applications", data=fields)
    too_big_form = await intake.client.post(
        "/applications",
        data=fields | {"need": "y" * intake.settings.max_form_body_bytes},
    )

    assert as_json.status_code == 413
    assert as_form.status_code == 422  # read, and refused for the summary's length
    assert 'href="#summary"' in as_form.text
    assert too_big_form.status_code == 413
    assert await intake.stored_for(body) == (0, 0)
