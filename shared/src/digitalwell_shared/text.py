"""Text people type: one line without control characters, or lines without the other controls.

A CR or LF in a name becomes a header line in an e-mail (``Bcc:``), a NUL or an escape sequence
confuses whatever reads the text next; so every text a form or API takes is one of these two.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

SINGLE_LINE_ERROR = "single_line"
CONTROL_CHARACTER_ERROR = "control_characters"
# C0 controls (TAB, LF and CR included), DEL, C1 controls, and the Unicode line and paragraph
# separators, which some readers take for line breaks.
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same, less the line feed and tab a text area may hold.
_NOT_IN_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value: str) -> str:
    """``value`` unchanged, if it is one line without control characters."""
    if _NOT_IN_A_LINE.search(value):
        raise PydanticCustomError(
            SINGLE_LINE_ERROR, "Must be a single line without control characters"
        )
    return value


def multi_line(value: str) -> str:
    """``value`` with CRLF line breaks as LF, if it holds no control but LF and TAB."""
    value = value.replace("\r\n", "\n")  # what browsers send from a text area
    if _NOT_IN_LINES.search(value):
        raise PydanticCustomError(
            CONTROL_CHARACTER_ERROR,
            "Must not contain control characters other than line breaks and tabs",
        )
    return value


SingleLineText = Annotated[str, AfterValidator(single_line)]
MultiLineText = Annotated[str, AfterValidator(multi_line)]
