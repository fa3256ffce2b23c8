"""Who sits on the council: COUNCIL_MEMBERS, read as a list of addresses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from digitalwell_council.settings import DEMO_COUNCIL, Settings

SECRET = "a-production-secret-of-enough-length-0123456789"


def test_the_members_are_read_as_comma_separated_lower_case_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COUNCIL_MEMBERS", " Anna@Region.se, bo@region.se ,, anna@region.se")

    assert Settings().members == ("anna@region.se", "bo@region.se")


def test_a_developer_machine_has_the_demo_council() -> None:
    assert Settings().members == DEMO_COUNCIL


def test_production_refuses_the_demo_council(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COUNCIL_ENVIRONMENT", "production")
    monkeypatch.setenv("COUNCIL_LINK_SECRET", SECRET)
    monkeypatch.setenv("COUNCIL_STAFF_SESSION_SECRET", SECRET)

    with pytest.raises(ValidationError, match="COUNCIL_MEMBERS"):
        Settings()

    monkeypatch.setenv("COUNCIL_MEMBERS", "anna@region.se")
    assert Settings().members == ("anna@region.se",)
