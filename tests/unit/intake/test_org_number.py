"""Swedish organisation numbers: shape, third digit, Luhn check digit and normal form."""

from __future__ import annotations

import pytest

from digitalwell_intake.domain import InvalidValueError, luhn_check_digit, normalise_org_number


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("556012-5790", "556012-5790"),  # an aktiebolag
        ("5560125790", "556012-5790"),
        ("  556036-0793 ", "556036-0793"),
        ("212000-0142", "212000-0142"),  # a municipality (group 2)
        ("802001-6161", "802001-6161"),  # a non-profit association (group 8)
    ],
)
def test_a_valid_number_is_normalised_to_six_digits_dash_four(typed: str, normal: str) -> None:
    assert normalise_org_number(typed) == normal


@pytest.mark.parametrize(
    "typed", ["", "556012579", "55601257901", "556012 5790", "5560-125790", "55601a-5790", "abc"]
)
def test_a_number_of_the_wrong_shape_is_refused(typed: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        normalise_org_number(typed)

    assert refused.value.code == "org_number_format"
    assert "NNNNNN-NNNN" in str(refused.value)


def test_a_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidValueError) as refused:
        normalise_org_number("556012-5791")

    assert refused.value.code == "org_number_checksum"
    assert "check digit" in str(refused.value)


@pytest.mark.parametrize("typed", ["850101-1234", "811218-9876", "19850101-1234"])
def test_a_personal_identity_number_is_not_an_organisation_number(typed: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        normalise_org_number(typed)

    assert refused.value.code in {"org_number_personal", "org_number_format"}


def test_a_personnummer_with_a_correct_check_digit_is_refused_for_its_third_digit() -> None:
    digits = "811218987"
    personnummer = f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"

    with pytest.raises(InvalidValueError) as refused:
        normalise_org_number(personnummer)

    assert refused.value.code == "org_number_personal"


@pytest.mark.parametrize(
    ("digits", "check"), [("556012579", 0), ("556036079", 3), ("212000014", 2), ("811218987", 6)]
)
def test_the_luhn_check_digit_weights_two_one_from_the_left(digits: str, check: int) -> None:
    assert luhn_check_digit(digits) == check
