"""The fault suite's quick variant, run by `make test`: every trial, short outages, small bursts.

`make faults` runs the same trials (tests/faults/suite.py) at full length; a trial added there is
run here too.
"""

from __future__ import annotations

import pytest

from tests.faults.suite import QUICK, TRIALS, run_trial

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("trial", list(TRIALS))
async def test_nothing_acknowledged_is_lost_or_doubled(trial: str):
    outcome, output = await run_trial(trial, QUICK)

    print(output[-20000:])  # noqa: T201 -- shown by pytest only when the trial fails
    assert outcome.passed, outcome.row()
    assert outcome.acknowledged > 0
