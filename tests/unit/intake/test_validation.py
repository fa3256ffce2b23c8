"""The application request: each bad field named with a readable message; good values normalised."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from digitalwell_intake.models import ApplicationRequest, WithdrawRequest
from tests.support.intake import application_body


def _errors(body: dict[str, Any]) -> dict[tuple[int | str, ...], dict[str, Any]]:
    with pytest.raises(ValidationError) as invalid:
        ApplicationRequest.model_validate(body)
    return {tuple(error["loc"]): dict(error) for error in invalid.value.errors()}


def test_a_complete_application_is_accepted_and_normalised() -> None:
    body = application_body(support_requested=["coaching", "coaching", "expert_advice"])
    body["organisation"]["org_number"] = "5560125790"
    body["contact"]["phone"] = "070-123 45 67"
    body["title"] = "  Smart dosett  "

    request = ApplicationRequest.model_validate(body)

    assert request.organisation.org_number == "556012-5790"
    assert request.contact.phone == "+46701234567"
    assert request.title == "Smart dosett"
    assert request.support_requested == ["coaching", "expert_advice"]


def test_an_international_phone_number_keeps_its_country_code() -> None:
    body = application_body()
    body["contact"]["phone"] = "+44 20 7946 0958"

    assert ApplicationRequest.model_validate(body).contact.phone == "+442079460958"


@pytest.mark.parametrize(
    ("field", "loc"),
    [
        ("title", ("title",)),
        ("summary", ("summary",)),
        ("need", ("need",)),
        ("business_model", ("business_model",)),
    ],
)
def test_blank_text_is_refused_by_name(field: str, loc: tuple[str, ...]) -> None:
    errors = _errors(application_body(**{field: "   \n "}))

    assert errors[loc]["type"] == "blank"
    assert errors[loc]["msg"] == "Fill in this field; it must not be blank"


def test_blank_names_are_refused_inside_organisation_and_contact() -> None:
    body = application_body()
    body["organisation"]["name"] = " "
    body["contact"]["name"] = ""

    errors = _errors(body)

    assert errors[("organisation", "name")]["type"] == "blank"
    assert errors[("contact", "name")]["type"] == "blank"


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 200), ("summary", 5000), ("need", 5000), ("business_model", 5000)],
)
def test_too_long_text_is_refused_with_its_limit(field: str, limit: int) -> None:
    errors = _errors(application_body(**{field: "x" * (limit + 1)}))

    assert errors[(field,)]["type"] == "string_too_long"
    assert str(limit) in errors[(field,)]["msg"]


def test_text_at_the_limit_after_stripping_is_accepted() -> None:
    request = ApplicationRequest.model_validate(application_body(title=" " + "x" * 200 + " "))

    assert len(request.title) == 200


def test_list_items_are_checked_one_by_one_and_lists_have_a_maximum() -> None:
    errors = _errors(
        application_body(
            target_groups=["äldre", " ", "x" * 201], public_sector_partners=["Region"] * 21
        )
    )

    assert errors[("target_groups", 1)]["type"] == "blank"
    assert errors[("target_groups", 2)]["type"] == "string_too_long"
    assert errors[("public_sector_partners",)]["type"] == "too_long"
    assert "20" in errors[("public_sector_partners",)]["msg"]


def test_at_least_one_target_group_is_needed() -> None:
    errors = _errors(application_body(target_groups=[]))

    assert errors[("target_groups",)]["type"] == "too_short"


def test_public_sector_partners_may_be_left_out() -> None:
    body = application_body()
    del body["public_sector_partners"]

    assert ApplicationRequest.model_validate(body).public_sector_partners == []


@pytest.mark.parametrize(
    "email", ["anna", "anna@", "@example.se", "anna@example", "a b@example.se"]
)
def test_a_bad_email_is_refused(email: str) -> None:
    body = application_body()
    body["contact"]["email"] = email

    error = _errors(body)[("contact", "email")]

    assert error["type"] == "email_invalid"
    assert error["msg"].startswith("Enter a valid e-mail address, like name@example.se (")


@pytest.mark.parametrize("phone", ["12", "070-12", "phone", "+46 70 123 45 67 89 01", ""])
def test_a_bad_phone_number_is_refused(phone: str) -> None:
    body = application_body()
    body["contact"]["phone"] = phone

    error = _errors(body)[("contact", "phone")]

    assert error["type"] == "phone_invalid"
    assert "phone number" in error["msg"]


def test_a_bad_organisation_number_is_refused_with_the_reason() -> None:
    body = application_body()
    body["organisation"]["org_number"] = "556012-5791"

    error = _errors(body)[("organisation", "org_number")]

    assert error["type"] == "org_number_checksum"


@pytest.mark.parametrize("support", [[], ["coaching", "a_yacht"]])
def test_at_least_one_known_kind_of_support_is_needed(support: list[str]) -> None:
    errors = _errors(application_body(support_requested=support))

    assert any(loc[0] == "support_requested" for loc in errors)


def test_no_support_says_so() -> None:
    error = _errors(application_body(support_requested=[]))[("support_requested",)]

    assert error["type"] == "support_required"
    assert error["msg"] == "Choose at least one kind of support"


@pytest.mark.parametrize("consent", [False, "no"])
def test_consent_must_be_given(consent: object) -> None:
    error = _errors(application_body(consent=consent))[("consent",)]

    assert error["type"] == "consent_required"
    assert "Consent" in error["msg"]


def test_missing_consent_is_refused() -> None:
    body = application_body()
    del body["consent"]

    assert _errors(body)[("consent",)]["type"] == "missing"


def test_an_unknown_stage_is_refused() -> None:
    error = _errors(application_body(stage="dream"))[("stage",)]

    assert error["type"] == "enum"
    assert "prototype" in error["msg"]


@pytest.mark.parametrize("where", ["top", "organisation", "contact"])
def test_unknown_fields_are_refused_wherever_they_are(where: str) -> None:
    body = application_body()
    if where == "top":
        body["budget"] = 1_000_000
        loc: tuple[str, ...] = ("budget",)
    else:
        body[where]["shoe_size"] = 44
        loc = (where, "shoe_size")

    assert _errors(body)[loc]["type"] == "extra_forbidden"


def test_every_bad_field_is_named_at_once() -> None:
    body = application_body(title="", consent=False, support_requested=[])
    body["contact"]["email"] = "nope"

    errors = _errors(body)

    assert set(errors) == {("title",), ("consent",), ("support_requested",), ("contact", "email")}


def test_a_withdrawal_reason_is_optional_and_has_a_limit() -> None:
    assert WithdrawRequest().reason == ""
    with pytest.raises(ValidationError):
        WithdrawRequest(reason="x" * 2001)
