"""Every word council's staff pages say, in Swedish (the council's working language) and English.

The API's refusals stay English (they are for programs); on a page a refusal is told in the
reader's language by its reason (``CaseRefusal.reason``).
"""

from __future__ import annotations

from digitalwell_council.page_text_en import EN
from digitalwell_council.page_text_sv import SV
from digitalwell_shared.contracts import Language

PAGE_TEXT: dict[Language, dict[str, str]] = {Language.SV: SV, Language.EN: EN}


def translate(language: Language, key: str, **values: object) -> str:
    """The page text ``key`` in ``language``, with ``values`` filled in."""
    message = PAGE_TEXT[language][key]
    return message.format(**values) if values else message
