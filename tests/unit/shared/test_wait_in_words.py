"""The wait a 429 page names, as a person says it: rounded up, in the reader's language."""

from __future__ import annotations

import pytest

from digitalwell_shared.contracts import Language
from digitalwell_shared.error_pages import wait_in_words


@pytest.mark.parametrize(
    ("seconds", "swedish", "english"),
    [
        (0, "1 sekund", "1 second"),
        (1, "1 sekund", "1 second"),
        (59, "59 sekunder", "59 seconds"),
        (60, "1 minut", "1 minute"),
        (61, "2 minuter", "2 minutes"),
        (3599, "60 minuter", "60 minutes"),
        (3600, "1 timme", "1 hour"),
        (3601, "2 timmar", "2 hours"),
    ],
)
def test_the_wait_is_rounded_up_to_a_unit_a_person_uses(
    seconds: int, swedish: str, english: str
) -> None:
    assert wait_in_words(seconds, Language.SV) == swedish
    assert wait_in_words(seconds, Language.EN) == english
