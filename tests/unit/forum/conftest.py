"""The fixture of forum's use-case tests: its Deps on in-memory fakes, with a fixed clock."""

from __future__ import annotations

import pytest

from tests.support.committing import FixedClock
from tests.unit.forum.forum_on_fakes import FakeForum, now_for_tests


@pytest.fixture
def forum() -> FakeForum:
    """forum on fakes, its clock fixed at the test's start."""
    return FakeForum(FixedClock(now_for_tests()))
