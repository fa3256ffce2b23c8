"""Who sits on the council: COUNCIL_MEMBERS, read as a list of addresses."""

from __future__ import annotations

import pytest

from digitalwell_council.settings import Settings


def test_the_members_are_read_as_comma_separated_lower_case_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COUNCIL_MEMBERS", " Anna@Region.se, bo@region.se ,, anna@region.se")

    assert Settings().member_addresses == ("anna@region.se", "bo@region.se")


def test_without_the_setting_the_council_is_whoever_has_acted_as_a_member() -> None:
    assert Settings().member_addresses == ()
