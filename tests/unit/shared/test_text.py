"""Typed text: one line refuses every control character, several lines keep LF and TAB only."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from digitalwell_shared.text import (
    CONTROL_CHARACTER_ERROR,
    SINGLE_LINE_ERROR,
    MultiLineText,
    SingleLineText,
)


class _Typed(BaseModel):
    line: SingleLineText = ""
    lines: MultiLineText = ""


_REFUSED_EVERYWHERE = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\x1f",
    "\x7f",
    "\x80",
    "\x85",
    "\x9f",
    "\u2028",
    "\u2029",
]


def _error_type(**fields: str) -> str:
    with pytest.raises(ValidationError) as refused:
        _Typed(**fields)
    return refused.value.errors()[0]["type"]


@pytest.mark.parametrize("control", ["\r", "\n", "\r\n", "\t", *_REFUSED_EVERYWHERE])
def test_a_single_line_refuses_a_control_character_with_a_message_naming_the_rule(
    control: str,
) -> None:
    with pytest.raises(
        ValidationError, match="a single line without control characters"
    ) as refused:
        _Typed(line=f"Eve{control}Bcc: x@example.net")

    assert refused.value.errors()[0]["type"] == SINGLE_LINE_ERROR
    assert refused.value.errors()[0]["loc"] == ("line",)


def test_a_single_line_keeps_letters_of_every_language_and_spaces() -> None:
    assert _Typed(line="Åsa Öberg, Ærø Ñandú 東京 ").line == "Åsa Öberg, Ærø Ñandú 東京 "


@pytest.mark.parametrize("control", ["\r", *_REFUSED_EVERYWHERE])
def test_several_lines_refuse_controls_other_than_line_feed_and_tab(control: str) -> None:
    assert _error_type(lines=f"first line\n{control}second") == CONTROL_CHARACTER_ERROR


def test_several_lines_keep_line_feeds_and_tabs_and_turn_crlf_into_lf() -> None:
    assert _Typed(lines="one\r\ntwo\n\tthree").lines == "one\ntwo\n\tthree"
